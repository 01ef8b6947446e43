import { Subscription, isObservable, type SchedulerLike } from 'rxjs';
import type { PendingKey } from '../jsonrpc/connectionInternals.js';
import type { Deadline, DeadlineQueue } from '../tasks/deadlineQueueInternals.js';
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
}

const QUEUED = 0;
const SLEEPING = 1;
const RUNNING = 2;
const DONE = 3;

/** One admitted item, from admission to its answer. */
interface Job<T> {
  state: number;
  readonly item: T;
  /** The key the peer may cancel it by (wire cancellation), if any. */
  readonly key: PendingKey | undefined;
  /** The processing timeout; armed unless the item is answered in the turn it arrives. */
  deadline: Deadline | undefined;
  /** The cost sleep before the handler runs. */
  sleep: Deadline | undefined;
  /** The handler's Observable, while awaited. */
  running: Subscription | undefined;
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
 * one that sends no answer. One finalizer (`finish`) answers, releases the
 * slot, admits the next waiter and lets the backlog in. Timeouts and sleeps
 * are entries in the session's one deadline queue; the handlers' Observables
 * belong to one Subscription, unsubscribed on close.
 *
 * Internal to the session layer.
 */
export interface IncomingDispatcher<M, T> {
  /** True once the session has ended: nothing more is taken. */
  readonly closed: boolean;
  /** Items admitted and not yet answered. */
  readonly unanswered: number;
  /** One message from the framer: the dispatcher is the session's reader. */
  next(message: M): void;
  error(error: unknown): void;
  complete(): void;
  /**
   * One item of a received message: runs now, or waits for a slot; at the
   * hard limit, it is refused.
   * @param key - the key the peer may cancel it by, with wire cancellation on
   * @param needsHandler - false for an item answered as it is (a malformed message's error reply): no slot, no handler
   */
  admit(item: T, key?: PendingKey, needsHandler?: boolean): void;
  /**
   * The peer cancelled the job with `key`: it ends with no answer, through
   * the one finalizer (a running handler unsubscribed, a Promise's answer
   * dropped, a waiter out of the queue, its slot to the next). An unknown or
   * answered key does nothing.
   */
  cancel(key: PendingKey): void;
  /** The concurrency limit moved: admit waiters that now fit, or fail them all if it fell to 0. */
  limitChanged(): void;
  /** The connection has ended: every handler is unsubscribed, nothing is answered any more. */
  close(): void;
}

/**
 * The session's incoming dispatcher (see {@link IncomingDispatcher}). Its
 * state lives in this closure: the dispatcher is on every message's path, and
 * closure variables are both the shortest code a bundler can emit and
 * invisible from outside.
 * @param host - the session: tunables and transport
 * @param target - the session's hooks
 * @param deadlines - the session's one deadline queue: processing timeouts and cost sleeps
 * @param meter - the concurrency limit and the cost sleep
 * @param counters - where received messages are counted
 */
export function incomingDispatcher<M, T>(
  host: DispatcherHost,
  target: DispatchTarget<M, T>,
  deadlines: DeadlineQueue,
  meter: CostMeter,
  counters: SessionCounters,
): IncomingDispatcher<M, T> {
  let unanswered = 0;
  let active = 0;
  /** Items waiting for a slot, oldest first; made when one first waits. */
  let waiting: Fifo<Job<T>> | undefined;
  let draining = false;
  /** Messages read while `maxPendingRequests` were unanswered; made when one first waits. */
  let backlog: Fifo<M> | undefined;
  let drainingBacklog = false;
  let readPaused = false;
  let closed = false;
  /** Set by the first refusal at the hard limit: nothing more is read or answered but refusals. */
  let refusing = false;
  /** The handlers' Observables still awaited; made when the first is. */
  let runningAll: Subscription | undefined;
  /** Unanswered jobs the peer may cancel, by key; made when the first is admitted. */
  let cancellable: Map<PendingKey, Job<T>> | undefined;

  const receive = (message: M): void => {
    counters.lastRecv = host.scheduler.now() / 1000;
    counters.recvCount += 1;
    target.receive(message);
  };

  /**
   * The hard limit: `job` fails with ExcessiveSessionCostError. The first
   * refusal logs; from then on messages read are dropped and only refusals
   * are answered (the session closes after the turn; reading is not paused,
   * so that the orderly close can see the peer's end).
   */
  const refuse = (job: Job<T>): void => {
    if (!refusing) {
      refusing = true;
      counters.costDisconnect = true;
      host.logger.info(
        `excessive resource usage: cost ${Math.round(meter.effectiveCost)} at hard limit ${host.costHardLimit}, refusing the peer and disconnecting`,
      );
    }
    finish(job, true, new ExcessiveSessionCostError(), true, true);
  };

  /** Arms the processing timeout, once. */
  const arm = (job: Job<T>): void => {
    job.deadline ??= deadlines.add(host.processingTimeout, { expire: () => finish(job, true, new TaskTimeout(host.processingTimeout)) });
  };

  const start = (job: Job<T>): void => {
    active += 1;
    const sleep = meter.sleepSeconds;
    if (sleep > 0) {
      job.state = SLEEPING;
      arm(job);
      job.sleep = deadlines.add(sleep, { expire: () => run(job) });
    } else {
      run(job);
    }
  };

  const run = (job: Job<T>): void => {
    job.state = RUNNING;
    let result: unknown;
    try {
      result = target.handleItem(job.item);
    } catch (error) {
      finish(job, true, error);
      return;
    }
    if (result instanceof Promise) {
      arm(job);
      result.then(
        (value: unknown) => finish(job, false, value),
        (error: unknown) => finish(job, true, error),
      );
    } else if (isObservable(result)) {
      arm(job);
      const subscription = result.subscribe({
        next: (value) => finish(job, false, value),
        error: (error: unknown) => finish(job, true, error),
        complete: () => finish(job, false, undefined),
      });
      if (job.state === DONE) {
        subscription.unsubscribe();
      } else {
        job.running = subscription;
        (runningAll ??= new Subscription()).add(subscription);
      }
    } else {
      finish(job, false, result);
    }
  };

  /**
   * The one way out: answer (unless cancelled by the peer: `answer` false;
   * once refusing, only refusals are answered), release the slot, admit the
   * next, let the backlog in.
   */
  const finish = (job: Job<T>, failed: boolean, value: unknown, answer = true, refusal = false): void => {
    if (job.state === DONE || closed) return;
    const held = job.state !== QUEUED;
    job.state = DONE;
    job.deadline?.cancel();
    job.sleep?.cancel();
    const running = job.running;
    if (running !== undefined) {
      job.running = undefined;
      runningAll?.remove(running);
      running.unsubscribe();
    }
    if (held) active -= 1;
    unanswered -= 1;
    if (job.key !== undefined && cancellable?.get(job.key) === job) cancellable.delete(job.key);
    if (answer && (refusal || !refusing)) target.answerItem(job.item, failed, value);
    if (closed) return;
    drain();
    drainBacklog();
    updateReading();
  };

  /** Starts waiters while slots are free; fails them all once the limit is 0. */
  const drain = (): void => {
    if (draining || closed) return;
    draining = true;
    try {
      while (waiting !== undefined && waiting.length > 0 && !closed) {
        const limit = meter.target;
        if (limit > 0 && active >= limit) break;
        const job = waiting.shift() as Job<T>;
        if (job.state !== QUEUED) continue;
        if (limit <= 0) refuse(job);
        else start(job);
      }
    } finally {
      draining = false;
    }
  };

  /** Answers have made room: messages held back are received, in order. */
  const drainBacklog = (): void => {
    // Receiving may answer at once and come back here: the outer loop goes on instead.
    if (drainingBacklog) return;
    drainingBacklog = true;
    try {
      while (backlog !== undefined && backlog.length > 0 && unanswered < host.maxPendingRequests && !closed && !refusing) {
        receive(backlog.shift() as M);
      }
    } finally {
      drainingBacklog = false;
    }
  };

  const updateReading = (): void => {
    if (closed) return;
    const pause = unanswered >= host.maxPendingRequests || (backlog?.length ?? 0) > 0;
    if (pause === readPaused) return;
    readPaused = pause;
    if (pause) host.transport.pauseReading();
    else host.transport.resumeReading();
  };

  return {
    get closed() {
      return closed;
    },
    get unanswered() {
      return unanswered;
    },
    next(message) {
      if (closed || refusing) return;
      if ((backlog?.length ?? 0) > 0 || unanswered >= host.maxPendingRequests) {
        (backlog ??= new Fifo()).push(message);
        updateReading();
        return;
      }
      receive(message);
    },
    error: (error) => target.onIncomingError(error),
    complete: () => target.end(),
    admit(item, key, needsHandler = true) {
      if (closed) return;
      unanswered += 1;
      updateReading();
      const job: Job<T> = { state: QUEUED, item, key, deadline: undefined, sleep: undefined, running: undefined };
      // A reused key names the newest job: the peer can only mean the one it sent last.
      if (key !== undefined) (cancellable ??= new Map()).set(key, job);
      const limit = meter.target;
      if (limit <= 0) {
        refuse(job);
      } else if (!needsHandler) {
        finish(job, false, undefined);
      } else if (active < limit && (waiting?.length ?? 0) === 0) {
        start(job);
      } else {
        arm(job);
        (waiting ??= new Fifo()).push(job);
        // Waiters ahead of it may all have been answered already (timed out): start what fits.
        drain();
      }
    },
    cancel(key) {
      const job = cancellable?.get(key);
      if (job !== undefined) finish(job, false, undefined, false);
    },
    limitChanged: () => drain(),
    close() {
      if (closed) return;
      closed = true;
      runningAll?.unsubscribe();
      // Cancelled: nothing is running or waiting any more, nothing will be answered.
      unanswered = 0;
      active = 0;
      waiting = undefined;
      backlog = undefined;
      cancellable = undefined;
    },
  };
}
