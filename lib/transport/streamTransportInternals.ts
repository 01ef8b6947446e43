import { asyncScheduler, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import { scheduleAfter } from '../tasks/tasksInternals.js';
import type { NetAddress } from '../util/NetAddress.js';
import type { SessionKind } from './SessionKind.js';
import type { CloseOptions, Transport, TransportProxy } from './Transport.js';
import { IncomingChannel, Waiters } from './transportInternals.js';

/** What `write` returns when the socket took the bytes at once: one settled Promise, shared. */
const WRITTEN: Promise<void> = Promise.resolve();

/** What every {@link StreamTransport} takes from its subclass's options. */
export interface StreamTransportOptions {
  /** Drives the `forceAfter` timer of `close()`. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** What `remoteAddress()` reports. @default none */
  readonly remoteAddress?: NetAddress;
  /** What `proxy()` reports. @default none */
  readonly proxy?: TransportProxy;
}

/**
 * The lifecycle the socket transports share (TCP/TLS, `ws`, the browser's
 * WebSocket): the closing / aborted / closed states and the failure that
 * ended the connection, `close({ forceAfter })` with its abort timer, writes
 * that wait for the socket to drain, the incoming channel with its pause and
 * its closing-backlog limit, and the end of the connection (writers
 * rejected, `incoming` ended, `close()` callers resolved).
 *
 * A subclass owns the socket: it implements the hooks (`send`, `beginClose`,
 * `destroy`, `setReading`, and `awaitDrain` where the socket has no drain
 * event), pushes what arrives into `channel`, and reports the socket's
 * events through `drained`, `closingBegan`, `closedDown` and `fail`. Node's
 * sockets, which can pause and half-close, add their own events in
 * `NodeStreamTransport` (lib/node), so a browser bundle leaves them out.
 *
 * Backpressure is coupled across directions: while a write waits, or nobody
 * reads, or reading is paused, the transport stops reading from its socket;
 * once closing, it reads regardless (to see the peer's end).
 *
 * Internal, not re-exported: its hooks are free to change, and the public
 * way to write a transport is to implement {@link Transport}.
 */
export abstract class StreamTransport implements Transport {
  abstract readonly messageBoundaries: boolean;
  readonly incoming: Observable<Uint8Array>;

  /**
   * The incoming side: chunks pushed by the socket's events, held for a
   * paused or absent reader, and the end. Internal to the library's
   * transports.
   */
  protected readonly channel = new IncomingChannel(() => this.#updateFlow());
  /** Drives the `forceAfter` timer of `close()` and any polling the subclass does. @default asyncScheduler */
  protected readonly scheduler: SchedulerLike;
  /** Why the connection ended badly; the first cause wins, and `incoming` errors with it. */
  protected failure: ConnectionError | undefined;
  readonly #writers = new Waiters();
  readonly #closers = new Waiters();
  #forceTimer: Subscription | undefined;
  #writeBlocked = false;
  #closing = false;
  #aborted = false;
  #closed = false;
  readonly #options: StreamTransportOptions;

  protected constructor(
    /** Which side opened the connection. */
    readonly kind: SessionKind,
    options: StreamTransportOptions,
  ) {
    this.#options = options;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.incoming = this.channel.observable;
  }

  /** Hands bytes, or text to send UTF-8 encoded, to the socket (it owns them now); true if it can take more at once. */
  protected abstract send(data: Uint8Array | string): boolean;
  /** Starts the orderly close of the socket (FIN, close frame). */
  protected abstract beginClose(): void;
  /** Ends the socket at once; `closedDown` must follow, now or on its close event. */
  protected abstract destroy(): void;
  /** Lets the socket read, or stops it, as far as it can. */
  protected abstract setReading(reading: boolean): void;
  abstract bufferedAmount(): number;

  /** A write has to wait: arrange for `drained()` where the socket has no drain event of its own. */
  protected awaitDrain(): void {}

  write(bytes: Uint8Array): Promise<void> {
    return this.writeData(bytes);
  }

  /** `write`, for text too where a subclass's socket takes strings (see `NodeStreamTransport.writeText`). */
  protected writeData(data: Uint8Array | string): Promise<void> {
    if (this.isClosing()) return Promise.reject(this.failure ?? new ConnectionError('connection is closing'));
    if (data.length === 0 || this.send(data)) return WRITTEN;
    const drained = this.#writers.add();
    if (!this.#writeBlocked) {
      this.#writeBlocked = true;
      this.#updateFlow();
      this.awaitDrain();
    }
    return drained;
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const done = this.#closers.add();
    if (!this.#forceTimer) {
      this.#closing = true;
      const forceAfter = options.forceAfter ?? 30;
      this.#forceTimer = scheduleAfter(this.scheduler, forceAfter, () => this.abort());
      this.beginClose();
      this.#updateFlow();
    }
    return done;
  }

  abort(): void {
    if (this.#closed || this.#aborted) return;
    this.#closing = true;
    this.#aborted = true;
    this.#writers.rejectAll(new ConnectionError('connection aborted'));
    this.destroy();
  }

  isClosing(): boolean {
    return this.#closing;
  }

  remoteAddress(): NetAddress | undefined {
    return this.#options.remoteAddress;
  }

  proxy(): TransportProxy | undefined {
    return this.#options.proxy;
  }

  pauseReading(): void {
    this.channel.pause();
  }

  resumeReading(): void {
    this.channel.resume();
  }

  /** True once the connection has ended (`closedDown`). */
  protected isClosed(): boolean {
    return this.#closed;
  }

  /** True once this side called `close()` or `abort()`: a close code the peer sends after that is no failure. */
  protected closedByUs(): boolean {
    return this.#aborted || this.#forceTimer !== undefined;
  }

  /** The socket can take more: waiting writes settle and reading resumes. */
  protected drained(): void {
    if (!this.#writeBlocked) return;
    this.#writeBlocked = false;
    this.#updateFlow();
    this.#writers.resolveAll();
  }

  /**
   * Closing has begun without our asking (the peer ended, or the socket
   * failed): from now on the transport is closing, and with a `failure`,
   * waiting writes fail with it.
   */
  protected closingBegan(failure?: ConnectionError): void {
    this.#closing = true;
    if (failure) this.#writers.rejectAll(failure);
  }

  /** Aborts with `error` as the failure, unless one was recorded first. */
  protected fail(error: ConnectionError): void {
    this.failure ??= error;
    this.abort();
  }

  /**
   * The connection is gone: writers are rejected, `incoming` ends (erroring
   * with the failure, else with `error`, else completing) and `close()`
   * resolves. Only the first call counts.
   */
  protected closedDown(error?: ConnectionError): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing = true;
    this.#forceTimer?.unsubscribe();
    this.#writeBlocked = false;
    const failure = this.failure ?? error;
    this.#writers.rejectAll(failure ?? new ConnectionError('connection closed'));
    this.channel.close(failure);
    this.#closers.resolveAll();
  }

  /** Reads while someone reads, unpaused, and our writes are not blocked; always once closing. */
  #updateFlow(): void {
    this.setReading(this.#closing || (this.channel.wantsData() && !this.#writeBlocked));
  }
}
