import { asyncScheduler } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { deadlineAt, timeoutOperator } from './tasksInternals.js';
import type { TimeoutOptions } from './timeoutAfter.js';

/**
 * {@link ignoreAt}'s options as one object.
 *
 * ## Example
 * ```ts
 * import { ignoreAt } from 'rxrpcx';
 * const operator = ignoreAt({ time: new Date(Date.now() + 2000), timeoutResult: null });
 * ```
 */
export interface IgnoreAtConfig<R> extends TimeoutOptions {
  /** The deadline: seconds on the scheduler's clock (`scheduler.now() / 1000`), or a Date. */
  readonly time: number | Date;
  /** Emitted on expiry, just before completing; nothing is emitted if undefined. */
  readonly timeoutResult?: R;
}

/**
 * Drops the source at an absolute time and completes quietly — aiorpcX's
 * `ignore_at`.
 *
 * `time` is read as in {@link timeoutAt} (seconds on the scheduler's clock,
 * or a Date); otherwise it behaves as {@link ignoreAfter}.
 *
 * ## Example
 * ```ts
 * import { interval } from 'rxjs';
 * import { ignoreAt } from 'rxrpcx';
 *
 * interval(1000)
 *   .pipe(ignoreAt(Date.now() / 1000 + 3.5))
 *   .subscribe({ next: (n) => console.log(n), complete: () => console.log('stopped') }); // 0 1 2 stopped
 * ```
 * @param time - the deadline in seconds on the scheduler's clock, or a Date; or an {@link IgnoreAtConfig}.
 * @param timeoutResult - emitted on expiry (the reference's `timeout_result`).
 * @param options - the scheduler (default `asyncScheduler`).
 * @returns an operator that mirrors the source until the deadline.
 */
export function ignoreAt<T, R = never>(time: number | Date, timeoutResult?: R, options?: TimeoutOptions): OperatorFunction<T, T | R>;
export function ignoreAt<T, R = never>(config: IgnoreAtConfig<R>): OperatorFunction<T, T | R>;
export function ignoreAt<T, R = never>(
  timeOrConfig: number | Date | IgnoreAtConfig<R>,
  timeoutResult?: R,
  options: TimeoutOptions = {},
): OperatorFunction<T, T | R> {
  const config: IgnoreAtConfig<R> =
    typeof timeOrConfig === 'number' || timeOrConfig instanceof Date
      ? { ...options, time: timeOrConfig, timeoutResult }
      : timeOrConfig;
  const { time, scheduler = asyncScheduler } = config;
  return timeoutOperator<T, R>(
    { scheduler, deadline: deadlineAt(time) },
    { kind: 'ignore', emit: config.timeoutResult !== undefined, timeoutResult: config.timeoutResult },
  );
}
