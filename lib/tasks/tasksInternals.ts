/**
 * Logic shared by the tasks layer's exports; not re-exported.
 */
import { Observable, Subscription } from 'rxjs';
import type { OperatorFunction, SchedulerAction, SchedulerLike } from 'rxjs';
import type { Task } from './Task.js';
import type { WaitPolicy } from './TaskGroup.js';
import { TaskTimeout } from './TaskTimeout.js';
import { TimeoutCancellationError } from './TimeoutCancellationError.js';
import { UncaughtTimeoutError } from './UncaughtTimeoutError.js';

/**
 * A callback type that is bivariant in its argument, like a method, so that
 * callbacks kept in private fields do not make `TaskGroup<T>` invariant in T.
 */
export type Callback<A> = { bivariant(arg: A): void }['bivariant'];

// ---------------------------------------------------------------------------
// Task controls: what a TaskGroup may do with a Task that its users may not.

/** The group-facing side of a Task. */
export interface TaskControl {
  /** Cancels the task, recording the current cancellation cause if any. */
  cancel(): void;
  /** Calls `listener` with the task once it finishes; returns a remover. */
  listen<X>(listener: (task: X) => void): () => void;
  /** Set once the task joins a group; a task joins at most one. */
  grouped: boolean;
}

/**
 * The key of a Task's control. A symbol, not a WeakMap: a WeakMap entry per
 * task costs more than the task itself when a group runs 100,000 of them.
 */
export const taskControlKey: unique symbol = /* @__PURE__ */ Symbol('rxrpcx.taskControl');

export function taskControl(task: object): TaskControl {
  const control = (task as { readonly [taskControlKey]?: TaskControl })[taskControlKey];
  if (control === undefined) throw new TypeError('not a Task: create tasks with Task.spawn() or TaskGroup#spawn()');
  return control;
}

// ---------------------------------------------------------------------------
// Cancellation causes. Unsubscription carries no reason; while a timeout
// operator tears down what it encloses, it names itself here so that Task
// handles torn down in that same synchronous call record why.

const cancellationCauses: unknown[] = [];

export function withCancellationCause(cause: unknown, teardown: () => void): void {
  cancellationCauses.push(cause);
  try {
    teardown();
  } finally {
    cancellationCauses.pop();
  }
}

export function currentCancellationCause(): unknown {
  return cancellationCauses[cancellationCauses.length - 1];
}

// ---------------------------------------------------------------------------
// A FIFO with O(1) shift, so draining 100,000 completions stays linear (and
// the deadline queue's lanes are FIFOs too).

export class Fifo<T> {
  #items: Array<T | undefined> = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  /** The next item, left in place. */
  first(): T | undefined {
    return this.#items[this.#head];
  }

  shift(): T | undefined {
    const items = this.#items;
    const head = this.#head;
    if (head === items.length) return undefined;
    const item = items[head];
    items[head] = undefined;
    const next = head + 1;
    // Emptied: start afresh. Over half dead (and not tiny): keep the live part.
    if (next === items.length) this.#reset([]);
    else if (next > 1024 && next * 2 > items.length) this.#reset(items.slice(next));
    else this.#head = next;
    return item;
  }

  #reset(items: Array<T | undefined>): void {
    this.#items = items;
    this.#head = 0;
  }
}

// ---------------------------------------------------------------------------
// The join policy of the reference's TaskGroup.join, one completed task at a
// time: shared by TaskGroup#join and runTaskGroup.

/** Python's `None` for a task result: an Observable that emitted nothing, or null. */
export function isNone(value: unknown): boolean {
  return value === undefined || value === null;
}

export function assertWaitPolicy(wait: unknown): asserts wait is WaitPolicy {
  if (wait !== 'all' && wait !== 'any' && wait !== 'object' && wait !== 'none') {
    throw new TypeError(`invalid wait argument: ${String(wait)}`);
  }
}

export class JoinPolicy<T> {
  /** The first task that counts, as the reference's `completed`. */
  completed: Task<T> | null = null;

  constructor(private readonly wait: Exclude<WaitPolicy, 'none'>) {}

  /** Takes one finished task; returns true when joining is over. */
  offer(task: Task<T>): boolean {
    const failed = task.state !== 'succeeded';
    if (this.completed === null && (failed || this.wait !== 'object' || !isNone(task.result))) {
      this.completed = task;
    }
    return failed || this.wait === 'any' || (this.wait === 'object' && this.completed !== null);
  }
}

// ---------------------------------------------------------------------------
// Time: seconds at the API, scheduler milliseconds inside.

/** Milliseconds for `seconds`, rounded to the nanosecond so 0.007 s is 7 ms exactly. */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1e9) / 1e6;
}

/** Seconds for `ms`, rounded to the nanosecond. */
export function msToSeconds(ms: number): number {
  return Math.round(ms * 1e6) / 1e9;
}

/** The deadline of an absolute-time operator: seconds on the scheduler's clock, or a Date. */
export function deadlineAt(time: number | Date): (nowMs: number) => Deadline {
  const deadlineMs = time instanceof Date ? time.getTime() : secondsToMs(time);
  return (now) => ({ deadlineMs, seconds: msToSeconds(deadlineMs - now) });
}

/** setTimeout's ceiling; longer delays are reached in steps. */
const MAX_TIMER_MS = 0x7fffffff;

/**
 * Schedules `work`, with `state`, for `deadlineMs` on the scheduler's clock:
 * never in the past, at most setTimeout's ceiling away (24.8 days: work woken
 * before its deadline looks again and re-arms), and not at all for an
 * infinite deadline, where a bare `schedule` would have Node fire it after
 * 1 ms. The one clamp for every timer; the hot ones (the deadline sweep, the
 * send watchdog) pass their owner as state, so arming makes no closure.
 */
export function scheduleWith<T>(
  scheduler: SchedulerLike,
  deadlineMs: number,
  work: (this: SchedulerAction<T>, state?: T) => void,
  state?: T,
): Subscription | undefined {
  const ms = deadlineMs - scheduler.now();
  return Number.isFinite(ms) ? scheduler.schedule(work, Math.min(Math.max(0, ms), MAX_TIMER_MS), state) : undefined;
}

/**
 * Runs `work` once `scheduler.now()` reaches `deadlineMs`. An infinite
 * deadline never fires and schedules nothing.
 */
export function scheduleAt(scheduler: SchedulerLike, deadlineMs: number, work: () => void): Subscription {
  return (
    scheduleWith(
      scheduler,
      deadlineMs,
      function (this: SchedulerAction<boolean>, clamped?: boolean) {
        // Only a step short of the deadline looks at the clock again: a timer that ran its
        // full delay fires even if the wall clock moved meanwhile.
        const rest = deadlineMs - scheduler.now();
        if (clamped && rest > 0) this.schedule(rest > MAX_TIMER_MS, Math.min(rest, MAX_TIMER_MS));
        else work();
      },
      deadlineMs - scheduler.now() > MAX_TIMER_MS,
    ) ?? new Subscription()
  );
}

/**
 * Runs `work` after `seconds` on the scheduler: the one way a delay a user
 * gives (a timeout, `forceAfter`, a backoff) becomes a timer. An infinite
 * delay schedules nothing, a negative one runs at once, and one beyond
 * `setTimeout`'s ceiling (24.8 days) is reached in steps, where a bare
 * `schedule` would have Node fire it after 1 ms.
 */
export function scheduleAfter(scheduler: SchedulerLike, seconds: number, work: () => void): Subscription {
  return scheduleAt(scheduler, scheduler.now() + seconds * 1000, work);
}

// ---------------------------------------------------------------------------
// The timeout operators' common body.

/** Which operator subscription raised a TaskTimeout. */
const timeoutRaisers = new WeakMap<TaskTimeout, object>();

/** When the timer fires: raise TaskTimeout, or complete quietly (ignore). */
export type Expiry<R> =
  | { readonly kind: 'raise' }
  | { readonly kind: 'ignore'; readonly emit: boolean; readonly timeoutResult?: R };

/** A deadline resolved at subscription time, from the scheduler's `now`. */
export interface Deadline {
  readonly deadlineMs: number;
  /** What a TaskTimeout reports. */
  readonly seconds: number;
}

export interface TimeoutSettings {
  readonly scheduler: SchedulerLike;
  readonly deadline: (nowMs: number) => Deadline;
}

export function timeoutOperator<T, R>(settings: TimeoutSettings, expiry: Expiry<R>): OperatorFunction<T, T | R> {
  return (source) =>
    new Observable<T | R>((subscriber) => {
      const { scheduler } = settings;
      const { deadlineMs, seconds } = settings.deadline(scheduler.now());
      if (Number.isNaN(deadlineMs)) {
        subscriber.error(new RangeError('a timeout needs a number of seconds or a time'));
        return;
      }
      // The upstream subscription doubles as this subscription's identity.
      const upstream = new Subscription();
      subscriber.add(upstream);
      upstream.add(
        source.subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            const foreign = error instanceof TaskTimeout && timeoutRaisers.get(error) !== upstream;
            subscriber.error(foreign ? new UncaughtTimeoutError(error) : error);
          },
          complete: () => subscriber.complete(),
        }),
      );
      if (subscriber.closed) return;
      subscriber.add(
        scheduleAt(scheduler, deadlineMs, () => {
          withCancellationCause(new TimeoutCancellationError(seconds), () => upstream.unsubscribe());
          if (expiry.kind === 'raise') {
            const timeout = new TaskTimeout(seconds);
            timeoutRaisers.set(timeout, upstream);
            subscriber.error(timeout);
          } else {
            if (expiry.emit) subscriber.next(expiry.timeoutResult as R);
            subscriber.complete();
          }
        }),
      );
    });
}
