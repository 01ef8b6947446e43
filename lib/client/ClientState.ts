import type { RPCSession } from '../session/RPCSession.js';

/**
 * What an {@link RPCClient} is doing, as `client.state$` reports it:
 *
 * | status | means | fields |
 * |---|---|---|
 * | `connecting` | an attempt to connect is in flight | `attempt`, `endpoint`, `lastError` (the previous attempt's, if any) |
 * | `open` | a session is live; requests go straight to it | `endpoint`, `session` |
 * | `reconnecting` | waiting `delay` seconds before the next attempt | `attempt` (the next one's number), `endpoint` (the next one), `delay`, `lastError` |
 * | `closed` | for good: `close()` was called, or reconnection gave up | `lastError` when it gave up |
 *
 * `attempt` counts attempts since the client was last open, from 1.
 *
 * ## Example
 *
 * ```ts
 * import { connect$, type ClientState } from 'rxrpcx';
 *
 * const describe = (state: ClientState): string =>
 *   state.status === 'reconnecting' ? `retrying ${state.endpoint} in ${state.delay.toFixed(1)} s (attempt ${state.attempt})` : state.status;
 * const client = connect$('wss://electrum.example.org:50004');
 * client.state$.subscribe((state) => console.log(describe(state)));
 * ```
 */
export type ClientState = ConnectingState | OpenState | ReconnectingState | ClosedState;

/**
 * An attempt to connect is in flight ({@link ClientState}).
 *
 * ## Example
 *
 * ```ts
 * import type { ConnectingState } from 'rxrpcx';
 *
 * const state: ConnectingState = { status: 'connecting', attempt: 1, endpoint: 'wss://example.org/rpc' };
 * ```
 */
export interface ConnectingState {
  /** Always `'connecting'`. */
  readonly status: 'connecting';
  /** The attempt's number since the client was last open, from 1. */
  readonly attempt: number;
  /** The endpoint being tried. */
  readonly endpoint: string;
  /** Why the previous attempt or session ended, if one did. */
  readonly lastError?: unknown;
}

/**
 * A session is live ({@link ClientState}).
 *
 * ## Example
 *
 * ```ts
 * import { connect$ } from 'rxrpcx';
 *
 * connect$('wss://example.org/rpc').state$.subscribe((state) => {
 *   if (state.status === 'open') console.log('connected to', state.endpoint, String(state.session.remoteAddress()));
 * });
 * ```
 */
export interface OpenState {
  /** Always `'open'`. */
  readonly status: 'open';
  /** The endpoint the session is connected to. */
  readonly endpoint: string;
  /** The live session. */
  readonly session: RPCSession;
}

/**
 * Waiting before the next attempt ({@link ClientState}).
 *
 * ## Example
 *
 * ```ts
 * import type { ReconnectingState } from 'rxrpcx';
 *
 * const state: ReconnectingState = { status: 'reconnecting', attempt: 2, endpoint: 'wss://b.example.org', delay: 0.7, lastError: new Error('refused') };
 * ```
 */
export interface ReconnectingState {
  /** Always `'reconnecting'`. */
  readonly status: 'reconnecting';
  /** The number the next attempt will have. */
  readonly attempt: number;
  /** The endpoint the next attempt will try. */
  readonly endpoint: string;
  /** Seconds until the next attempt (a wake-up event cuts it short). */
  readonly delay: number;
  /** Why the last attempt failed or the last session ended. */
  readonly lastError: unknown;
}

/**
 * The client is closed for good ({@link ClientState}).
 *
 * ## Example
 *
 * ```ts
 * import type { ClosedState } from 'rxrpcx';
 *
 * const gaveUp = (state: ClosedState): boolean => state.lastError !== undefined;
 * ```
 */
export interface ClosedState {
  /** Always `'closed'`. */
  readonly status: 'closed';
  /** Why reconnection gave up; absent after `close()`. */
  readonly lastError?: unknown;
}
