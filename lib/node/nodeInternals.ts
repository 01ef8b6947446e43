import type { AddressInfo, Server, Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import { Observable, type SchedulerLike, type Subscriber } from 'rxjs';
import type { FramerBase } from '../framing/FramerBase.js';
import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import type { SessionBase } from '../session/SessionBase.js';
import type { Transport } from '../transport/Transport.js';
import { messageOf, toNetAddress } from '../transport/transportInternals.js';
import type { NetAddress } from '../util/NetAddress.js';
import { ListenError } from './ListenError.js';
import type { SessionFactoryOptions } from './SessionFactory.js';

/**
 * What a listener hands out: one subscriber at a time; an arrival with nobody
 * subscribed is refused (`reject`) rather than queued, so nothing piles up.
 */
export class ArrivalStream<T> {
  readonly observable: Observable<T>;
  private subscriber: Subscriber<T> | undefined;
  private ended = false;

  constructor(private readonly reject: (item: T) => void) {
    this.observable = new Observable<T>((subscriber) => {
      if (this.ended) {
        subscriber.complete();
        return undefined;
      }
      if (this.subscriber) {
        subscriber.error(new ConnectionError('a listener has one subscriber'));
        return undefined;
      }
      this.subscriber = subscriber;
      return () => {
        if (this.subscriber === subscriber) this.subscriber = undefined;
      };
    });
  }

  push(item: T): void {
    if (this.subscriber && !this.ended) this.subscriber.next(item);
    else this.reject(item);
  }

  complete(): void {
    if (this.ended) return;
    this.ended = true;
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    subscriber?.complete();
  }
}

/** `host:port`, with brackets around an IPv6 host. */
export function hostPort(host: string, port: number | string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Follows the raw sockets of a TLS server until their handshake ends, so that
 * closing the server can destroy those still handshaking (which would
 * otherwise linger until the handshake timeout). Returns the destroyer.
 */
export function trackHandshakes(server: TlsServer): () => void {
  // A TLS socket shares its raw socket's peer address, which is how the two are matched.
  const handshaking = new Map<string, Socket>();
  const peerKey = (socket: Socket): string => `${socket.remoteAddress}|${socket.remotePort}`;
  server.on('connection', (socket: Socket) => {
    const key = peerKey(socket);
    handshaking.set(key, socket);
    socket.once('close', () => {
      if (handshaking.get(key) === socket) handshaking.delete(key);
    });
  });
  server.on('secureConnection', (socket: TLSSocket) => handshaking.delete(peerKey(socket)));
  return () => {
    for (const socket of handshaking.values()) socket.destroy();
    handshaking.clear();
  };
}

/** Makes and starts the session; if the factory throws, the connection is aborted, not leaked. @internal */
export function startSession<S extends SessionBase<M>, M>(transport: Transport, make: () => S): S {
  let session: S;
  try {
    session = make();
  } catch (error) {
    transport.abort();
    throw error;
  }
  session.start();
  return session;
}

/** Opens on subscribe, emits the session, completes when it closes, closes it on unsubscribe. @internal */
export function sessionObservable<S extends SessionBase<M>, M>(open: () => Promise<S>): Observable<S> {
  return new Observable<S>((subscriber) => {
    let session: S | undefined;
    let unsubscribed = false;
    open().then(
      (opened) => {
        if (unsubscribed) {
          void opened.close();
          return;
        }
        session = opened;
        subscriber.next(opened);
        subscriber.add(opened.closed$.subscribe(() => subscriber.complete()));
      },
      (error: unknown) => subscriber.error(error),
    );
    return () => {
      unsubscribed = true;
      if (session && !session.isClosing()) void session.close();
    };
  });
}

/** What listenSockets and listenWebSockets resolve with. */
export interface Listening<C> {
  readonly address: NetAddress;
  readonly connections: Observable<C>;
  close(): Promise<void>;
}

/**
 * Starts `server` listening and resolves with its address, its arrivals and
 * an idempotent `close` (stop listening at once, run `stop`, complete the
 * arrivals); fails with a ListenError. After listening, server errors go to
 * `onError`.
 */
export function startListening<C>(
  server: Server,
  host: string | undefined,
  port: number,
  options: { readonly backlog?: number; readonly onError: (error: Error) => void },
  arrivals: ArrivalStream<C>,
  stop: () => void,
): Promise<Listening<C>> {
  const target = hostPort(host ?? '*', port);
  return new Promise<Listening<C>>((resolve, reject) => {
    const onListenError = (error: Error): void => {
      server.close();
      reject(new ListenError(target, `cannot listen on ${target}: ${messageOf(error)}`, { cause: error }));
    };
    server.once('error', onListenError);
    server.listen({ host, port, backlog: options.backlog }, () => {
      server.off('error', onListenError);
      server.on('error', options.onError);
      const info = server.address() as AddressInfo;
      const address = toNetAddress(info.address, info.port);
      if (!address) {
        server.close();
        reject(new ListenError(target, `cannot read the address of ${target}`));
        return;
      }
      let closed: Promise<void> | undefined;
      resolve({
        address,
        connections: arrivals.observable,
        close: () => {
          closed ??= new Promise<void>((done) => {
            // server.close's callback waits for every connection to end; listening stops at once.
            server.close();
            stop();
            arrivals.complete();
            queueMicrotask(done);
          });
          return closed;
        },
      });
    });
  });
}

/**
 * What a session factory is told: the framer and the scheduler, each only
 * when the caller gave one (so a session keeps its own defaults, and its
 * flushes stay on `asapScheduler` unless a scheduler was asked for).
 */
export function factoryOptions<M>(options: {
  readonly framer?: FramerBase<M>;
  readonly scheduler?: SchedulerLike;
}): SessionFactoryOptions<M> {
  return {
    ...(options.framer === undefined ? {} : { framer: options.framer }),
    ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
  };
}
