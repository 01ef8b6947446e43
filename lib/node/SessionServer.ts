import { Subject, type Observable } from 'rxjs';
import type { SessionBase } from '../session/SessionBase.js';
import { whenEnded } from '../session/sessionInternals.js';
import type { Transport } from '../transport/Transport.js';
import type { NetAddress } from '../util/NetAddress.js';
import { startSession } from './nodeInternals.js';
import type { ServerStats } from './ServerStats.js';
import { ServerStatsAggregator } from './serverStatsInternals.js';

/**
 * How a {@link SessionServer} closes.
 *
 * ## Example
 * ```ts
 * import { serveRs, type SessionServerCloseOptions } from 'rxrpcx/node';
 * const server = await serveRs(undefined, '127.0.0.1', 0);
 * const options: SessionServerCloseOptions = { closeSessions: true, forceAfter: 5 };
 * await server.close(options);
 * ```
 */
export interface SessionServerCloseOptions {
  /** Close every live session too (otherwise they run on). @default false */
  readonly closeSessions?: boolean;
  /** With `closeSessions`: seconds before each close turns into an abort. @default 30 */
  readonly forceAfter?: number;
}

/**
 * A listening server: its address, its sessions, and `close()`.
 *
 * Returned by `serveRs` and `serveWs`. `sessions$` emits each new session as
 * it connects (a hot stream: subscribe before clients connect to see them
 * all); `sessions` holds the live ones.
 *
 * ## Example
 * ```ts
 * import { serveRs } from 'rxrpcx/node';
 * const server = await serveRs(undefined, '127.0.0.1', 0);
 * server.sessions$.subscribe((session) => console.log('connected', session.remoteAddress()?.toString()));
 * console.log(server.address.port);
 * await server.close({ closeSessions: true });
 * ```
 */
export interface SessionServer<S extends SessionBase<M>, M = Uint8Array> {
  /** The bound address (with the real port when 0 was asked for). */
  readonly address: NetAddress;
  /** Every new session, as it connects; completes when the server closes. */
  readonly sessions$: Observable<S>;
  /** The live sessions. */
  readonly sessions: ReadonlySet<S>;
  /** Stops listening; with `closeSessions`, closes every live session and waits for them. */
  close(options?: SessionServerCloseOptions): Promise<void>;
  /**
   * The server's statistics now: sessions, requests, error replies by code,
   * bytes, the spread of cost (see {@link ServerStats}). A pass over the live
   * sessions' own counters.
   */
  stats(): ServerStats;
  /**
   * Snapshots of {@link SessionServer.stats}: one at subscription, then one
   * every `statsInterval` seconds on the server's scheduler (one timer for
   * every subscriber); a last one and completion when `close()` has
   * finished.
   */
  readonly stats$: Observable<ServerStats>;
}

/** What serveRs and serveWs have in common: a listener of connections of some kind. @internal */
export interface ConnectionListener<C> {
  readonly address: NetAddress;
  readonly connections: Observable<C>;
  close(): Promise<void>;
}

/**
 * Runs a session on every connection a listener accepts, and keeps the live
 * ones: the server half of serveRs and serveWs. A session factory that
 * throws gets its connection aborted and the error reported to `onError`.
 * @internal
 */
export function serveSessions<C, S extends SessionBase<M>, M>(
  listener: ConnectionListener<C>,
  makeTransport: (connection: C) => Transport,
  makeSession: (transport: Transport) => S,
  onError: ((error: Error) => void) | undefined,
  stats: ServerStatsAggregator = new ServerStatsAggregator(),
): SessionServer<S, M> {
  const live = new Set<S>();
  const added = new Subject<S>();
  const accepting = listener.connections.subscribe((connection) => {
    const transport = makeTransport(connection);
    let session: S;
    try {
      session = startSession(transport, () => makeSession(transport));
    } catch (error) {
      onError?.(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    live.add(session);
    stats.add(session);
    // What closed$ tells, without a subscriber per session.
    whenEnded(session, () => live.delete(session));
    added.next(session);
  });
  return {
    address: listener.address,
    sessions$: added.asObservable(),
    sessions: live,
    stats: () => stats.snapshot(),
    stats$: stats.stats$,
    async close(options: SessionServerCloseOptions = {}): Promise<void> {
      added.complete();
      accepting.unsubscribe();
      await listener.close();
      if (options.closeSessions) {
        const forceAfter = options.forceAfter ?? 30;
        await Promise.all([...live].map((session) => session.close({ forceAfter })));
      }
      stats.end();
    },
  };
}
