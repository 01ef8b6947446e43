import { Subscription, isObservable, type Observable, type SchedulerLike } from 'rxjs';
import type { PendingKey } from '../jsonrpc/connectionInternals.js';
import type { Deadline, Expirable } from '../tasks/deadlineQueueInternals.js';
import { Fifo } from '../tasks/tasksInternals.js';
import { ExcessiveSessionCostError } from '../tasks/ExcessiveSessionCostError.js';
import { TaskTimeout } from '../tasks/TaskTimeout.js';
import type { Transport } from '../transport/Transport.js';
import type { CostMeter } from './costMeterInternals.js';
import type { SessionLogger } from './SessionLogger.js';
import type { SessionCounters } from './statsInternals.js';

/** The tunables the dispatcher reads from its session, live, and its transport. */
export interface DispatcherHost {
  readonly processingTimeout: number;
  readonly maxPendingRequests: number;
  readonly costHardLimit: number;
  readonly logger: SessionLogger;
  readonly transport: Transport;
  readonly scheduler: SchedulerLike;
}

/** The session's hooks the dispatcher drives (protected on the session). */
export interface DispatchTarget<M, T> {
  /** Decodes one message and admits its items (calls `admit` for each). */
  receive(message: M): void;
  /** Runs an item's handler: a value, a Promise or an Observable (whose first value counts). */
  handleItem(item: T): unknown;
  /**
   * The item's outcome: its result, or (with `failed`) what it failed with —
   * the handler's error, a TaskTimeout after `processingTimeout`, or an
   * ExcessiveSessionCostError when the session is at its hard cost limit
   * (the session answers −101 and closes).
   */
  answerItem(item: T, failed: boolean, value: unknown): void;
  /** The message stream failed (a lost connection, a fatal framing error). */
  onIncomingError(error: unknown): void;
  /** The message stream ended. */
  end(): void;
  /** Arms a deadline in the session's one deadline queue: processing timeouts and cost sleeps. */
  deadline(seconds: number, target: Expirable): Deadline;
}

const QUEUED = 0;
const SLEEPING = 1;
const RUNNING = 2;
const DONE = 3;

/** One admitted item, from admission to its answer. */
class Job<T> {
  state = QUEUED;
  /** The processing timeout; armed unless the item is answered in the turn it arrives. */
  deadline: Deadline | undefined = undefined;
  /** The cost sleep before the handler runs. */
  sleep: Deadline | undefined = undefined;
  /** The handler's Observable, while awaited. */
  running: Subscription | undefined = undefined;
  constructor(
    readonly item: T,
    /** The key the peer may cancel it by (wire cancellation), if any. */
    readonly key: PendingKey | undefined,
    private readonly dispatcher: { timedOut(job: Job<T>): void },
  ) {}

  /** The processing timeout. */
  expire(): void {
    this.dispatcher.timedOut(this);
  }
}

/**
 * The incoming path of a session, and every rule on it, once.
 *
 * Messages from the framer come in through `next`. While
 * `maxPendingRequests` items are unanswered, messages wait in a backlog and
 * the transport stops reading, so a flooding peer's writes back up instead
 * of our memory. Each item a message holds is admitted: it runs at once if
 * a concurrency slot is free, or waits in order for one (one branch, as
 * RxJS's `mergeInternals` decides "run now or buffer"). A running item first
 * sleeps while cost is above the soft limit, then its handler runs; a plain
 * value is answered in the same turn, a Promise or Observable is awaited.
 * `processingTimeout` covers the wait for a slot, the sleep and the handler.
 * An item that needs no handler (the error reply to a malformed message) is
 * answered at once, without a slot.
 *
 * The hard cost limit, once, here: when the limit has fallen to 0 — however
 * the cost got there: errors, bandwidth read or written, cost set by hand —
 * whatever the peer sends next is refused. Waiting items and every item
 * admitted at 0, a malformed message's too, fail with
 * ExcessiveSessionCostError (the session answers −101 and closes after the
 * turn); from then on the dispatcher reads nothing more and answers nothing
 * else, so a peer cannot be answered past the limit. With wire cancellation, the peer may end a
 * job by its key (`cancel`): that is one more outcome of the same finalizer,
 * one that sends no answer. One finalizer (`#finish`) answers, releases the
 * slot, admits the next waiter and lets the backlog in. Timeouts and sleeps
 * are entries in the session's one deadline queue; the handlers' Observables
 * belong to one Subscription, unsubscribed on close.
 *
 * Internal to the session layer.
 */
export class IncomingDispatcher<M, T> {
  #unanswered = 0;
  #active = 0;
  /** Items waiting for a slot, oldest first; made when one first waits. */
  #waiting: Fifo<Job<T>> | undefined;
  #draining = false;
  /** Messages read while `maxPendingRequests` were unanswered; made when one first waits. */
  #backlog: Fifo<M> | undefined;
  #drainingBacklog = false;
  #readPaused = false;
  #closed = false;
  /** Set by the first refusal at the hard limit: nothing more is read or answered but refusals. */
  #refusing = false;
  /** The handlers' Observables still awaited; made when the first is. */
  #running: Subscription | undefined;
  /** Unanswered jobs the peer may cancel, by key; made when the first is admitted. */
  #cancellable: Map<PendingKey, Job<T>> | undefined;

  /** The session: its tunables and transport, and the hooks the dispatcher drives. */
  readonly #session: DispatcherHost & DispatchTarget<M, T>;
  readonly #meter: CostMeter;
  readonly #counters: SessionCounters;

  /**
   * @param session - the session: its tunables (read live) and the hooks the dispatcher drives
   * @param meter - the concurrency limit and the cost sleep
   * @param counters - where received messages are counted
   */
  constructor(session: DispatcherHost & DispatchTarget<M, T>, meter: CostMeter, counters: SessionCounters) {
    this.#session = session;
    this.#meter = meter;
    this.#counters = counters;
  }

  /** True once the session has ended: nothing more is taken. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Items admitted and not yet answered. */
  get unanswered(): number {
    return this.#unanswered;
  }

  /** One message from the framer: the dispatcher is the session's reader. */
  next(message: M): void {
    if (this.#closed || this.#refusing) return;
    if ((this.#backlog?.length ?? 0) > 0 || this.#unanswered >= this.#session.maxPendingRequests) {
      (this.#backlog ??= new Fifo()).push(message);
      this.#updateReading();
      return;
    }
    this.#receive(message);
  }

  error(error: unknown): void {
    this.#session.onIncomingError(error);
  }

  complete(): void {
    this.#session.end();
  }

  #receive(message: M): void {
    this.#counters.lastRecv = this.#session.scheduler.now() / 1000;
    this.#counters.recvCount += 1;
    this.#session.receive(message);
  }

  /**
   * One item of a received message: runs now, or waits for a slot; at the
   * hard limit, it is refused.
   * @param key - the key the peer may cancel it by, with wire cancellation on
   * @param needsHandler - false for an item answered as it is (a malformed message's error reply): no slot, no handler
   */
  admit(item: T, key?: PendingKey, needsHandler = true): void {
    if (this.#closed) return;
    this.#unanswered += 1;
    this.#updateReading();
    const job = new Job(item, key, this);
    // A reused key names the newest job: the peer can only mean the one it sent last.
    if (key !== undefined) (this.#cancellable ??= new Map()).set(key, job);
    const limit = this.#meter.target;
    if (limit <= 0) {
      this.#refuse(job);
    } else if (!needsHandler) {
      this.#finish(job, false, undefined);
    } else if (this.#active < limit && (this.#waiting?.length ?? 0) === 0) {
      this.#start(job);
    } else {
      this.#arm(job);
      (this.#waiting ??= new Fifo()).push(job);
      // Waiters ahead of it may all have been answered already (timed out): start what fits.
      this.#drain();
    }
  }

  /**
   * The peer cancelled the job with `key`: it ends with no answer, through
   * the one finalizer (a running handler unsubscribed, a Promise's answer
   * dropped, a waiter out of the queue, its slot to the next). An unknown or
   * answered key does nothing.
   */
  cancel(key: PendingKey): void {
    const job = this.#cancellable?.get(key);
    if (job !== undefined) this.#finish(job, false, undefined, false);
  }

  /** The concurrency limit moved: admit waiters that now fit, or fail them all if it fell to 0. */
  limitChanged(): void {
    this.#drain();
  }

  /** The connection has ended: every handler is unsubscribed, nothing is answered any more. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#running?.unsubscribe();
    // Cancelled: nothing is running or waiting any more, nothing will be answered.
    this.#unanswered = 0;
    this.#active = 0;
    this.#waiting = undefined;
    this.#backlog = undefined;
    this.#cancellable = undefined;
  }

  /**
   * The hard limit: `job` fails with ExcessiveSessionCostError. The first
   * refusal logs; from then on messages read are dropped and only refusals
   * are answered (the session closes after the turn; reading is not paused,
   * so that the orderly close can see the peer's end).
   */
  #refuse(job: Job<T>): void {
    if (!this.#refusing) {
      this.#refusing = true;
      this.#counters.costDisconnect = true;
      this.#session.logger.info(
        `excessive resource usage: cost ${Math.round(this.#meter.effectiveCost)} at hard limit ${this.#session.costHardLimit}, refusing the peer and disconnecting`,
      );
    }
    this.#finish(job, true, new ExcessiveSessionCostError(), true, true);
  }

  #arm(job: Job<T>): void {
    if (job.deadline !== undefined) return;
    job.deadline = this.#session.deadline(this.#session.processingTimeout, job);
  }

  /** A job's processing timeout expired (called by the job, the deadline's target). */
  timedOut(job: Job<T>): void {
    this.#finish(job, true, new TaskTimeout(this.#session.processingTimeout));
  }

  #start(job: Job<T>): void {
    this.#active += 1;
    const sleep = this.#meter.sleepSeconds;
    if (sleep > 0) {
      job.state = SLEEPING;
      this.#arm(job);
      job.sleep = this.#session.deadline(sleep, { expire: () => this.#run(job) });
    } else {
      this.#run(job);
    }
  }

  #run(job: Job<T>): void {
    job.state = RUNNING;
    let result: unknown;
    try {
      result = this.#session.handleItem(job.item);
    } catch (error) {
      this.#finish(job, true, error);
      return;
    }
    if (result instanceof Promise) {
      this.#arm(job);
      result.then(
        (value: unknown) => this.#finish(job, false, value),
        (error: unknown) => this.#finish(job, true, error),
      );
    } else if (isObservable(result)) {
      this.#arm(job);
      this.#await(job, result);
    } else {
      this.#finish(job, false, result);
    }
  }

  #await(job: Job<T>, result: Observable<unknown>): void {
    const subscription = result.subscribe({
      next: (value) => this.#finish(job, false, value),
      error: (error: unknown) => this.#finish(job, true, error),
      complete: () => this.#finish(job, false, undefined),
    });
    if (job.state === DONE) {
      subscription.unsubscribe();
    } else {
      job.running = subscription;
      (this.#running ??= new Subscription()).add(subscription);
    }
  }

  /**
   * The one way out: answer (unless cancelled by the peer: `answer` false;
   * once refusing, only refusals are answered), release the slot, admit the
   * next, let the backlog in.
   */
  #finish(job: Job<T>, failed: boolean, value: unknown, answer = true, refusal = false): void {
    if (job.state === DONE || this.#closed) return;
    const held = job.state !== QUEUED;
    job.state = DONE;
    job.deadline?.cancel();
    job.sleep?.cancel();
    const running = job.running;
    if (running !== undefined) {
      job.running = undefined;
      this.#running?.remove(running);
      running.unsubscribe();
    }
    if (held) this.#active -= 1;
    this.#unanswered -= 1;
    if (job.key !== undefined && this.#cancellable?.get(job.key) === job) this.#cancellable.delete(job.key);
    if (answer && (refusal || !this.#refusing)) this.#session.answerItem(job.item, failed, value);
    if (this.#closed) return;
    this.#drain();
    this.#drainBacklog();
    this.#updateReading();
  }

  /** Starts waiters while slots are free; fails them all once the limit is 0. */
  #drain(): void {
    if (this.#draining || this.#closed) return;
    this.#draining = true;
    try {
      const waiting = this.#waiting;
      while (waiting !== undefined && waiting.length > 0 && !this.#closed) {
        const limit = this.#meter.target;
        if (limit > 0 && this.#active >= limit) break;
        const job = waiting.shift() as Job<T>;
        if (job.state !== QUEUED) continue;
        if (limit <= 0) this.#refuse(job);
        else this.#start(job);
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Answers have made room: messages held back are received, in order. */
  #drainBacklog(): void {
    // Receiving may answer at once and come back here: the outer loop goes on instead.
    if (this.#drainingBacklog) return;
    this.#drainingBacklog = true;
    try {
      const backlog = this.#backlog;
      while (
        backlog !== undefined &&
        backlog.length > 0 &&
        this.#unanswered < this.#session.maxPendingRequests &&
        !this.#closed &&
        !this.#refusing
      ) {
        this.#receive(backlog.shift() as M);
      }
    } finally {
      this.#drainingBacklog = false;
    }
  }

  #updateReading(): void {
    if (this.#closed) return;
    const pause = this.#unanswered >= this.#session.maxPendingRequests || (this.#backlog?.length ?? 0) > 0;
    if (pause === this.#readPaused) return;
    this.#readPaused = pause;
    if (pause) this.#session.transport.pauseReading();
    else this.#session.transport.resumeReading();
  }
}
