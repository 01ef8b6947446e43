import type { SchedulerLike } from 'rxjs';
import type { FramerBase } from '../framing/FramerBase.js';
import type { CostGroups } from '../session/CostGroups.js';
import { RPCSession } from '../session/RPCSession.js';
import type { SessionBase } from '../session/SessionBase.js';
import type { Transport } from '../transport/Transport.js';

/**
 * What a session factory is given besides the transport: forward it into the
 * session's constructor so the connect or serve options (the framer) apply.
 *
 * ## Example
 * ```ts
 * import type { SessionFactoryOptions } from 'rxrpcx/node';
 * const options: SessionFactoryOptions = {};
 * ```
 */
export interface SessionFactoryOptions<M = Uint8Array> {
  /** The framer the caller asked for, if any. */
  readonly framer?: FramerBase<M>;
  /** The scheduler the caller gave (for the session's timers and deferred actions), if any. */
  readonly scheduler?: SchedulerLike;
  /** The server's cost groups (its `costGroups` option), if any: the session joins one. */
  readonly costGroups?: CostGroups;
}

/**
 * Makes the session for a new connection: aiorpcX's `session_factory`.
 *
 * ## Example
 * ```ts
 * import { RPCSession } from 'rxrpcx';
 * import { serveRs, type SessionFactory } from 'rxrpcx/node';
 * const factory: SessionFactory<RPCSession> = (transport, options) =>
 *   new RPCSession(transport, { ...options, handlers: { ping: () => 'pong' } });
 * const server = await serveRs(factory, '127.0.0.1', 0);
 * ```
 */
export type SessionFactory<S extends SessionBase<M>, M = Uint8Array> = (
  transport: Transport,
  options: SessionFactoryOptions<M>,
) => S;

/**
 * The default factory: a plain {@link RPCSession}.
 *
 * ## Example
 * ```ts
 * import { defaultSessionFactory, serveRs } from 'rxrpcx/node';
 * const server = await serveRs(defaultSessionFactory, '127.0.0.1', 0);
 * ```
 */
export const defaultSessionFactory: SessionFactory<RPCSession> = (transport, options) => new RPCSession(transport, options);
