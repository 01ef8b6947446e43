import type { Observable } from 'rxjs';
import type { FramerBase } from '../framing/FramerBase.js';
import type { NetAddress } from '../util/NetAddress.js';
import type { SessionKind } from './SessionKind.js';

/**
 * How a transport closes.
 *
 * ## Example
 * ```ts
 * import type { CloseOptions } from 'rxrpcx';
 * const options: CloseOptions = { forceAfter: 5 };
 * ```
 */
export interface CloseOptions {
  /**
   * Seconds to wait for an orderly close (pending writes flushed, the peer
   * acknowledging) before aborting the connection.
   * @default 30
   */
  readonly forceAfter?: number;
}

/**
 * A proxy a connection went through, as a session reports it.
 *
 * ## Example
 * ```ts
 * import type { TransportProxy } from 'rxrpcx';
 * const describe = (p: TransportProxy | undefined) => (p ? p.toString() : 'direct');
 * ```
 */
export interface TransportProxy {
  /** The proxy's own address. */
  readonly address: NetAddress;
  /** A description that never shows credentials. */
  toString(): string;
}

/**
 * One connection as a session sees it: a byte stream in, a write function
 * out, and a way to close.
 *
 * Every rxrpcx transport implements it: TCP and TLS sockets and `ws`
 * connections in `rxrpcx/node`, the browser's WebSocket, and the in-memory
 * pair. Framing is not the transport's business: the session frames what it
 * writes and unframes what it reads. Transports that keep message boundaries
 * (WebSocket) say so with {@link Transport.messageBoundaries}, and then each
 * incoming chunk is one whole message and each write goes out as one message.
 *
 * Backpressure: `write` settles when the transport can take more; while a
 * transport cannot write, it stops reading from its peer.
 *
 * ## Example
 * ```ts
 * import { memoryTransportPair } from 'rxrpcx';
 * const [client, server] = memoryTransportPair();
 * server.incoming.subscribe((bytes) => console.log(new TextDecoder().decode(bytes)));
 * await client.write(new TextEncoder().encode('hello\n'));
 * ```
 */
export interface Transport {
  /** Which side opened the connection. */
  readonly kind: SessionKind;
  /**
   * Bytes from the peer, in order. Meant for one subscriber (the session).
   * Completes when the connection closes in an orderly way (either side),
   * errors with a `ConnectionError` when it is lost (reset, aborted by the peer).
   */
  readonly incoming: Observable<Uint8Array>;
  /** True when each incoming chunk is a whole message and each write is sent as one (WebSocket). */
  readonly messageBoundaries: boolean;
  /**
   * The framer a session uses on this transport when it is given none. A
   * byte-stream transport names its own, as aiorpcX's `connect_rs` pairs its
   * stream with a NewlineFramer: the sockets of `rxrpcx/node` and the
   * in-memory pair give a fresh {@link NewlineFramer}. A transport with
   * {@link Transport.messageBoundaries} needs none (each message is a frame),
   * and a byte-stream transport without one needs the session's `framer`
   * option. Keeping the choice here keeps framers out of the bundles of
   * apps that never frame a stream.
   */
  defaultFramer?(): FramerBase<Uint8Array> | undefined;
  /**
   * Send bytes. Resolves when the transport can take more; rejects with a
   * `ConnectionError` when the connection is closing or gone. The transport
   * takes ownership of `bytes`: the caller must not change them afterwards
   * (framers always return a fresh buffer, so sessions never do).
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Close in an orderly way; aborts after `forceAfter` seconds. Resolves when closed. */
  close(options?: CloseOptions): Promise<void>;
  /** Close at once, dropping unsent bytes. */
  abort(): void;
  /** True once closing has begun, from either side. */
  isClosing(): boolean;
  /** The peer's address, when known. Through a proxy, the target's. */
  remoteAddress(): NetAddress | undefined;
  /** The proxy the connection went through, if any. */
  proxy(): TransportProxy | undefined;
  /** Bytes written but not yet taken by the peer or the OS (for statistics). */
  bufferedAmount(): number;
  /**
   * Stops delivering incoming bytes until `resumeReading`, so the peer's
   * writes back up (sessions pause while too many requests wait for a
   * handler). Idempotent. Once the connection has closed, a paused reader
   * is not waited for: `incoming` ends at once and what it held is dropped.
   */
  pauseReading(): void;
  /** Delivers incoming bytes again after `pauseReading`. Idempotent. */
  resumeReading(): void;
}
