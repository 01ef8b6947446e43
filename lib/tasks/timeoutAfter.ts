import { asyncScheduler } from 'rxjs';
import type { MonoTypeOperatorFunction, SchedulerLike } from 'rxjs';
import { secondsToMs, timeoutOperator } from './tasksInternals.js';

/**
 * The scheduler option every timeout operator takes.
 *
 * ## Example
 * ```ts
 * import { asyncScheduler } from 'rxjs';
 * import type { TimeoutOptions } from 'rxrpcx';
 * const options: TimeoutOptions = { scheduler: asyncScheduler };
 * ```
 */
export interface TimeoutOptions {
  /**
   * The clock and timer: `now()` is read at subscription, the expiry is
   * scheduled on it.
   * @default asyncScheduler
   */
  readonly scheduler?: SchedulerLike;
}

/**
 * {@link timeoutAfter}'s options as one object.
 *
 * ## Example
 * ```ts
 * import { timeoutAfter } from 'rxrpcx';
 * const operator = timeoutAfter({ seconds: 30 });
 * ```
 */
export interface TimeoutAfterConfig extends TimeoutOptions {
  /** Seconds from subscription until the timeout expires; `Infinity` never does. */
  readonly seconds: number;
}

/**
 * Errors with {@link TaskTimeout} if the source has not finished `seconds`
 * after subscription — aiorpcX's `timeout_after`.
 *
 * On expiry the source is unsubscribed (that is the cancellation, and Task
 * handles under it record a {@link TimeoutCancellationError}), then the
 * output errors with a `TaskTimeout` carrying `seconds`. Values emitted before
 * pass through. Timeouts nest: the first to expire wins and unsubscribes
 * those inside it; a `TaskTimeout` from an inner operator that reaches this
 * one uncaught becomes an {@link UncaughtTimeoutError}. Unsubscribing cancels
 * the timer.
 *
 * ## Example
 * ```ts
 * import { defer } from 'rxjs';
 * import { timeoutAfter, TaskTimeout } from 'rxrpcx';
 *
 * defer(() => fetch('https://example.com'))
 *   .pipe(timeoutAfter(5))
 *   .subscribe({ error: (e) => e instanceof TaskTimeout && console.log(e.message) }); // task timed out after 5s
 * ```
 * @param seconds - seconds from subscription; or a {@link TimeoutAfterConfig}.
 * @param options - the scheduler (default `asyncScheduler`).
 * @returns an operator that mirrors the source until the timeout.
 */
export function timeoutAfter<T>(seconds: number, options?: TimeoutOptions): MonoTypeOperatorFunction<T>;
export function timeoutAfter<T>(config: TimeoutAfterConfig): MonoTypeOperatorFunction<T>;
export function timeoutAfter<T>(
  secondsOrConfig: number | TimeoutAfterConfig,
  options: TimeoutOptions = {},
): MonoTypeOperatorFunction<T> {
  const { seconds, scheduler = asyncScheduler } =
    typeof secondsOrConfig === 'number' ? { ...options, seconds: secondsOrConfig } : secondsOrConfig;
  return timeoutOperator<T, never>(
    { scheduler, deadline: (now) => ({ deadlineMs: now + secondsToMs(seconds), seconds }) },
    { kind: 'raise' },
  );
}
