import type { Socket } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { FramerBase } from '../framing/FramerBase.js';
import type { RPCSession } from '../session/RPCSession.js';
import type { SessionBase } from '../session/SessionBase.js';
import { SessionKind } from '../transport/SessionKind.js';
import { listenSockets } from './listenSockets.js';
import { defaultSessionFactory, type SessionFactory } from './SessionFactory.js';
import { serveSessions, type SessionServer } from './SessionServer.js';
import { ServerStatsAggregator } from './serverStatsInternals.js';
import { SocketTransport } from './SocketTransport.js';
import { factoryOptions } from './nodeInternals.js';
import { serverCostGroups, type ServerCostGroups } from './serverCostGroups.js';
import type { ProxyProtocolOptions } from './proxyProtocol/ProxyProtocolOptions.js';

/**
 * Options of {@link serveRs}.
 *
 * ## Example
 * ```ts
 * import type { ServeRsOptions } from 'rxrpcx/node';
 * const options: ServeRsOptions = { backlog: 512 };
 * ```
 */
export interface ServeRsOptions<M = Uint8Array> {
  /** The framer, handed to the factory for each session. @default the session's own */
  readonly framer?: FramerBase<M>;
  /** Serve TLS with these `node:tls` options (key and cert at least). @default plain TCP */
  readonly tls?: TlsOptions;
  /** The listen backlog. @default Node's */
  readonly backlog?: number;
  /** Drives the transports' timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Errors of the listening socket after it is up (rare). @default ignored */
  readonly onError?: (error: Error) => void;
  /**
   * Group sessions by client (by default the remote subnet) so that more
   * connections buy no more budget: `true`, the registry's options, or a
   * registry to share (see {@link ServerCostGroups}); each session gets it
   * through the factory's `costGroups` option. @default none
   */
  readonly costGroups?: ServerCostGroups;
  /**
   * Behind HAProxy or another balancer: read a PROXY protocol header (v1 or
   * v2) from each connection first, so that `remoteAddress()` is the real
   * client's; only `trusted` balancers may connect ({@link ProxyProtocolOptions};
   * `true`: a balancer on loopback). @default off
   */
  readonly proxyProtocol?: boolean | ProxyProtocolOptions;
  /** Seconds between the snapshots of the server's `stats$`, and the least window of its rates. @default 10 */
  readonly statsInterval?: number;
}

/**
 * Listens for TCP (or TLS) connections and runs a session on each: aiorpcX's
 * `serve_rs`.
 *
 * ## Example
 * ```ts
 * import { RPCSession } from 'rxrpcx';
 * import { serveRs } from 'rxrpcx/node';
 * const server = await serveRs(
 *   (transport, options) => new RPCSession(transport, { ...options, handlers: { echo: (x: unknown) => x } }),
 *   '127.0.0.1',
 *   0,
 * );
 * console.log('listening on', server.address.toString());
 * await server.close({ closeSessions: true });
 * ```
 *
 * @param sessionFactory - makes each session (undefined: a plain RPCSession)
 * @param host - the address to bind (undefined: every interface)
 * @param port - the port; 0 picks a free one
 * @param options - framer, TLS, backlog, scheduler
 * @returns the running server
 */
export function serveRs(
  sessionFactory: undefined,
  host: string | undefined,
  port: number,
  options?: ServeRsOptions,
): Promise<SessionServer<RPCSession>>;
export function serveRs<S extends SessionBase<M>, M = Uint8Array>(
  sessionFactory: SessionFactory<S, M>,
  host: string | undefined,
  port: number,
  options?: ServeRsOptions<M>,
): Promise<SessionServer<S, M>>;
export async function serveRs<S extends SessionBase<M>, M>(
  sessionFactory: SessionFactory<S, M> | undefined,
  host: string | undefined,
  port: number,
  options: ServeRsOptions<M> = {},
): Promise<SessionServer<S, M>> {
  const factory = (sessionFactory ?? defaultSessionFactory) as SessionFactory<S, M>;
  const scheduler = options.scheduler ?? asyncScheduler;
  // Checked before listening.
  const stats = new ServerStatsAggregator(scheduler, options.statsInterval);
  const groups = serverCostGroups(options.costGroups, options.scheduler);
  const listener = await listenSockets(host, port, {
    tls: options.tls,
    backlog: options.backlog,
    onError: options.onError,
    proxyProtocol: options.proxyProtocol,
    scheduler: options.scheduler,
  });
  return serveSessions<Socket, S, M>(
    listener,
    (socket) => new SocketTransport(socket, SessionKind.SERVER, { scheduler }),
    (transport) => factory(transport, { ...factoryOptions(options), ...groups }),
    options.onError,
    stats,
  );
}
