import { isUtf8 } from 'node:buffer';
import { asyncScheduler, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import WebSocket from 'ws';
import { ConnectionError } from '../jsonrpc/ConnectionError';
import type { SessionKind } from '../transport/SessionKind';
import type { CloseOptions, Transport, TransportProxy } from '../transport/Transport';
import { IncomingChannel, WriteWaiters, messageOf, urlNetAddress } from '../transport/transportInternals';
import type { NetAddress } from '../util/NetAddress';

/**
 * Options of {@link WsTransport}.
 *
 * ## Example
 * ```ts
 * import type { WsTransportOptions } from 'rxrpcx/node';
 * const options: WsTransportOptions = { pingInterval: 30, highWaterMark: 1 << 20 };
 * ```
 */
export interface WsTransportOptions {
  /**
   * What `remoteAddress()` reports: on the server side, the address of the
   * upgrade request's socket ({@link listenWebSockets} gives it).
   * @default the host and port of the WebSocket's URL (client side), else none
   */
  readonly remoteAddress?: NetAddress;
  /** The proxy the connection went through, reported by `proxy()`. @default none */
  readonly proxy?: TransportProxy;
  /** Drives the `forceAfter` and keepalive timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /**
   * Seconds between keepalive pings; a peer that sends neither a pong nor a
   * message within one interval is terminated, and `incoming` errors with a
   * `ConnectionError`. 0 turns keepalive off. @default 0
   */
  readonly pingInterval?: number;
  /** Buffered bytes above which `write` waits for the socket to drain. @default 65536 */
  readonly highWaterMark?: number;
}

/** Bytes a closing transport keeps for an absent or paused reader before it aborts. */
const CLOSING_BACKLOG_LIMIT = 1 << 20;

/** Close codes a peer ends with in order: normal, going away, no status given. */
const ORDERLY_CLOSE_CODES = new Set([1000, 1001, 1005]);

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * A {@link Transport} over an open `ws` WebSocket; it keeps message boundaries.
 *
 * Each incoming message is one chunk — a text message as its UTF-8 bytes, a
 * binary one as is — and each `write` sends one message: a text frame when
 * the bytes are valid UTF-8 (aiorpcX prefers text), a binary frame
 * otherwise. `write` settles once the socket's buffered amount is back under
 * the high-water mark, and reading pauses while it is above (and while nobody
 * subscribes, or `pauseReading()` holds it). Once closing, reading no longer
 * waits, so the peer's close frame is seen; what arrives for an absent or
 * paused reader is kept, up to 1 MiB, beyond which the connection is aborted;
 * once the socket has closed, a paused reader hears the end at once (its
 * backlog dropped).
 * The peer closing
 * with 1000, 1001 or no status completes `incoming`; any other close code, a
 * socket error, an oversized message (`maxPayload`) or a keepalive timeout
 * errors it with a `ConnectionError` (`cause`: the `ws` error, if any).
 * `close()` runs the closing handshake with code 1000 and terminates after
 * `forceAfter` seconds; `abort()` terminates at once (the peer sees 1006).
 *
 * ## Example
 * ```ts
 * import { SessionKind } from 'rxrpcx';
 * import { WsTransport, openWebSocket } from 'rxrpcx/node';
 * const { socket, remoteAddress } = await openWebSocket('ws://127.0.0.1:8080');
 * const transport = new WsTransport(socket, SessionKind.CLIENT, { remoteAddress, pingInterval: 30 });
 * transport.incoming.subscribe((message) => console.log(new TextDecoder().decode(message)));
 * await transport.write(new TextEncoder().encode('{"jsonrpc":"2.0","method":"ping","id":0}'));
 * ```
 *
 * @param socket - an open WebSocket; the transport owns it from now on
 * @param kind - which side opened the connection
 * @param options - address, proxy, scheduler, keepalive and high-water mark
 */
export class WsTransport implements Transport {
  readonly incoming: Observable<Uint8Array>;
  readonly messageBoundaries = true;

  private readonly channel: IncomingChannel;
  private readonly writers = new WriteWaiters();
  private readonly scheduler: SchedulerLike;
  private readonly highWaterMark: number;
  private readonly address: NetAddress | undefined;
  private closedWaiters: Array<() => void> = [];
  private forceTimer: Subscription | undefined;
  private keepalive: Subscription | undefined;
  private peerAlive = true;
  private writeBlocked = false;
  private closing = false;
  private aborted = false;
  private closed = false;
  private failure: ConnectionError | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly kind: SessionKind,
    private readonly options: WsTransportOptions = {},
  ) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.highWaterMark = options.highWaterMark ?? 65536;
    this.address = options.remoteAddress ?? (socket.url ? urlNetAddress(socket.url) : undefined);
    this.channel = new IncomingChannel(() => this.updateFlow());
    this.incoming = this.channel.observable;
    socket.pause();
    socket.on('message', (data) => {
      this.peerAlive = true;
      this.received(toBytes(data));
    });
    socket.on('pong', () => (this.peerAlive = true));
    socket.on('error', (error) => this.onError(error));
    socket.on('close', (code, reason) => this.onClose(code, reason.toString()));
    if (socket.readyState === WebSocket.CLOSED) queueMicrotask(() => this.onClose(1006, ''));
    const pingInterval = options.pingInterval ?? 0;
    if (pingInterval > 0) this.startKeepalive(pingInterval * 1000);
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.isClosing()) return Promise.reject(this.failure ?? new ConnectionError('connection is closing'));
    if (bytes.length === 0) return Promise.resolve();
    // The transport owns what it is given (see Transport.write): a view, no copy.
    const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.socket.send(data, { binary: !isUtf8(data) }, (error) => {
      if (!error) this.onSent();
    });
    if (this.socket.bufferedAmount <= this.highWaterMark) return Promise.resolve();
    const drained = this.writers.add();
    if (!this.writeBlocked) {
      this.writeBlocked = true;
      this.updateFlow();
    }
    return drained;
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closedWaiters.push(resolve));
    if (!this.forceTimer) {
      this.closing = true;
      const forceAfter = options.forceAfter ?? 30;
      this.forceTimer = this.scheduler.schedule(() => this.abort(), Math.max(0, forceAfter) * 1000);
      this.socket.close(1000);
      this.updateFlow();
    }
    return done;
  }

  abort(): void {
    if (this.closed || this.aborted) return;
    this.closing = true;
    this.aborted = true;
    this.writers.rejectAll(new ConnectionError('connection aborted'));
    this.socket.terminate();
  }

  isClosing(): boolean {
    return this.closing || this.socket.readyState !== WebSocket.OPEN;
  }

  remoteAddress(): NetAddress | undefined {
    return this.address;
  }

  proxy(): TransportProxy | undefined {
    return this.options.proxy;
  }

  pauseReading(): void {
    this.channel.pause();
  }

  resumeReading(): void {
    this.channel.resume();
  }

  bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  private updateFlow(): void {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    if (this.closing || (this.channel.wantsData() && !this.writeBlocked)) this.socket.resume();
    else this.socket.pause();
  }

  private received(message: Uint8Array): void {
    this.channel.push(message);
    if (this.closing && this.channel.backlogSize() > CLOSING_BACKLOG_LIMIT) this.abort();
  }

  private onSent(): void {
    if (!this.writeBlocked || this.socket.bufferedAmount > this.highWaterMark) return;
    this.writeBlocked = false;
    this.updateFlow();
    this.writers.resolveAll();
  }

  private startKeepalive(intervalMs: number): void {
    const tick = (): void => {
      if (this.closed) return;
      // A paused reader cannot see the pong; that is our backpressure, not a dead peer.
      if (!this.peerAlive && !this.socket.isPaused) {
        this.failure ??= new ConnectionError(`keepalive: no pong from the peer within ${intervalMs / 1000}s`);
        this.abort();
        return;
      }
      this.peerAlive = false;
      if (this.socket.readyState === WebSocket.OPEN) this.socket.ping();
      this.keepalive = this.scheduler.schedule(tick, intervalMs);
    };
    this.keepalive = this.scheduler.schedule(tick, intervalMs);
  }

  private onError(error: Error): void {
    this.closing = true;
    this.failure ??= new ConnectionError(`connection lost: ${messageOf(error)}`, { cause: error });
    this.writers.rejectAll(this.failure);
  }

  private onClose(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.forceTimer?.unsubscribe();
    this.keepalive?.unsubscribe();
    this.writeBlocked = false;
    let error = this.failure;
    if (!error && !this.aborted && !this.forceTimer && !ORDERLY_CLOSE_CODES.has(code)) {
      error = new ConnectionError(`websocket closed abnormally (code ${code}${reason ? `: ${reason}` : ''})`);
    }
    this.writers.rejectAll(error ?? new ConnectionError('connection closed'));
    this.channel.close(error);
    const waiters = this.closedWaiters;
    this.closedWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
