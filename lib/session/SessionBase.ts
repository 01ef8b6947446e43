import { Observable, asapScheduler, asyncScheduler, firstValueFrom, type SchedulerLike, type Unsubscribable } from 'rxjs';
import type { FramerBase } from '../framing/FramerBase.js';
import type { FramingError } from '../framing/FramingError.js';
import { readFrames } from '../framing/framingInternals.js';
import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import type { PendingKey } from '../jsonrpc/connectionInternals.js';
import { DeadlineQueue } from '../tasks/deadlineQueueInternals.js';
import { SessionKind } from '../transport/SessionKind.js';
import type { CloseOptions, Transport, TransportProxy } from '../transport/Transport.js';
import type { NetAddress } from '../util/NetAddress.js';
import { joinGroup } from './costGroupInternals.js';
import type { CostGroups } from './CostGroups.js';
import { CostMeter } from './costMeterInternals.js';
import { IncomingDispatcher, type DispatchTarget, type DispatcherHost } from './dispatcherInternals.js';
import type { SessionLogger } from './SessionLogger.js';
import { defaultLogger, peerLogger } from './setDefaultLogger.js';
import { sessionDefaults, type SessionDefaults, type SessionOptions } from './SessionOptions.js';
import type { SessionStats } from './SessionStats.js';
import { connectionClosed, errorText, sessionEnd } from './sessionInternals.js';
import { sessionCounters } from './statsInternals.js';
import { SessionWriter } from './writerInternals.js';
import { Wiring, countChunks, startSession, type SessionHooks } from './wiringInternals.js';

/** The reference's traffic counters, by name: the session's attributes of those names, and part of every stats snapshot. */
const COUNTER_NAMES = ['startTime', 'errors', 'sendCount', 'sendSize', 'lastSend', 'recvCount', 'recvSize', 'lastRecv'] as const;
type CounterName = (typeof COUNTER_NAMES)[number];

/**
 * What every session has: the lifecycle, and the parts it is made of — the
 * writer (outbox, one write per flush, send watchdog), the cost meter, the
 * statistics and the incoming dispatcher (concurrency, cost sleep,
 * processing timeout, read backpressure).
 *
 * aiorpcX's `SessionBase`. A session reads its transport's bytes through its
 * framer; each message goes through the dispatcher to `receive`, which
 * decodes it and admits its items; each item runs through `handleItem` and
 * its outcome comes back to `answerItem` (RPC or message semantics live in
 * the subclasses). When the connection ends, every handler is unsubscribed,
 * every timer dropped, and `closed$` emits.
 *
 * Tunables come from one options object; a subclass can change its defaults
 * by overriding the static `defaults`, and every tunable is also a plain
 * property that may be changed while the session runs.
 *
 * Time: timers (timeouts, cost sleeps, decay, the send watchdog) run on the
 * `scheduler` option (default `asyncScheduler`); deferred actions — starting
 * to read after construction, so subclass constructors finish first, and the
 * flush of each turn's writes — run on the same `scheduler` when one is given,
 * else on `asapScheduler`. Inside `TestScheduler.run` both defaults are
 * virtual, so a session is marble-testable as it is.
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
 * @typeParam T - the items a message holds (requests and notifications; for message sessions, the messages)
 */
export abstract class SessionBase<M, T = unknown> {
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
  declare verbosity: number;

  /** Cost of each byte sent or received. */
  declare bwCostPerByte: number;
  /** Above this cost, requests are delayed and concurrency shrinks. */
  declare costSoftLimit: number;
  /** At this cost, concurrency is 0 and the session is disconnected; 0 for no limit. */
  declare costHardLimit: number;
  /** How much cost decays each second. */
  declare costDecayPerSec: number;
  /** Seconds of delay per request at the hard limit (proportionally less below it). */
  declare costSleep: number;
  /** Cost of each error. */
  declare errorBaseCost: number;
  /** Concurrent incoming requests under the soft limit. */
  declare initialConcurrent: number;
  /** Seconds an incoming request may take, waiting included, before 'server busy'. */
  declare processingTimeout: number;
  /** Seconds writes may be blocked before the connection is aborted. */
  declare maxSendDelay: number;
  /** Unanswered incoming requests at which the session stops reading. */
  declare maxPendingRequests: number;

  /** The session's one deadline queue (processing and request timeouts, cost sleeps), made with the first deadline: many sessions never arm one. */
  #deadlines: DeadlineQueue | undefined;
  /** The session's counters, and how its parts tell each other what happened. */
  readonly #counters: Wiring;
  readonly #meter: CostMeter;
  readonly #writer: SessionWriter<M>;
  readonly #dispatcher: IncomingDispatcher<M, T>;
  readonly #deferScheduler: SchedulerLike;
  /** The cost groups the session joins when it starts, if any. */
  readonly #costGroups: CostGroups | undefined;
  /** Reading from the transport, once started. */
  #reading: Unsubscribable | undefined;
  #started = false;
  #closingSoon = false;
  #ended = false;
  /** True once `closed$` has emitted. */
  #closedDone = false;
  /** Subscribers of `closed$` waiting for the end; made with the first. */
  #closedWaiters: Array<ClosedWaiter> | undefined;
  #closed$: Observable<void> | undefined;

  /**
   * @param transport - the connection
   * @param options - tunables, scheduler, logger, and the framer (default: the session's own)
   */
  constructor(transport: Transport, options: SessionOptions & { readonly framer?: FramerBase<M> } = {}) {
    const defaults = (this.constructor as typeof SessionBase).defaults;
    this.transport = transport;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.#deferScheduler = options.scheduler ?? asapScheduler;
    // The default as it is now, with the peer's address on every line (read when logged: it may come later).
    this.logger = options.logger ?? peerLogger(defaultLogger(), () => this.remoteAddress());
    // Every tunable is the option given, else the (subclass's) default: one rule, for all of them,
    // a subclass's own included (RPCSession's are in its defaults).
    const tunables = this as unknown as Record<string, unknown>;
    const given = options as Record<string, unknown>;
    for (const [key, value] of Object.entries(defaults)) tunables[key] = given[key] ?? value;
    // By default, do not limit outgoing connections.
    if (transport.kind === SessionKind.CLIENT) this.costHardLimit = 0;
    this.framer = options.framer ?? this.defaultFramer();

    // The session's protected hooks are what the dispatcher and the wiring drive.
    const target = this as unknown as DispatchTarget<M, T> & DispatcherHost & SessionHooks;
    const wiring = (this.#counters = new Wiring(target, this.now()));
    this.#meter = wiring.meter = new CostMeter(this, wiring);
    this.#writer = new SessionWriter<M>(this, this.#deferScheduler, wiring);
    this.#dispatcher = wiring.dispatcher = new IncomingDispatcher<M, T>(target, this.#meter, wiring);
    this.#costGroups = options.costGroups;
    // Not kept: if the session ends first, start() does nothing.
    this.#deferScheduler.schedule(startSession, 0, this);
  }

  /** Client or server: who opened the connection. */
  get sessionKind(): SessionKind {
    return this.transport.kind;
  }

  /** When the session was made (seconds on the scheduler's clock). */
  declare readonly startTime: number;
  /** Errors counted. */
  declare readonly errors: number;
  /** Messages sent. */
  declare readonly sendCount: number;
  /** Bytes sent (unframed). */
  declare readonly sendSize: number;
  /** When a message was last sent. */
  declare readonly lastSend: number;
  /** Messages received. */
  declare readonly recvCount: number;
  /** Bytes received (framed, as read). */
  declare readonly recvSize: number;
  /** When a message was last received. */
  declare readonly lastRecv: number;

  static {
    // The counters declared above, each read through from the session's counters.
    for (const name of COUNTER_NAMES) {
      Object.defineProperty(this.prototype, name, {
        configurable: true,
        get(this: SessionBase<unknown>): number {
          return this.#counters[name];
        },
      });
    }
  }

  /** Resource usage; see {@link SessionOptions}. Setting it recalculates the throttle. */
  get cost(): number {
    return this.#meter.cost;
  }
  /**
   * Charges or forgives: sets the cost, in the units of the cost limits (a
   * negative value counts as 0), charges the change to the session's cost
   * group too, and recalculates the throttle at once.
   */
  set cost(cost: number) {
    this.#meter.set(cost);
  }

  /**
   * The key of the cost group the session is in (see the `costGroups`
   * option), once it has started; `undefined` when it is in none.
   */
  get costGroup(): string | undefined {
    return this.#meter.groupKey;
  }

  /**
   * The cost the throttle and the hard limit read: {@link SessionBase.cost}
   * plus the session's share of its cost group's (the same as `cost` when
   * it is in no group).
   */
  get effectiveCost(): number {
    return this.#meter.effectiveCost;
  }

  /** Between 0 and 1: how far cost is between the soft and hard limits. */
  protected get costFraction(): number {
    return this.#meter.fraction;
  }

  /**
   * Emits once and completes when the connection has ended and the session
   * has torn everything down.
   */
  get closed$(): Observable<void> {
    return (this.#closed$ ??= new Observable<void>((subscriber) => this.#whenClosed(subscriber)));
  }

  static {
    sessionCounters.bind((session) => (session as SessionBase<unknown>).#counters);
    sessionEnd.bind((session, callback) =>
      (session as SessionBase<unknown>).#whenClosed({ next: callback, complete: () => undefined, closed: false }),
    );
  }

  /** Tells `waiter` when the session has ended (at once if it has). */
  #whenClosed(waiter: ClosedWaiter): void {
    if (this.#closedDone) {
      waiter.next();
      waiter.complete();
      return;
    }
    const waiters = this.#closedWaiters;
    if (waiters === undefined) {
      this.#closedWaiters = [waiter];
      return;
    }
    // No teardown per subscriber (a session is watched by few, for its whole life):
    // those that left are dropped here, whenever the list doubles.
    if ((waiters.length & (waiters.length - 1)) === 0) this.#closedWaiters = waiters.filter((other) => !other.closed);
    this.#closedWaiters?.push(waiter);
  }

  /**
   * Snapshots of {@link SessionBase.stats}: one at subscription, then one
   * after every flush of writes and every cost recalculation; completes when
   * the session closes.
   */
  get stats$(): Observable<SessionStats> {
    return this.#counters.watch(() => this.stats());
  }

  /** The session's statistics and cost, now. */
  stats(): SessionStats {
    // Built in place (stats$ snapshots on every flush while watched): the counters, then the rest.
    const stats = {} as Record<CounterName, number>;
    for (const name of COUNTER_NAMES) stats[name] = this.#counters[name];
    return Object.assign(stats, {
      cost: this.#meter.cost,
      incomingConcurrency: this.#meter.target,
      unansweredRequests: this.#dispatcher.unanswered,
      bufferedAmount: this.transport.bufferedAmount(),
    });
  }

  /** Starts reading from the transport; called automatically (on the session's scheduler), idempotent. */
  start(): void {
    if (this.#started || this.#ended) return;
    this.#started = true;
    const wiring = this.#counters;
    const group = this.#costGroups === undefined ? undefined : joinGroup(this.#costGroups, this);
    if (group !== undefined) this.#meter.join(group);
    const incoming = this.transport.incoming;
    // The dispatcher takes the messages, the error and the end of the stream. A built-in
    // framer's decoder reads straight into it, counting bytes as it reads (`onChunk`);
    // a framer of one's own is piped, with a count before it.
    this.#reading =
      readFrames(incoming, this.framer, this.#dispatcher, wiring) ??
      incoming
        .pipe(countChunks(wiring), this.framer.messages({ onDrop: (error) => wiring.onDrop(error) }))
        .subscribe(this.#dispatcher);
  }

  /** The default framer when none is given in the options. */
  protected abstract defaultFramer(): FramerBase<M>;

  /** Decodes one message from the peer and admits its items with {@link SessionBase.admit}. */
  protected abstract receive(message: M): void;

  /** Runs one item's handler: returns a value, a Promise or an Observable (whose first value counts). */
  protected abstract handleItem(item: T): unknown;

  /**
   * One item's outcome: its result, or (with `failed`) the handler's error,
   * a TaskTimeout after `processingTimeout`, or an ExcessiveSessionCostError.
   */
  protected abstract answerItem(item: T, failed: boolean, value: unknown): void;

  /**
   * Hands one item of a received message to the dispatcher: it runs now or
   * waits for a slot; at the hard cost limit it is refused (answered with
   * ExcessiveSessionCostError).
   * @param key - the key the peer may cancel it by ({@link SessionBase.cancelItem}), if any
   * @param needsHandler - false for an item answered as it is, at once (`answerItem` with no value): no slot, no handler
   */
  protected admit(item: T, key?: PendingKey, needsHandler = true): void {
    this.#dispatcher.admit(item, key, needsHandler);
  }

  /**
   * Ends the unanswered item admitted with `key` with no answer: its handler
   * is unsubscribed (or its Promise's answer dropped), or it leaves the
   * queue, and its slot goes to the next. An unknown key does nothing.
   */
  protected cancelItem(key: PendingKey): void {
    this.#dispatcher.cancel(key);
  }

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

  /**
   * Queues one message for this turn's write: every message a session sends
   * in one turn goes out in one transport write, in order.
   * @param message - the message, or (for sessions whose messages are bytes) its JSON text
   * @param unframedSize - the size counted in statistics (default: its byte length)
   */
  protected enqueue(message: M | string, unframedSize?: number): void {
    this.#writer.enqueue(message, unframedSize);
  }

  /**
   * Queues one message and resolves when the transport has taken it;
   * rejects with ConnectionError once the connection is closing, or
   * TaskTimeout when writes stalled for `maxSendDelay` (the connection is
   * then aborted).
   */
  protected send(message: M | string, unframedSize?: number): Promise<void> {
    if (this.isClosing()) return Promise.reject(connectionClosed());
    return this.#writer.send(message, unframedSize);
  }

  /**
   * Calls `target.expire()` after `seconds` on the session's clock, through
   * its one deadline queue, unless cancelled first; nothing expires after the
   * session ends.
   */
  protected deadline(
    seconds: number,
    target: { expire(): void },
  ): {
    /** Removes the deadline, so `target.expire()` is never called; idempotent. */
    cancel(): void;
  } {
    // Made closed once the session has ended: nothing expires then.
    return (this.#deadlines ??= new DeadlineQueue(this.scheduler, this.#ended)).add(seconds, target);
  }

  /** Counts an error and charges `errorBaseCost` plus the error's own `cost` (or `cost` if given). */
  protected bumpErrors(error?: unknown, cost?: number): void {
    this.#counters.errors += 1;
    this.#meter.bumpError(cost ?? costOf(error));
  }

  /**
   * Adds to (or, with a negative delta, refunds) the session's cost;
   * recalculates the throttle when cost has drifted by more than 100.
   */
  bumpCost(delta: number): void {
    this.#meter.bump(delta);
  }

  /**
   * Refunds cost for the time elapsed and recomputes the incoming throttle:
   * the delay before each request and how many may run at once. Called
   * automatically when cost drifts; may also be called periodically.
   */
  recalcConcurrency(): void {
    this.#meter.recalc();
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
    return this.#dispatcher.unanswered;
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
   * Closes the connection in an orderly way (what is queued is written
   * first) and resolves when the session has ended; aborts after
   * `forceAfter` seconds.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    this.start();
    this.#writer.flush();
    await this.transport.close({ forceAfter: options.forceAfter ?? 30 });
    await firstValueFrom(this.closed$, { defaultValue: undefined });
  }

  /**
   * Closes the connection (as `close()`) once this turn's writes are queued:
   * for a disconnect decided while answering, so that the other answers of
   * the same turn — the rest of a batch, the other waiters failed at once —
   * are written before the connection closes instead of being refused.
   */
  protected closeAfterThisTurn(): void {
    if (this.#closingSoon || this.#ended) return;
    this.#closingSoon = true;
    this.#deferScheduler.schedule(() => {
      if (!this.#ended) void this.close();
    });
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
    this.#reading?.unsubscribe();
    this.#deadlines?.close();
    this.#dispatcher.close();
    this.#writer.close();
    this.#meter.leave();
    if (!this.transport.isClosing()) this.transport.abort();
    const failed = (error: unknown): void => this.logger.error(`connectionLost hook failed: ${errorText(error)}`);
    let hook: void | Promise<void> = undefined;
    try {
      hook = this.connectionLost();
    } catch (error) {
      failed(error);
    }
    const finish = (): void => {
      this.#counters.end();
      this.#closedDone = true;
      const waiters = this.#closedWaiters ?? [];
      this.#closedWaiters = undefined;
      for (const waiter of waiters) {
        waiter.next();
        waiter.complete();
      }
    };
    if (hook instanceof Promise) {
      hook.catch(failed).finally(finish);
    } else {
      finish();
    }
  }
}

function costOf(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'cost' in error) {
    const cost = (error as { cost: unknown }).cost;
    if (typeof cost === 'number' && Number.isFinite(cost)) return cost;
  }
  return 0;
}

/** A subscriber of `closed$`, or a callback of `whenEnded`. */
interface ClosedWaiter {
  next(): void;
  complete(): void;
  readonly closed: boolean;
}
