import type { Socket } from 'node:net';
import type { SchedulerLike } from 'rxjs';
import type { FramerBase } from '../framing/FramerBase.js';
import { NewlineFramer } from '../framing/NewlineFramer.js';
import type { SessionKind } from '../transport/SessionKind.js';
import type { TransportProxy } from '../transport/Transport.js';
import { defineTextWriting, toNetAddress } from '../transport/transportInternals.js';
import type { NetAddress } from '../util/NetAddress.js';
import { proxyHeaderOf } from './proxyProtocol/proxyHeaderOf.js';
import { NodeStreamTransport } from './nodeStreamInternals.js';

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
   * proxy: the target's address). @default the socket's remote address, or
   * the PROXY header's source when a listener with `proxyProtocol` read one
   */
  readonly remoteAddress?: NetAddress;
  /** Drives the `forceAfter` timer of `close()`. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

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
export class SocketTransport extends NodeStreamTransport {
  /** Always false: a byte stream, so the session frames and unframes messages (newline-delimited by default). */
  readonly messageBoundaries = false;

  private peerAddress: NetAddress | undefined;

  constructor(
    /**
     * The socket (a `net.Socket` or `tls.TLSSocket`) the transport owns; read
     * its state, but write and close through the transport.
     */
    readonly socket: Socket,
    kind: SessionKind,
    options: SocketTransportOptions = {},
  ) {
    super(kind, options);
    // Behind a balancer speaking the PROXY protocol, the client is the header's source.
    this.peerAddress = proxyHeaderOf(socket)?.source ?? toNetAddress(socket.remoteAddress, socket.remotePort);
    // Paused before the 'data' listener goes on, so nothing flows until a reader subscribes.
    socket.pause();
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('end', () => this.onEnd());
    socket.on('drain', () => this.drained());
    // Once ending, the socket says 'finish' instead of 'drain' when it has sent everything.
    socket.on('finish', () => this.drained());
    // The socket closes soon after its error (its handle closing): incoming errors now.
    socket.on('error', (error: Error) => this.channel.end(this.lost(error)));
    socket.on('close', () => this.closedDown());
    if (socket.destroyed) queueMicrotask(() => this.closedDown());
  }

  /** True once closing has begun from either side, or the socket is destroyed or has ended its writable side. */
  override isClosing(): boolean {
    return super.isClosing() || this.socket.destroyed || this.socket.writableEnded;
  }

  /**
   * The peer's address: the `remoteAddress` option if given, else the PROXY
   * protocol header's source when a balancer sent one, else the socket's peer;
   * undefined once the socket no longer knows it.
   */
  override remoteAddress(): NetAddress | undefined {
    const override = super.remoteAddress();
    if (override) return override;
    this.peerAddress ??= toNetAddress(this.socket.remoteAddress, this.socket.remotePort);
    return this.peerAddress;
  }

  /** Bytes written and still queued in the socket (`writableLength`); 0 once destroyed. */
  bufferedAmount(): number {
    return this.socket.destroyed ? 0 : this.socket.writableLength;
  }

  /** A fresh {@link NewlineFramer}: Electrum's framing, and aiorpcX's default for a byte stream. */
  defaultFramer(): FramerBase<Uint8Array> {
    return new NewlineFramer();
  }

  protected send(data: Uint8Array | string): boolean {
    // Sessions already coalesce a tick's messages into one write, so no cork here.
    // Text goes as it is: the socket encodes it into its own buffer, cheaper than a new ArrayBuffer per write.
    if (typeof data === 'string') return this.socket.write(data);
    // The transport owns what it is given (see Transport.write): a view, no copy.
    return this.socket.write(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  static {
    defineTextWriting(SocketTransport.prototype.writeText, (text) => Buffer.byteLength(text));
  }

  protected beginClose(): void {
    this.socket.end();
  }

  protected destroy(): void {
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

  protected setReading(reading: boolean): void {
    if (this.socket.destroyed) return;
    if (reading) this.socket.resume();
    else this.socket.pause();
  }

  /** The peer's FIN, after all its data: we end too (never half-open). */
  private onEnd(): void {
    this.peerEnded();
    if (!this.socket.writableEnded) this.socket.end();
  }
}
