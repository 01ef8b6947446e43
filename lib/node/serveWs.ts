import type { TlsOptions } from 'node:tls';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { RPCSession } from '../session/RPCSession.js';
import type { SessionBase } from '../session/SessionBase.js';
import { SessionKind } from '../transport/SessionKind.js';
import { listenWebSockets, type AcceptedWebSocket } from './listenWebSockets.js';
import { DEFAULT_WS_MAX_PAYLOAD } from './openWebSocket.js';
import { defaultSessionFactory, type SessionFactory } from './SessionFactory.js';
import { serveSessions, type SessionServer } from './SessionServer.js';
import { ServerStatsAggregator } from './serverStatsInternals.js';
import { WsTransport } from './WsTransport.js';
import { factoryOptions } from './nodeInternals.js';
import { serverCostGroups, type ServerCostGroups } from './serverCostGroups.js';
import type { ProxyProtocolOptions } from './proxyProtocol/ProxyProtocolOptions.js';

/**
 * Options of {@link serveWs}.
 *
 * ## Example
 * ```ts
 * import type { ServeWsOptions } from 'rxrpcx/node';
 * const options: ServeWsOptions = { maxPayload: 4_000_000, pingInterval: 30 };
 * ```
 */
export interface ServeWsOptions {
  /** The largest message accepted, in bytes (ws's `maxPayload`). @default 1 MiB */
  readonly maxPayload?: number;
  /** Seconds between pings to each client; one that misses a pong is closed. 0: none. @default 0 */
  readonly pingInterval?: number;
  /** Serve `wss:` with these `node:tls` options. */
  readonly tls?: TlsOptions;
  /** The listen backlog. */
  readonly backlog?: number;
  /** Drives timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Errors of the listening socket after it is up. @default ignored */
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
 * Listens for WebSocket connections and runs a session on each: aiorpcX's
 * `serve_ws`. One message per frame; plain HTTP requests get 426.
 *
 * ## Example
 * ```ts
 * import { RPCSession } from 'rxrpcx';
 * import { serveWs } from 'rxrpcx/node';
 * const server = await serveWs((t, o) => new RPCSession(t, { ...o, handlers: { ping: () => 'pong' } }), '127.0.0.1', 0);
 * console.log(`ws://${server.address.toString()}`);
 * ```
 *
 * @param sessionFactory - makes each session (undefined: a plain RPCSession)
 * @param host - the address to bind (undefined: every interface)
 * @param port - the port; 0 picks a free one
 * @param options - payload limit, keepalive, TLS
 * @returns the running server
 */
export async function serveWs<S extends SessionBase<Uint8Array> = RPCSession>(
  sessionFactory: SessionFactory<S> | undefined,
  host: string | undefined,
  port: number,
  options: ServeWsOptions = {},
): Promise<SessionServer<S>> {
  const factory = (sessionFactory ?? defaultSessionFactory) as SessionFactory<S>;
  const scheduler = options.scheduler ?? asyncScheduler;
  // Checked before listening.
  const stats = new ServerStatsAggregator(scheduler, options.statsInterval);
  const groups = serverCostGroups(options.costGroups, options.scheduler);
  const listener = await listenWebSockets(host, port, {
    maxPayload: options.maxPayload ?? DEFAULT_WS_MAX_PAYLOAD,
    tls: options.tls,
    backlog: options.backlog,
    onError: options.onError,
    proxyProtocol: options.proxyProtocol,
    scheduler: options.scheduler,
  });
  return serveSessions<AcceptedWebSocket, S, Uint8Array>(
    listener,
    ({ socket, remoteAddress }) =>
      new WsTransport(socket, SessionKind.SERVER, { scheduler, remoteAddress, pingInterval: options.pingInterval ?? 0 }),
    (transport) => factory(transport, { ...factoryOptions(options), ...groups }),
    options.onError,
    stats,
  );
}
