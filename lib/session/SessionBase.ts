import {
  AsyncSubject,
  Observable,
  Subject,
  Subscription,
  asyncScheduler,
  concatMap,
  finalize,
  firstValueFrom,
  timer,
  type SchedulerLike,
} from 'rxjs';
import type { FramerBase } from '../framing/FramerBase';
import type { FramingError } from '../framing/FramingError';
import { textFraming } from '../framing/framingInternals';
import { ConnectionError } from '../jsonrpc/ConnectionError';
import { Concurrency } from '../tasks/Concurrency';
import { TaskGroup } from '../tasks/TaskGroup';
import { TaskTimeout } from '../tasks/TaskTimeout';
import { timeoutAfter } from '../tasks/timeoutAfter';
import { SessionKind } from '../transport/SessionKind';
import type { CloseOptions, Transport, TransportProxy } from '../transport/Transport';
import type { NetAddress } from '../util/NetAddress';
import { quietLogger, type SessionLogger } from './SessionLogger';
import { sessionDefaults, type SessionDefaults, type SessionOptions } from './SessionOptions';
import type { SessionStats } from './SessionStats';
import { errorText, firstResult, utf8 } from './sessionInternals';

/**
 * What every session has: statistics, the cost model and its throttle, the
 * send path, the incoming pipeline and the lifecycle.
 *
 * aiorpcX's `SessionBase`. A session reads its transport's bytes through its
 * framer and hands each message to {@link SessionBase.receive} (RPC or
 * message semantics live in the subclasses). Everything a session starts —
 * handlers, timers, the read subscription — belongs to its {@link TaskGroup},
 * so when the connection ends, nothing is left running.
 *
 * Tunables come from one options object; a subclass can change its defaults
 * by overriding the static `defaults`, and every tunable is also a plain
 * property that may be changed while the session runs.
 *
 * The session starts reading on the next microtask after construction (so
 * subclass constructors finish first), or at once with `start()`.
 *
 * ## Example
 * ```ts
 * import { RPCSession, memoryTransportPair } from 'rxrpcx';
 * const [transport] = memoryTransportPair();
 * const session = new RPCSession(transport, { costSoftLimit: 1000 });
 * session.closed$.subscribe(() => console.log('closed'));
 * await session.close();
 * ```
 *
 * @typeParam M - the message type of the session's framer
 */
export abstract class SessionBase<M> {
  /** The defaults a subclass may override (merged under the options). */
  static defaults: SessionDefaults = sessionDefaults;

  /** The connection. */
  readonly transport: Transport;
  /** Frames what the session sends and unframes what it reads. */
  readonly framer: FramerBase<M>;
  /** The session's clock and timers. */
  readonly scheduler: SchedulerLike;
  /** Where log lines go. */
  logger: SessionLogger;
  /** How much debug logging (see {@link SessionOptions.verbosity}). */
  verbosity: number;

  bwCostPerByte: number;
  costSoftLimit: number;
  costHardLimit: number;
  costDecayPerSec: number;
  costSleep: number;
  errorBaseCost: number;
  initialConcurrent: number;
  processingTimeout: number;
  maxSendDelay: number;
  maxPendingRequests: number;

  /** When the session was made (seconds on the scheduler's clock). */
  readonly startTime: number;
  /** Errors counted. */
  errors = 0;
  /** Messages sent. */
  sendCount = 0;
  /** Bytes sent (unframed). */
  sendSize = 0;
  /** When a message was last sent. */
  lastSend: number;
  /** Messages received. */
  recvCount = 0;
  /** Bytes received. */
  recvSize = 0;
  /** When a message was last received. */
  lastRecv: number;
  /** Resource usage; see {@link SessionOptions}. */
  cost = 0;

  /** The incoming throttle: how many requests may be processed at once. */
  protected readonly incomingConcurrency: Concurrency;
  /** Every piece of work the session runs; unsubscribed when the connection ends. */
  protected readonly group: TaskGroup;
  /** Between 0 and 1: how far cost is between the soft and hard limits. */
  protected costFraction = 0;

  #costLast = 0;
  #costTime: number;
  #started = false;
  #incoming = 0;
  #writesPending = 0;
  /** Messages waiting for this tick's write, with their unframed sizes. */
  #outbox: Array<M | string> = [];
  #outboxSizes: Array<number | undefined> = [];
  /** Settles when the outbox's write has been taken by the transport; made only when someone waits. */
  #outboxWritten: { promise: Promise<number>; resolve: (time: number) => void; reject: (error: unknown) => void } | undefined;
  #lastWriteProgress = 0;
  #sendTimedOut = false;
  #sendWatchdog: Subscription | undefined;
  #readPaused = false;
  /** Messages read while `maxPendingRequests` were unanswered: they wait here, reading is paused. */
  #backlog: M[] = [];
  #drainingBacklog = false;
  #ended = false;
  readonly #closed = new AsyncSubject<void>();
  readonly #statsChanged = new Subject<void>();
  readonly #subscription = new Subscription();

  /**
   * @param transport - the connection
   * @param options - tunables, scheduler, logger, and the framer (default: the session's own)
   */
  constructor(transport: Transport, options: SessionOptions & { readonly framer?: FramerBase<M> } = {}) {
    const defaults = (this.constructor as typeof SessionBase).defaults;
    const value = <K extends keyof typeof defaults>(key: K): (typeof defaults)[K] =>
      (options[key] as (typeof defaults)[K] | undefined) ?? defaults[key];
    this.transport = transport;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.logger = options.logger ?? quietLogger;
    this.verbosity = value('verbosity');
    this.bwCostPerByte = value('bwCostPerByte');
    this.costSoftLimit = value('costSoftLimit');
    this.costHardLimit = value('costHardLimit');
    this.costDecayPerSec = value('costDecayPerSec');
    this.costSleep = value('costSleep');
    this.errorBaseCost = value('errorBaseCost');
    this.initialConcurrent = value('initialConcurrent');
    this.processingTimeout = value('processingTimeout');
    this.maxSendDelay = value('maxSendDelay');
    this.maxPendingRequests = value('maxPendingRequests');
    // By default, do not limit outgoing connections.
    if (transport.kind === SessionKind.CLIENT) this.costHardLimit = 0;

    this.startTime = this.now();
    this.lastSend = this.startTime;
    this.lastRecv = this.startTime;
    this.#costTime = this.startTime;
    this.incomingConcurrency = new Concurrency(this.initialConcurrent);
    this.group = new TaskGroup([], { wait: 'none' });
    this.framer = options.framer ?? this.defaultFramer();
    queueMicrotask(() => this.start());
  }

  /** Client or server: who opened the connection. */
  get sessionKind(): SessionKind {
    return this.transport.kind;
  }

  /**
   * Emits once and completes when the connection has ended and the session
   * has torn everything down.
   */
  get closed$(): Observable<void> {
    return this.#closed.asObservable();
  }

  /**
   * Snapshots of {@link SessionBase.stats}: one at subscription, then one
   * after every write the transport takes and every cost recalculation;
   * completes when the session closes.
   */
  get stats$(): Observable<SessionStats> {
    return new Observable<SessionStats>((subscriber) => {
      subscriber.next(this.stats());
      if (this.#ended) {
        subscriber.complete();
        return undefined;
      }
      return this.#statsChanged.subscribe({
        next: () => subscriber.next(this.stats()),
        complete: () => subscriber.complete(),
      });
    });
  }

  /** The session's statistics and cost, now. */
  stats(): SessionStats {
    return {
      startTime: this.startTime,
      errors: this.errors,
      sendCount: this.sendCount,
      sendSize: this.sendSize,
      lastSend: this.lastSend,
      recvCount: this.recvCount,
      recvSize: this.recvSize,
      lastRecv: this.lastRecv,
      cost: this.cost,
      incomingConcurrency: this.incomingConcurrency.maxConcurrent,
      unansweredRequests: this.unansweredRequestCount(),
      bufferedAmount: this.transport.bufferedAmount(),
    };
  }

  /** Starts reading from the transport; called automatically, idempotent. */
  start(): void {
    if (this.#started || this.#ended) return;
    this.#started = true;
    const onDrop = (error: FramingError): void => this.onFramingDrop(error);
    this.#subscription.add(
      this.transport.incoming
        .pipe((source) => this.countIncoming(source), this.framer.messages({ onDrop }))
        .subscribe({
          next: (message) => this.#take(message),
          error: (error: unknown) => this.onIncomingError(error),
          complete: () => this.end(),
        }),
    );
  }

  /** The default framer when none is given in the options. */
  protected abstract defaultFramer(): FramerBase<M>;

  /** Handles one message from the peer. */
  protected abstract receive(message: M): void;

  /**
   * The incoming stream failed: a lost connection ends the session; a fatal
   * framing error is logged and counted, and the connection closed.
   */
  protected onIncomingError(error: unknown): void {
    if (!(error instanceof ConnectionError)) {
      this.logger.error(`${errorText(error)}, disconnecting`);
      this.bumpErrors(error);
      this.transport.close().catch(() => undefined);
    }
    this.end();
  }

  /** A message the framer dropped (oversized, bad checksum): counted, the connection stays. */
  protected onFramingDrop(error: FramingError): void {
    this.logger.warn(error.message);
    this.bumpErrors(error);
  }

  private countIncoming(source: Observable<Uint8Array>): Observable<Uint8Array> {
    return new Observable<Uint8Array>((subscriber) =>
      source.subscribe({
        next: (data) => {
          if (this.verbosity >= 2) this.logger.debug(`received data of ${data.length} bytes`);
          this.recvSize += data.length;
          this.bumpCost(data.length * this.bwCostPerByte);
          subscriber.next(data);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
  }

  /**
   * Queues one message for this tick's write. Every message a session sends
   * in one tick (the replies to one chunk of requests, a burst of requests)
   * goes out in one transport write, in order, so a busy connection makes
   * one write per tick instead of one per message.
   * @param message - the message, or (for sessions whose messages are bytes) its UTF-8 text
   * @param unframedSize - the size counted in statistics (default: the framed size)
   */
  protected enqueue(message: M | string, unframedSize?: number): void {
    if (this.#outbox.length === 0) queueMicrotask(this.#flush);
    this.#outbox.push(message);
    this.#outboxSizes.push(unframedSize);
  }

  /**
   * Queues one message (see {@link SessionBase.enqueue}) and waits for the
   * transport to take it. A write blocked longer than `maxSendDelay` aborts
   * the connection and rejects with TaskTimeout.
   * @returns the send time (seconds)
   */
  protected sendFramed(message: M, unframedSize?: number): Promise<number> {
    this.enqueue(message, unframedSize);
    if (this.#outboxWritten === undefined) {
      let resolve!: (time: number) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<number>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.#outboxWritten = { promise, resolve, reject };
    }
    return this.#outboxWritten.promise;
  }

  /**
   * Frames the outbox and hands it to the transport: one write (one per
   * message where boundaries count). Text messages go through the framer's
   * text form (`textFraming`) where it has one and are encoded together, once.
   */
  readonly #flush = (): void => {
    const messages = this.#outbox;
    if (messages.length === 0) return;
    const sizes = this.#outboxSizes;
    const waiter = this.#outboxWritten;
    this.#outbox = [];
    this.#outboxSizes = [];
    this.#outboxWritten = undefined;
    if (this.#ended) {
      waiter?.reject(new ConnectionError('connection is closed'));
      return;
    }
    const framer = this.framer;
    const frameText = this.transport.messageBoundaries ? undefined : textFraming(framer);
    const framed: Uint8Array[] = [];
    let total = 0;
    let unframed = 0;
    // Consecutive text messages, framed as text, encoded at once; the framing's characters are ASCII.
    let run = '';
    let runFraming = 0;
    const endRun = (): void => {
      if (run === '') return;
      const bytes = utf8(run);
      framed.push(bytes);
      total += bytes.length;
      unframed += bytes.length - runFraming;
      run = '';
      runFraming = 0;
    };
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i] as M | string;
      if (this.verbosity >= 4) this.logger.debug(`sending message of ${sizes[i] ?? sizeOf(message)} bytes`);
      if (typeof message === 'string' && frameText !== undefined) {
        const text = frameText(message);
        run += text;
        runFraming += text.length - message.length;
        continue;
      }
      endRun();
      const raw = typeof message === 'string' ? (utf8(message) as M) : message;
      const bytes = framer.frame(raw);
      framed.push(bytes);
      total += bytes.length;
      unframed += sizes[i] ?? (raw instanceof Uint8Array ? raw.length : bytes.length);
    }
    endRun();
    let written: Promise<void>;
    if (framed.length === 1 || !this.transport.messageBoundaries) {
      written = this.transport.write(framed.length === 1 ? (framed[0] as Uint8Array) : concatBytes(framed, total));
    } else {
      written = Promise.all(framed.map((bytes) => this.transport.write(bytes))).then(() => undefined);
    }
    this.#writesPending += 1;
    this.#armSendWatchdog();
    written.then(
      () => {
        this.#writeSettled();
        this.sendSize += unframed;
        this.sendCount += messages.length;
        this.lastSend = this.now();
        this.bumpCost(unframed * this.bwCostPerByte);
        this.#statsChanged.next();
        waiter?.resolve(this.lastSend);
      },
      (error: unknown) => {
        this.#writeSettled();
        const failure = this.#sendTimedOut ? new TaskTimeout(this.maxSendDelay) : error;
        if (waiter) waiter.reject(failure);
        else if (this.verbosity >= 1) this.logger.debug(`write failed: ${errorText(failure)}`);
      },
    );
  };

  #writeSettled(): void {
    this.#writesPending -= 1;
    this.#lastWriteProgress = this.scheduler.now();
  }

  /** Sends what is queued now rather than at the end of the tick (before closing). */
  protected flushOutbox(): void {
    this.#flush();
  }

  /**
   * One timer watches every write: it fires `maxSendDelay` after the last
   * progress and aborts the connection if writes are still blocked then. A
   * busy session re-arms it once per `maxSendDelay`, not once per message.
   */
  #armSendWatchdog(): void {
    if (this.#sendWatchdog || this.#ended) return;
    if (this.#writesPending === 0) return;
    this.#lastWriteProgress = Math.max(this.#lastWriteProgress, this.scheduler.now());
    const due = this.#lastWriteProgress + this.maxSendDelay * 1000 - this.scheduler.now();
    const watchdog = this.scheduler.schedule(() => {
      this.#subscription.remove(watchdog);
      this.#sendWatchdog = undefined;
      if (this.#writesPending === 0) return;
      if (this.scheduler.now() - this.#lastWriteProgress >= this.maxSendDelay * 1000) {
        this.logger.warn(`no write progress for ${this.maxSendDelay} secs, aborting the connection`);
        this.#sendTimedOut = true;
        this.abort();
        return;
      }
      this.#armSendWatchdog();
    }, Math.max(0, due));
    this.#sendWatchdog = watchdog;
    this.#subscription.add(watchdog);
  }
  /** Counts an error and charges `errorBaseCost` plus the error's own `cost`. */
  protected bumpErrors(error?: unknown, cost?: number): void {
    this.errors += 1;
    const own = cost ?? costOf(error);
    this.bumpCost(this.errorBaseCost + own);
  }

  /**
   * Adds to (or, with a negative delta, refunds) the session's cost;
   * recalculates the throttle when cost has drifted by more than 100.
   */
  bumpCost(delta: number): void {
    this.cost = Math.max(0, this.cost + delta);
    if (Math.abs(this.cost - this.#costLast) > 100) this.recalcConcurrency();
  }

  /**
   * Refunds cost for the time elapsed and recomputes the incoming throttle:
   * the delay before each request and how many may run at once. Called
   * automatically when cost drifts; may also be called periodically.
   */
  recalcConcurrency(): void {
    const now = this.now();
    this.cost = Math.max(0, this.cost - (now - this.#costTime) * this.costDecayPerSec);
    this.#costTime = now;
    this.#costLast = this.cost;
    this.#statsChanged.next();

    const value = this.incomingConcurrency.maxConcurrent;
    const costSoftRange = this.costHardLimit - this.costSoftLimit;
    if (costSoftRange <= 0) return;
    const cost = this.cost + this.extraCost();
    this.costFraction = Math.max(0, (cost - this.costSoftLimit) / costSoftRange);
    const target = Math.max(0, Math.ceil((1 - this.costFraction) * this.initialConcurrent));
    if (Math.abs(target - value) > 1) this.logger.info(`changing task concurrency from ${value} to ${target}`);
    this.incomingConcurrency.setTarget(target);
  }

  /** A dynamic amount added to cost when deciding how much to throttle; may be negative. */
  extraCost(): number {
    return 0;
  }

  /** Called just before the session disconnects because its cost was excessive. */
  onDisconnectDueToExcessiveSessionCost(): void {
    // A hook for subclasses.
  }

  /** Called once when the connection has ended, after pending work is cancelled. */
  connectionLost(): void | Promise<void> {
    // A hook for subclasses.
  }

  /** The number of requests received and not yet answered. */
  unansweredRequestCount(): number {
    return this.#incoming;
  }

  /**
   * Runs the processing of one incoming message in the session's group.
   * While `maxPendingRequests` are unanswered, the transport stops reading,
   * so a flooding peer's writes back up instead of our memory.
   */
  #take(message: M): void {
    if (this.#backlog.length > 0 || this.#incoming >= this.maxPendingRequests) {
      this.#backlog.push(message);
      this.#applyReadBackpressure();
      return;
    }
    this.receive(message);
  }

  /** Answers have made room: messages held back are received, in order. */
  #drainBacklog(): void {
    if (this.#drainingBacklog) return;
    this.#drainingBacklog = true;
    try {
      let taken = 0;
      while (taken < this.#backlog.length && this.#incoming < this.maxPendingRequests && !this.#ended) {
        this.receive(this.#backlog[taken++] as M);
      }
      this.#backlog.splice(0, taken);
    } finally {
      this.#drainingBacklog = false;
    }
  }

  protected spawnIncoming(work: Observable<void>): void {
    this.beginIncoming();
    this.group.spawn(
      work.pipe(finalize(() => this.endIncoming())),
      { daemon: true },
    );
  }

  /** Counts one incoming message as unanswered (for work run outside `spawnIncoming`). */
  protected beginIncoming(): void {
    this.#incoming += 1;
    if (this.#incoming >= this.maxPendingRequests) this.#applyReadBackpressure();
  }

  /** The message counted by `beginIncoming` has been answered. */
  protected endIncoming(): void {
    this.#incoming -= 1;
    if (this.#backlog.length > 0) this.#drainBacklog();
    if (this.#readPaused) this.#applyReadBackpressure();
  }

  /**
   * The throttle every incoming message goes through: a slot under the
   * incoming concurrency limit, the cost-fraction delay, then `handle`'s
   * first result — all within `processingTimeout` (TaskTimeout after it).
   * Errors with ExcessiveSessionCostError when the limit has fallen to 0.
   */
  protected throttled(handle: () => unknown): Observable<unknown> {
    return this.incomingConcurrency
      .run(() => {
        const delay = this.costFraction * this.costSleep;
        const result = firstResult(handle);
        return delay > 0 ? timer(delay * 1000, this.scheduler).pipe(concatMap(() => result)) : result;
      })
      .pipe(timeoutAfter(this.processingTimeout, { scheduler: this.scheduler }));
  }

  #applyReadBackpressure(): void {
    if (this.#ended) return;
    const pause = this.#incoming >= this.maxPendingRequests || this.#backlog.length > 0;
    if (pause === this.#readPaused) return;
    this.#readPaused = pause;
    if (pause) this.transport.pauseReading();
    else this.transport.resumeReading();
  }

  /** The proxy the connection went through, if any. */
  proxy(): TransportProxy | undefined {
    return this.transport.proxy();
  }

  /** The peer's address, if known. */
  remoteAddress(): NetAddress | undefined {
    return this.transport.remoteAddress();
  }

  /** True once the connection is closing. */
  isClosing(): boolean {
    return this.#ended || this.transport.isClosing();
  }

  /** Closes the connection at once. */
  abort(): void {
    this.transport.abort();
  }

  /**
   * Closes the connection in an orderly way and resolves when the session has
   * ended; aborts after `forceAfter` seconds.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    this.start();
    this.#flush();
    await this.transport.close({ forceAfter: options.forceAfter ?? 30 });
    await firstValueFrom(this.#closed, { defaultValue: undefined });
  }

  /** The scheduler's clock in seconds. */
  protected now(): number {
    return this.scheduler.now() / 1000;
  }

  /** Whether the session has ended. */
  protected get ended(): boolean {
    return this.#ended;
  }

  /** The connection is gone: cancel everything, run the hook, announce it. */
  protected end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#subscription.unsubscribe();
    this.group.unsubscribe();
    this.#backlog = [];
    this.#outbox = [];
    this.#outboxSizes = [];
    this.#outboxWritten?.reject(new ConnectionError('connection is closed'));
    this.#outboxWritten = undefined;
    if (!this.transport.isClosing()) this.transport.abort();
    let hook: void | Promise<void> = undefined;
    try {
      hook = this.connectionLost();
    } catch (error) {
      this.logger.error(`connectionLost hook failed: ${errorText(error)}`);
    }
    const finish = (): void => {
      this.#statsChanged.complete();
      this.#closed.next();
      this.#closed.complete();
    };
    if (hook instanceof Promise) {
      hook.catch((error: unknown) => this.logger.error(`connectionLost hook failed: ${errorText(error)}`)).finally(finish);
    } else {
      finish();
    }
  }
}

function sizeOf(message: unknown): number {
  return typeof message === 'string' ? utf8(message).length : message instanceof Uint8Array ? message.length : 0;
}

/** One buffer holding `parts` in order. */
function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function costOf(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'cost' in error) {
    const cost = (error as { cost: unknown }).cost;
    if (typeof cost === 'number' && Number.isFinite(cost)) return cost;
  }
  return 0;
}
