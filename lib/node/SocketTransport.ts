import type { Socket } from 'node:net';
import { asyncScheduler, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { ConnectionError } from '../jsonrpc/ConnectionError';
import type { SessionKind } from '../transport/SessionKind';
import type { CloseOptions, Transport, TransportProxy } from '../transport/Transport';
import { IncomingChannel, WriteWaiters, messageOf, toNetAddress } from '../transport/transportInternals';
import type { NetAddress } from '../util/NetAddress';

/**
 * Options of {@link SocketTransport}.
 *
 * ## Example
 * ```ts
 * import { asyncScheduler } from 'rxjs';
 * import { NetAddress } from 'rxrpcx';
 * import type { SocketTransportOptions } from 'rxrpcx/node';
 * const options: SocketTransportOptions = { remoteAddress: new NetAddress('example.com', 50002), scheduler: asyncScheduler };
 * ```
 */
export interface SocketTransportOptions {
  /** The proxy the socket went through, reported by `proxy()`. @default none */
  readonly proxy?: TransportProxy;
  /**
   * What `remoteAddress()` reports instead of the socket's peer (through a
   * proxy: the target's address). @default the socket's remote address
   */
  readonly remoteAddress?: NetAddress;
  /** Drives the `forceAfter` timer of `close()`. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** Bytes a closing transport keeps for an absent or paused reader before it aborts. */
const CLOSING_BACKLOG_LIMIT = 1 << 20;

/**
 * A {@link Transport} over a connected `node:net` Socket or `node:tls` TLSSocket.
 *
 * Incoming bytes are the socket's chunks, delivered as they arrive to the one
 * subscriber; until someone subscribes (and whenever nobody does) the socket
 * is paused, so the kernel holds the bytes, not us. Backpressure is coupled
 * across directions as in aiorpcX: when `socket.write()` reports a full
 * buffer, reading pauses and `write()` settles only on `'drain'`, after which
 * reading resumes. Once closing, reading no longer waits, so that the
 * peer's FIN is seen: what arrives for an absent or paused reader is kept, up
 * to 1 MiB, beyond which the connection is aborted; once the socket has
 * closed, a paused reader is not waited for (its backlog is dropped and it
 * hears the end), so an aborted session never hangs on its own pause. The
 * connection is never half-open: a FIN from the peer
 * completes `incoming` and ends our side too. A reset, a broken pipe or a TLS
 * failure errors `incoming` with a `ConnectionError` whose `cause` is the
 * socket error, and rejects pending writes. `abort()` resets the connection
 * (TCP RST via `resetAndDestroy()`); a TLSSocket cannot be reset from
 * JavaScript and is destroyed instead, which its peer sees as an orderly end.
 *
 * ## Example
 * ```ts
 * import { SessionKind } from 'rxrpcx';
 * import { SocketTransport, openSocket } from 'rxrpcx/node';
 * const transport = new SocketTransport(await openSocket('127.0.0.1', 50001), SessionKind.CLIENT);
 * transport.incoming.subscribe((chunk) => console.log(chunk.length));
 * await transport.write(new TextEncoder().encode('{"jsonrpc":"2.0","method":"ping","id":0}\n'));
 * await transport.close({ forceAfter: 5 });
 * ```
 *
 * @param socket - a connected socket (plain or TLS); the transport owns it from now on
 * @param kind - which side opened the connection
 * @param options - proxy, address override and scheduler
 */
export class SocketTransport implements Transport {
  readonly incoming: Observable<Uint8Array>;
  readonly messageBoundaries = false;

  private readonly channel: IncomingChannel;
  private readonly writers = new WriteWaiters();
  private readonly scheduler: SchedulerLike;
  private readonly override: NetAddress | undefined;
  private peerAddress: NetAddress | undefined;
  private closedWaiters: Array<() => void> = [];
  private forceTimer: Subscription | undefined;
  private writeBlocked = false;
  private closing = false;
  private aborted = false;
  private closed = false;
  private failure: ConnectionError | undefined;

  constructor(
    readonly socket: Socket,
    readonly kind: SessionKind,
    private readonly options: SocketTransportOptions = {},
  ) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.override = options.remoteAddress;
    this.peerAddress = toNetAddress(socket.remoteAddress, socket.remotePort);
    this.channel = new IncomingChannel(() => this.updateFlow());
    this.incoming = this.channel.observable;
    // Paused before the 'data' listener goes on, so nothing flows until a reader subscribes.
    socket.pause();
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('drain', () => this.onDrain());
    socket.on('finish', () => this.writers.resolveAll());
    socket.on('error', (error: Error) => this.onError(error));
    socket.on('close', () => this.onClose());
    if (socket.destroyed) queueMicrotask(() => this.onClose());
  }

  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  write(bytes: Uint8Array): Promise<void> {
    if (this.isClosing()) return Promise.reject(this.failure ?? new ConnectionError('connection is closing'));
    if (bytes.length === 0) return Promise.resolve();
    // Writes made in one tick go out together: one syscall, not one per message.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    // The transport owns what it is given (see Transport.write): a view, no copy.
    if (this.socket.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))) return Promise.resolve();
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
      this.socket.end();
      this.updateFlow();
    }
    return done;
  }

  abort(): void {
    if (this.closed || this.aborted) return;
    this.closing = true;
    this.aborted = true;
    this.writers.rejectAll(new ConnectionError('connection aborted'));
    const socket = this.socket as Socket & { resetAndDestroy?: () => Socket };
    // While our FIN is being sent (end() called, nothing left to write, not yet finished), libuv
    // refuses the reset (EINVAL) and Node then never closes the handle nor emits 'close'.
    const shuttingDown = socket.writableEnded && !socket.writableFinished && socket.writableLength === 0;
    try {
      // RST, so the peer knows the connection was not closed in order; TLS sockets refuse it.
      if (typeof socket.resetAndDestroy === 'function' && !shuttingDown) socket.resetAndDestroy();
      else socket.destroy();
    } catch {
      socket.destroy();
    }
  }

  isClosing(): boolean {
    return this.closing || this.socket.destroyed || this.socket.writableEnded;
  }

  remoteAddress(): NetAddress | undefined {
    if (this.override) return this.override;
    this.peerAddress ??= toNetAddress(this.socket.remoteAddress, this.socket.remotePort);
    return this.peerAddress;
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
    return this.socket.destroyed ? 0 : this.socket.writableLength;
  }

  /** Reads while someone reads, unpaused, and our writes are not blocked. */
  private updateFlow(): void {
    if (this.socket.destroyed) return;
    if (this.closing || (this.channel.wantsData() && !this.writeBlocked)) this.socket.resume();
    else this.socket.pause();
  }

  private received(chunk: Uint8Array): void {
    this.channel.push(chunk);
    if (this.closing && this.channel.backlogSize() > CLOSING_BACKLOG_LIMIT) this.abort();
  }

  private onDrain(): void {
    this.writeBlocked = false;
    this.updateFlow();
    this.writers.resolveAll();
  }

  /** The peer's FIN, after all its data: we end too (never half-open). */
  private onEnd(): void {
    this.closing = true;
    this.channel.end();
    if (!this.socket.writableEnded) this.socket.end();
  }

  private onError(error: Error): void {
    this.closing = true;
    this.failure ??= new ConnectionError(`connection lost: ${messageOf(error)}`, { cause: error });
    this.writers.rejectAll(this.failure);
    this.channel.end(this.failure);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.forceTimer?.unsubscribe();
    this.writeBlocked = false;
    this.writers.rejectAll(this.failure ?? new ConnectionError('connection closed'));
    // Without a socket error (our own close or abort, the peer's FIN) the reader completes.
    this.channel.close(this.failure);
    const waiters = this.closedWaiters;
    this.closedWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
