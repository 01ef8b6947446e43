import type { SchedulerLike, Subscription } from 'rxjs';
import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import { decodeUtf8, utf8 } from '../jsonrpc/jsonrpcInternals.js';
import type { NetAddress } from '../util/NetAddress.js';
import { SessionKind } from './SessionKind.js';
import { StreamTransport } from './streamTransportInternals.js';
import { webSocketCloseError } from './transportInternals.js';

/**
 * The part of an event of the standard WebSocket API the transport reads:
 * `data` of a message, `code` and `reason` of a close, `error` of an error
 * (where the implementation provides one).
 *
 * ## Example
 * ```ts
 * import type { WebSocketEventLike } from 'rxrpcx';
 * const describe = (event: WebSocketEventLike) => `${event.type} ${event.code ?? ''} ${event.reason ?? ''}`;
 * ```
 */
export interface WebSocketEventLike {
  /** `'open'`, `'message'`, `'close'` or `'error'`. */
  readonly type: string;
  /**
   * A message's payload: a string for a text message, an `ArrayBuffer` (or
   * `Blob`, if `binaryType` were not set) for a binary one.
   */
  readonly data?: unknown;
  /** A close event's status code (1000 normal, 1001 going away, 1005 none given, 1006 dropped, …). */
  readonly code?: number;
  /** A close event's reason text, as the peer sent it (possibly empty). */
  readonly reason?: string;
  /**
   * An error event's error, where the implementation gives one (`ws` does;
   * browsers do not); kept as the `cause` of the `ConnectionError`.
   */
  readonly error?: unknown;
}

/**
 * The part of the standard `WebSocket` API {@link BrowserWebSocketTransport}
 * uses; a browser's `WebSocket` fits it, and so does the `ws` package's.
 *
 * ## Example
 * ```ts
 * import type { WebSocketLike } from 'rxrpcx';
 * const open = (socket: WebSocketLike) => socket.readyState === 1;
 * ```
 */
export interface WebSocketLike {
  /** How binary messages are delivered; the transport sets `'arraybuffer'`. */
  binaryType: string;
  /** 0 connecting, 1 open, 2 closing, 3 closed; the transport reads anything but 1 as closing. */
  readonly readyState: number;
  /** Bytes queued by `send` and not yet handed to the network; what `write` polls to apply backpressure. */
  readonly bufferedAmount: number;
  /** The URL the socket connected to; the default `remoteAddress()` is its host and port. */
  readonly url: string;
  /** Queues one message: a string as a text message, bytes as a binary one. */
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  /** Starts the closing handshake with the given status code (1000, or 3000–4999) and reason. */
  close(code?: number, reason?: string): void;
  /** Listens for `'open'`, `'message'`, `'close'` or `'error'` events. */
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: WebSocketEventLike) => void): void;
  /** Stops listening; the transport removes its listeners once closed. */
  removeEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: WebSocketEventLike) => void): void;
}

/**
 * Options of {@link BrowserWebSocketTransport}.
 *
 * ## Example
 * ```ts
 * import type { BrowserWebSocketTransportOptions } from 'rxrpcx';
 * const options: BrowserWebSocketTransportOptions = { highWaterMark: 1 << 20, pollInterval: 0.05 };
 * ```
 */
export interface BrowserWebSocketTransportOptions {
  /** Drives the `forceAfter` timer and the `bufferedAmount` polling. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** `bufferedAmount` above which `write` waits. @default 65536 */
  readonly highWaterMark?: number;
  /** Seconds between looks at `bufferedAmount` while a write waits (the API has no drain event). @default 0.02 */
  readonly pollInterval?: number;
  /**
   * Bytes of messages kept while nobody subscribes to `incoming` or reading
   * is paused (the API cannot stop the socket reading); beyond it the
   * connection is aborted and `incoming` errors. Each message counts 128
   * bytes more than its length, what a small one costs in memory, so a peer
   * sending 1-byte messages cannot make the backlog 100 times larger than
   * this. @default 4 MiB
   */
  readonly maxBacklog?: number;
  /**
   * What `remoteAddress()` reports. A page never learns the address of the
   * socket's peer, so by default there is none; `connect$` passes the URL's
   * host and port. (Parsing one costs a bundle ~5 kB of aiorpcX-faithful
   * address validation, which a bare transport does without.)
   * @default undefined
   */
  readonly remoteAddress?: NetAddress;
}

/** The close code `abort()` sends: the API allows no RST, only 1000 and 3000–4999. */
const ABORT_CODE = 4000;
const OPEN = 1;

/**
 * A {@link Transport} over a standard (browser) `WebSocket`, client side; it
 * keeps message boundaries.
 *
 * Built from `WebSocket`, `TextEncoder` and `TextDecoder` only, so it runs in
 * a browser, a worker, Deno, or Node with an injected constructor. Each
 * incoming message is one chunk (text as its UTF-8 bytes); each `write` sends
 * one message, as text when the bytes are valid UTF-8 and binary otherwise.
 * The API has no drain event and cannot pause reading: `write` waits by
 * polling `bufferedAmount` on the scheduler until it falls under the
 * high-water mark, and messages keep being delivered meanwhile. The peer
 * closing with 1000, 1001 or no status completes `incoming`; anything else
 * errors it with a `ConnectionError`. `close()` sends 1000 and waits for the
 * closing handshake, for at most `forceAfter` seconds; `abort()` sends close
 * code 4000 (the API cannot reset a connection), and ends the transport at
 * once without waiting for the handshake.
 *
 * ## Example
 * ```ts
 * import { openBrowserWebSocket } from 'rxrpcx';
 * const transport = await openBrowserWebSocket('wss://example.com/rpc', { timeout: 10 });
 * transport.incoming.subscribe((message) => console.log(new TextDecoder().decode(message)));
 * await transport.write(new TextEncoder().encode('{"jsonrpc":"2.0","method":"ping","id":0}'));
 * ```
 *
 * @param socket - an open WebSocket; the transport owns it from now on
 * @param options - scheduler, high-water mark, polling, backlog limit, address
 */
export class BrowserWebSocketTransport extends StreamTransport {
  /** Always {@link SessionKind.CLIENT}: a browser WebSocket is only ever opened, never accepted. */
  declare readonly kind: typeof SessionKind.CLIENT;
  /** Always true: each incoming chunk is one WebSocket message, and each `write` sends one. */
  readonly messageBoundaries = true;

  readonly #highWaterMark: number;
  readonly #pollMs: number;
  readonly #maxBacklog: number;
  #poll: Subscription | undefined;
  readonly #onMessage = (event: WebSocketEventLike): void => this.#onData(event.data);
  readonly #onError = (event: WebSocketEventLike): void => {
    this.failure ??= new ConnectionError('websocket error', { cause: event.error });
  };
  readonly #onClose = (event: WebSocketEventLike): void =>
    this.closedDown(this.closedByUs() ? undefined : webSocketCloseError(event.code ?? 1005, event.reason ?? ''));

  constructor(
    /** The WebSocket the transport owns; read its state, but close it through the transport. */
    readonly socket: WebSocketLike,
    options: BrowserWebSocketTransportOptions = {},
  ) {
    super(SessionKind.CLIENT, { scheduler: options.scheduler, remoteAddress: options.remoteAddress });
    this.#highWaterMark = options.highWaterMark ?? 65536;
    this.#pollMs = (options.pollInterval ?? 0.02) * 1000;
    this.#maxBacklog = options.maxBacklog ?? 4 << 20;
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('message', this.#onMessage);
    socket.addEventListener('error', this.#onError);
    socket.addEventListener('close', this.#onClose);
  }

  /** True once closing has begun from either side, or the socket is no longer open (`readyState` other than 1). */
  override isClosing(): boolean {
    return super.isClosing() || this.socket.readyState !== OPEN;
  }

  /** The socket's `bufferedAmount`: bytes sent but not yet handed to the network. */
  bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  protected send(bytes: Uint8Array | string): boolean {
    this.socket.send(typeof bytes === 'string' ? bytes : (decodeUtf8(bytes) ?? bytes.slice()));
    return this.socket.bufferedAmount <= this.#highWaterMark;
  }

  /** The API has no drain event: polls `bufferedAmount` on the scheduler. */
  protected override awaitDrain(): void {
    this.#poll ??= this.scheduler.schedule(() => this.#checkDrained(), this.#pollMs);
  }

  protected beginClose(): void {
    this.socket.close(1000);
  }

  /** Sends close code 4000 and ends at once, without waiting for the closing handshake. */
  protected destroy(): void {
    // Says nothing more if close() already started the handshake.
    if (this.socket.readyState === OPEN) this.socket.close(ABORT_CODE, 'abort');
    this.closedDown();
  }

  /** The API cannot stop the socket reading: `maxBacklog` bounds what waits for the reader instead. */
  protected setReading(): void {}

  protected override closedDown(error?: ConnectionError): void {
    this.#poll?.unsubscribe();
    this.#poll = undefined;
    this.socket.removeEventListener('message', this.#onMessage);
    this.socket.removeEventListener('close', this.#onClose);
    // The 'error' listener stays: some implementations (ws) throw on an unheard error event.
    super.closedDown(error);
  }

  #checkDrained(): void {
    this.#poll = undefined;
    if (this.isClosed()) return;
    if (this.socket.bufferedAmount <= this.#highWaterMark) this.drained();
    else this.#poll = this.scheduler.schedule(() => this.#checkDrained(), this.#pollMs);
  }

  #onData(data: unknown): void {
    if (this.isClosed()) return;
    let bytes: Uint8Array;
    if (typeof data === 'string') bytes = utf8(data);
    else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else {
      this.fail(new ConnectionError('websocket message of an unreadable type (binaryType must stay "arraybuffer")'));
      return;
    }
    this.channel.push(bytes);
    if (this.channel.backlogSize() > this.#maxBacklog) {
      this.fail(new ConnectionError(`more than ${this.#maxBacklog} bytes arrived while nobody was reading`));
    }
  }
}
