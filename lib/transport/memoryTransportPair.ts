import { Observable, Subscriber, Subscription, asapScheduler, type SchedulerLike } from 'rxjs';
import type { FramerBase } from '../framing/FramerBase.js';
import { NewlineFramer } from '../framing/NewlineFramer.js';
import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import { scheduleAfter } from '../tasks/tasksInternals.js';
import type { NetAddress } from '../util/NetAddress.js';
import { SessionKind } from './SessionKind.js';
import type { CloseOptions, Transport, TransportProxy } from './Transport.js';
import { Waiters } from './transportInternals.js';

/**
 * Options of {@link memoryTransportPair}.
 *
 * ## Example
 * ```ts
 * import { memoryTransportPair } from 'rxrpcx';
 * const [client, server] = memoryTransportPair({ chunkSize: 3, delay: 0.01 });
 * ```
 */
export interface MemoryTransportOptions {
  /**
   * Drives delivery: every chunk arrives in a scheduled action, never inside
   * the writer's call. Pass a `TestScheduler` for marble tests.
   * @default asapScheduler
   */
  readonly scheduler?: SchedulerLike;
  /** Split each write into chunks of at most this many bytes (0: whole writes). @default 0 */
  readonly chunkSize?: number;
  /** Seconds each chunk spends in flight. @default 0 */
  readonly delay?: number;
  /** Bytes in flight above which `write` waits for the peer to take them. @default 65536 */
  readonly highWaterMark?: number;
  /** Keep message boundaries (as a WebSocket does); implies no chunk splitting. @default false */
  readonly messageBoundaries?: boolean;
  /** What each end reports as `remoteAddress()`: [client's view, server's view]. */
  readonly addresses?: readonly [NetAddress | undefined, NetAddress | undefined];
}

type Delivery = { readonly kind: 'data'; readonly bytes: Uint8Array } | { readonly kind: 'eof' } | { readonly kind: 'reset' };

/**
 * One end of an in-memory connection: a full {@link Transport} with ordered,
 * scheduled delivery, backpressure and both orderly and abortive close.
 *
 * Made in pairs by {@link memoryTransportPair}.
 *
 * ## Example
 * ```ts
 * import { memoryTransportPair } from 'rxrpcx';
 * const [client, server] = memoryTransportPair();
 * await client.close();
 * console.log(server.isClosing()); // true
 * ```
 */
export class MemoryTransport implements Transport {
  /** @internal */ peer!: MemoryTransport;
  readonly incoming: Observable<Uint8Array>;
  readonly messageBoundaries: boolean;

  private readonly scheduler: SchedulerLike;
  private readonly chunkSize: number;
  private readonly delayMs: number;
  private readonly highWaterMark: number;
  /** Chunks (and EOF) on their way to the peer. */
  private readonly pendingActions = new Subscription();
  private forceTimer: Subscription | undefined;
  /** What arrived before anyone subscribed. */
  private readonly backlog: Delivery[] = [];
  private subscriber: Subscriber<Uint8Array> | undefined;
  private ended = false;
  private closing = false;
  private paused = false;
  private inFlight = 0;
  private readonly drainWaiters = new Waiters();
  private readonly closedWaiters = new Waiters();

  /** @internal */
  constructor(
    readonly kind: SessionKind,
    options: MemoryTransportOptions,
    private readonly address: NetAddress | undefined,
  ) {
    this.scheduler = options.scheduler ?? asapScheduler;
    this.messageBoundaries = options.messageBoundaries ?? false;
    this.chunkSize = this.messageBoundaries ? 0 : (options.chunkSize ?? 0);
    this.delayMs = (options.delay ?? 0) * 1000;
    this.highWaterMark = options.highWaterMark ?? 65536;
    this.incoming = new Observable<Uint8Array>((subscriber) => {
      if (this.subscriber) {
        subscriber.error(new ConnectionError('a transport has one reader'));
        return undefined;
      }
      this.subscriber = subscriber;
      this.flushBacklog();
      return () => {
        if (this.subscriber === subscriber) this.subscriber = undefined;
      };
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.closing) return Promise.reject(new ConnectionError('connection is closing'));
    if (bytes.length === 0) return Promise.resolve();
    const step = this.chunkSize > 0 ? this.chunkSize : bytes.length;
    for (let start = 0; start < bytes.length; start += step) {
      const chunk = bytes.subarray(start, start + step);
      this.inFlight += chunk.length;
      this.send({ kind: 'data', bytes: chunk });
    }
    if (this.inFlight <= this.highWaterMark) return Promise.resolve();
    return this.drainWaiters.add();
  }

  close(options: CloseOptions = {}): Promise<void> {
    if (this.ended) return Promise.resolve();
    const closed = this.closedWaiters.add();
    if (!this.closing) {
      this.closing = true;
      // EOF travels behind every chunk already written, as a FIN does.
      this.send({ kind: 'eof' });
      const forceAfter = options.forceAfter ?? 30;
      this.forceTimer = scheduleAfter(this.scheduler, forceAfter, () => this.abort());
    }
    return closed;
  }

  abort(): void {
    if (this.ended) return;
    this.closing = true;
    this.pendingActions.unsubscribe();
    this.inFlight = 0;
    this.releaseDrainWaiters(new ConnectionError('connection aborted'));
    this.finish();
    this.peer.receive({ kind: 'reset' });
  }

  isClosing(): boolean {
    return this.closing || this.ended;
  }

  remoteAddress(): NetAddress | undefined {
    return this.address;
  }

  proxy(): TransportProxy | undefined {
    return undefined;
  }

  bufferedAmount(): number {
    return this.inFlight;
  }

  /** A fresh {@link NewlineFramer} for a byte-stream pair; none when the pair keeps message boundaries. */
  defaultFramer(): FramerBase<Uint8Array> | undefined {
    return this.messageBoundaries ? undefined : new NewlineFramer();
  }

  private send(delivery: Delivery): void {
    const action = this.scheduler.schedule(() => {
      this.pendingActions.remove(action);
      this.peer.receive(delivery);
    }, this.delayMs);
    this.pendingActions.add(action);
  }

  /** Settles blocked writes: resolved when the peer took the bytes, rejected when the connection ended. */
  private releaseDrainWaiters(failure?: Error): void {
    if (failure) this.drainWaiters.rejectAll(failure);
    else this.drainWaiters.resolveAll();
  }


  pauseReading(): void {
    this.paused = true;
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    this.flushBacklog();
  }

  /** The peer took `count` of our bytes. */
  private taken(count: number): void {
    this.inFlight -= count;
    if (this.inFlight <= this.highWaterMark) this.releaseDrainWaiters();
  }

  /** @internal */
  receive(delivery: Delivery): void {
    if (this.ended) return;
    if (delivery.kind === 'reset') {
      // A reset overtakes everything, as an RST does.
      this.backlog.length = 0;
      if (this.subscriber) this.deliver(delivery);
      else this.onEnd(delivery);
      return;
    }
    if (!this.subscriber || this.paused || this.backlog.length > 0) {
      this.backlog.push(delivery);
      if (delivery.kind === 'eof' && !this.subscriber) this.onEnd(delivery);
      return;
    }
    this.deliver(delivery);
  }

  private flushBacklog(): void {
    while (this.subscriber && !this.paused && this.backlog.length > 0) this.deliver(this.backlog.shift()!);
  }

  private deliver(delivery: Delivery): void {
    const subscriber = this.subscriber!;
    switch (delivery.kind) {
      case 'data':
        this.peer.taken(delivery.bytes.length);
        subscriber.next(delivery.bytes);
        return;
      case 'eof':
        this.onEnd(delivery);
        subscriber.complete();
        return;
      case 'reset':
        this.subscriber = undefined;
        this.onEnd(delivery);
        subscriber.error(new ConnectionError('connection reset by peer'));
        return;
    }
  }

  /** The peer closed: an orderly EOF makes us close too, a reset ends us at once. */
  private onEnd(delivery: Delivery): void {
    if (delivery.kind === 'eof') {
      if (!this.closing) {
        this.closing = true;
        this.send({ kind: 'eof' });
      }
      this.finish();
    } else {
      this.closing = true;
      this.pendingActions.unsubscribe();
      this.inFlight = 0;
      this.releaseDrainWaiters(new ConnectionError('connection reset by peer'));
      this.finish();
    }
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    // Bytes already in flight to the peer (our EOF among them) still arrive.
    this.forceTimer?.unsubscribe();
    this.closedWaiters.resolveAll();
    // Our own reader sees the end as well, unless it already did.
    const subscriber = this.subscriber;
    if (subscriber && !subscriber.closed) subscriber.complete();
  }
}

/**
 * Two connected in-memory transports: `[client, server]`.
 *
 * What one end writes the other reads, in order, delivered by the scheduler
 * (so chunking, delay and backpressure can be driven in virtual time).
 * Closing one end sends EOF behind the bytes already written, and the peer
 * closes too; aborting resets the peer, whose reader errors with a
 * `ConnectionError`.
 *
 * ## Example
 * ```ts
 * import { memoryTransportPair } from 'rxrpcx';
 * const [client, server] = memoryTransportPair({ chunkSize: 1 });
 * server.incoming.subscribe((chunk) => console.log(chunk.length)); // 1, 1, 1
 * await client.write(new Uint8Array([1, 2, 3]));
 * ```
 *
 * @param options - scheduler, chunking, delay, high-water mark and addresses
 * @returns the client end and the server end
 */
export function memoryTransportPair(options: MemoryTransportOptions = {}): [MemoryTransport, MemoryTransport] {
  const client = new MemoryTransport(SessionKind.CLIENT, options, options.addresses?.[0]);
  const server = new MemoryTransport(SessionKind.SERVER, options, options.addresses?.[1]);
  client.peer = server;
  server.peer = client;
  return [client, server];
}
