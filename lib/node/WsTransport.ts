import { isUtf8 } from 'node:buffer';
import type { SchedulerLike, Subscription } from 'rxjs';
import { WebSocket, type RawData } from 'ws';
import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import { scheduleAfter } from '../tasks/tasksInternals.js';
import type { SessionKind } from '../transport/SessionKind.js';
import type { TransportProxy } from '../transport/Transport.js';
import { urlNetAddress, webSocketCloseError } from '../transport/transportInternals.js';
import type { NetAddress } from '../util/NetAddress.js';
import { NodeStreamTransport } from './nodeStreamInternals.js';

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

function toBytes(data: RawData): Uint8Array {
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
export class WsTransport extends NodeStreamTransport {
  /** Always true: each incoming chunk is one WebSocket message, and each `write` sends one. */
  readonly messageBoundaries = true;

  private readonly highWaterMark: number;
  private keepalive: Subscription | undefined;
  private peerAlive = true;

  constructor(
    /** The `ws` WebSocket the transport owns; read its state, but write and close through the transport. */
    readonly socket: WebSocket,
    kind: SessionKind,
    options: WsTransportOptions = {},
  ) {
    super(kind, { ...options, remoteAddress: options.remoteAddress ?? (socket.url ? urlNetAddress(socket.url) : undefined) });
    this.highWaterMark = options.highWaterMark ?? 65536;
    socket.pause();
    socket.on('message', (data) => {
      this.peerAlive = true;
      this.received(toBytes(data));
    });
    socket.on('pong', () => (this.peerAlive = true));
    // ws still runs the closing handshake after an error (1009 for an oversized message): incoming ends at 'close'.
    socket.on('error', (error) => this.lost(error));
    socket.on('close', (code, reason) => this.onClose(code, reason.toString()));
    if (socket.readyState === WebSocket.CLOSED) queueMicrotask(() => this.onClose(1006, ''));
    const pingInterval = options.pingInterval ?? 0;
    if (pingInterval > 0) this.startKeepalive(pingInterval);
  }

  /** True once closing has begun from either side, or the socket is no longer open. */
  override isClosing(): boolean {
    return super.isClosing() || this.socket.readyState !== WebSocket.OPEN;
  }

  /** The socket's `bufferedAmount`: bytes sent but not yet written to the network. */
  bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  protected send(bytes: Uint8Array | string): boolean {
    // Text is a text frame; bytes are one too when they are UTF-8. The transport owns what it is given: a view, no copy.
    const data = typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.socket.send(data, { binary: typeof data !== 'string' && !isUtf8(data) }, (error) => {
      if (!error && this.socket.bufferedAmount <= this.highWaterMark) this.drained();
    });
    return this.socket.bufferedAmount <= this.highWaterMark;
  }

  protected beginClose(): void {
    this.socket.close(1000);
  }

  protected destroy(): void {
    this.socket.terminate();
  }

  protected setReading(reading: boolean): void {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    if (reading) this.socket.resume();
    else this.socket.pause();
  }

  /** Pings every `interval` seconds (through `scheduleAfter`: an infinite interval never pings). */
  private startKeepalive(interval: number): void {
    const tick = (): void => {
      if (this.isClosed()) return;
      // A paused reader cannot see the pong; that is our backpressure, not a dead peer.
      if (!this.peerAlive && !this.socket.isPaused) {
        this.fail(new ConnectionError(`keepalive: no pong from the peer within ${interval}s`));
        return;
      }
      this.peerAlive = false;
      if (this.socket.readyState === WebSocket.OPEN) this.socket.ping();
      this.keepalive = scheduleAfter(this.scheduler, interval, tick);
    };
    this.keepalive = scheduleAfter(this.scheduler, interval, tick);
  }

  private onClose(code: number, reason: string): void {
    this.keepalive?.unsubscribe();
    this.closedDown(this.closedByUs() ? undefined : webSocketCloseError(code, reason));
  }
}
