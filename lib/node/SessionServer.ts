import { Subject, type Observable } from 'rxjs';
import type { SessionBase } from '../session/SessionBase';
import type { NetAddress } from '../util/NetAddress';

/**
 * How a {@link SessionServer} closes.
 *
 * ## Example
 * ```ts
 * await server.close({ closeSessions: true, forceAfter: 5 });
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
}

/** Session bookkeeping shared by serveRs and serveWs. @internal */
export class SessionRegistry<S extends SessionBase<M>, M> {
  readonly live = new Set<S>();
  readonly added = new Subject<S>();

  add(session: S): void {
    this.live.add(session);
    // closed$ completes after it emits, which ends this subscription.
    session.closed$.subscribe(() => this.live.delete(session));
    this.added.next(session);
  }

  async close(stopListening: () => Promise<void>, options: SessionServerCloseOptions): Promise<void> {
    this.added.complete();
    await stopListening();
    if (options.closeSessions) {
      const forceAfter = options.forceAfter ?? 30;
      await Promise.all([...this.live].map((session) => session.close({ forceAfter })));
    }
  }
}
