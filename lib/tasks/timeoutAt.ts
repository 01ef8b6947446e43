import { asyncScheduler } from 'rxjs';
import type { MonoTypeOperatorFunction } from 'rxjs';
import { deadlineAt, timeoutOperator } from './tasksInternals.js';
import type { TimeoutOptions } from './timeoutAfter.js';

/**
 * {@link timeoutAt}'s options as one object.
 *
 * ## Example
 * ```ts
 * import { timeoutAt } from 'rxrpcx';
 * const operator = timeoutAt({ time: Date.now() / 1000 + 30 });
 * ```
 */
export interface TimeoutAtConfig extends TimeoutOptions {
  /** The deadline: seconds on the scheduler's clock (`scheduler.now() / 1000`), or a Date. */
  readonly time: number | Date;
}

/**
 * Errors with {@link TaskTimeout} if the source has not finished by an
 * absolute time — aiorpcX's `timeout_at`.
 *
 * `time` is in seconds on the scheduler's clock, `scheduler.now() / 1000`:
 * Unix time for the default `asyncScheduler`, virtual time under a
 * `TestScheduler`. A `Date` is read as `date.getTime()` milliseconds on the
 * same clock. A deadline already past expires on the scheduler's next turn.
 * The `TaskTimeout` reports the seconds that were left at subscription.
 * Otherwise it behaves as {@link timeoutAfter}.
 *
 * ## Example
 * ```ts
 * import { interval } from 'rxjs';
 * import { timeoutAt } from 'rxrpcx';
 *
 * const deadline = Date.now() / 1000 + 10; // ten seconds from now
 * interval(1000).pipe(timeoutAt(deadline)).subscribe({ error: (e) => console.log(e.message) });
 * ```
 * @param time - the deadline in seconds on the scheduler's clock, or a Date; or a {@link TimeoutAtConfig}.
 * @param options - the scheduler (default `asyncScheduler`).
 * @returns an operator that mirrors the source until the deadline.
 */
export function timeoutAt<T>(time: number | Date, options?: TimeoutOptions): MonoTypeOperatorFunction<T>;
export function timeoutAt<T>(config: TimeoutAtConfig): MonoTypeOperatorFunction<T>;
export function timeoutAt<T>(
  timeOrConfig: number | Date | TimeoutAtConfig,
  options: TimeoutOptions = {},
): MonoTypeOperatorFunction<T> {
  const { time, scheduler = asyncScheduler } =
    typeof timeOrConfig === 'number' || timeOrConfig instanceof Date ? { ...options, time: timeOrConfig } : timeOrConfig;
  return timeoutOperator<T, never>({ scheduler, deadline: deadlineAt(time) }, { kind: 'raise' });
}
