import type { Observable, ObservableInput, SchedulerLike } from 'rxjs';
import type { RequestArgs } from '../jsonrpc/Request.js';
import type { RPCSession, RPCSessionConfig } from '../session/RPCSession.js';
import type { SessionLogger } from '../session/SessionLogger.js';
import type { Transport } from '../transport/Transport.js';

/**
 * What a {@link Connector} is given for one attempt.
 *
 * ## Example
 *
 * ```ts
 * import type { ConnectContext } from 'rxrpcx';
 *
 * const describe = (context: ConnectContext): string => `attempt ${context.attempt}, ${context.timeout} s allowed`;
 * ```
 */
export interface ConnectContext {
  /** The attempt's number since the client was last open, from 1. */
  readonly attempt: number;
  /** Seconds the attempt may take (the client's `connectTimeout`); the client also enforces it. */
  readonly timeout: number;
  /** Fires when the client gives the attempt up (timeout, `close()`, a wake-up). */
  readonly signal: AbortSignal;
  /** The client's scheduler. */
  readonly scheduler: SchedulerLike;
}

/**
 * Opens a transport to one endpoint: a Promise or Observable of a
 * {@link Transport} (the first value is taken). `connect$` brings one for
 * WebSocket URLs (and `rxrpcx/node`'s for `tcp://`, `tls://` and SOCKS);
 * give your own for anything else, or to test in virtual time.
 *
 * ## Example
 *
 * ```ts
 * import { connect$, memoryTransportPair, type Connector } from 'rxrpcx';
 *
 * const connector: Connector = () => {
 *   const [clientEnd] = memoryTransportPair(); // the other end would go to a server session
 *   return Promise.resolve(clientEnd);
 * };
 * const client = connect$('memory:', { connector });
 * ```
 */
export type Connector = (endpoint: string, context: ConnectContext) => ObservableInput<Transport>;

/**
 * When and how often an {@link RPCClient} tries again: exponential backoff
 * with full jitter (each delay is uniformly random between 0 and
 * `min(maxDelay, initialDelay × factor^(n − 1))` for the n-th attempt in a
 * row), across its endpoints in turn.
 *
 * ## Example
 *
 * ```ts
 * import { connect$ } from 'rxrpcx';
 *
 * const client = connect$(['wss://a.example.org', 'wss://b.example.org'], {
 *   reconnect: { initialDelay: 0.5, maxDelay: 20, maxAttempts: 10 },
 * });
 * ```
 */
export interface ReconnectOptions {
  /** Seconds: the backoff's base (its first ceiling). @default 1 */
  readonly initialDelay?: number;
  /** Seconds: the backoff's cap. @default 30 */
  readonly maxDelay?: number;
  /** How the ceiling grows per attempt. @default 2 */
  readonly factor?: number;
  /** Attempts in a row without opening a session, after which the client closes. @default Infinity */
  readonly maxAttempts?: number;
  /** Full jitter (`true`) or the ceiling itself (`false`). @default true */
  readonly jitter?: boolean;
  /**
   * Whether a failed attempt is worth repeating.
   * @default {@link isRetryable}: every `ConnectError` but `tls`, `unsupported` and `aborted`, `ConnectionError`, and a SOCKS proxy that could not reach the server
   */
  readonly retryable?: (error: unknown) => boolean;
  /** A number in [0, 1) for the jitter. @default Math.random */
  readonly random?: () => number;
}

/**
 * Periodic liveness traffic: when nothing has come from the server for
 * `interval` seconds, the client sends `method` (e.g. Electrum's
 * `server.ping`) and ignores its answer; only the silence matters.
 *
 * ## Example
 *
 * ```ts
 * import { connect$ } from 'rxrpcx';
 *
 * const client = connect$('wss://example.org/rpc', { keepAlive: { method: 'server.ping', interval: 30 }, livenessTimeout: 75 });
 * ```
 */
export interface KeepAliveOptions {
  /** The method to request. */
  readonly method: string;
  /** Its arguments. @default [] */
  readonly params?: RequestArgs;
  /** Seconds of silence before a ping. */
  readonly interval: number;
}

/**
 * Options of {@link connect$} and {@link RPCClient}.
 *
 * ## Example
 *
 * ```ts
 * import { connect$ } from 'rxrpcx';
 *
 * const client = connect$('wss://example.org/rpc', {
 *   session: { handlers: { 'client.hello': () => 'hi' } },
 *   whileDisconnected: 'wait',
 *   maxWaiting: 50,
 *   requestTimeout: 20,
 * });
 * ```
 */
export interface ClientOptions {
  /** Options for each session the client opens (handlers the server may call, protocol, limits, logger…). @default {} */
  readonly session?: RPCSessionConfig;
  /** Makes each session from its transport; `config` is `session` with the client's scheduler, and its logger if it has one. @default `new RPCSession(transport, config)` */
  readonly sessionFactory?: (transport: Transport, config: RPCSessionConfig) => RPCSession;
  /** Opens transports. @default the entry's own: WebSocket URLs (`rxrpcx`); also `tcp://`, `tls://` (`rxrpcx/node`) */
  readonly connector?: Connector;
  /** The reconnection policy, or `false` to close at the first failure or disconnection. @default {} (see {@link ReconnectOptions}) */
  readonly reconnect?: ReconnectOptions | false;
  /** Seconds each connection attempt may take. @default 30 */
  readonly connectTimeout?: number;
  /** What a call made while there is no session does: wait for one (up to its timeout), or fail at once with `NotConnectedError`. @default 'wait' */
  readonly whileDisconnected?: 'wait' | 'fail';
  /** How many calls may wait for a session; beyond it they fail with `NotConnectedError` `busy`. @default 100 */
  readonly maxWaiting?: number;
  /** Seconds a request may take, waiting for a session included. @default the session's `sentRequestTimeout` (30) */
  readonly requestTimeout?: number;
  /** Ping after a silence. @default none */
  readonly keepAlive?: KeepAliveOptions;
  /** Seconds of silence from the server after which the session is dropped and the client reconnects. @default none */
  readonly livenessTimeout?: number;
  /** Events that make a waiting client try again at once (and ping an open one). @default {@link browserWakeUps}() (`online`, page visible; nothing in Node) */
  readonly wakeUps$?: Observable<unknown>;
  /** Drives backoff, timeouts, keep-alive and every session. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Where the client reports dropped sessions, failed attempts and failed notifications. @default the session's logger, else the default logger (`setDefaultLogger`) */
  readonly logger?: SessionLogger;
}
