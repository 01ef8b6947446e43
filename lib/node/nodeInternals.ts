import type { Socket } from 'node:net';
import type { Server as TlsServer, TLSSocket } from 'node:tls';
import { Observable, type Subscriber } from 'rxjs';
import { ConnectionError } from '../jsonrpc/ConnectionError';

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
