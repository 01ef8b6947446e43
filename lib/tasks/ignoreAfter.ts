import { asyncScheduler } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { secondsToMs, timeoutOperator } from './tasksInternals.js';
import type { TimeoutOptions } from './timeoutAfter.js';

/**
 * {@link ignoreAfter}'s options as one object.
 *
 * ## Example
 * ```ts
 * import { ignoreAfter } from 'rxrpcx';
 * const operator = ignoreAfter({ seconds: 2, timeoutResult: 'too late' });
 * ```
 */
export interface IgnoreAfterConfig<R> extends TimeoutOptions {
  /** Seconds from subscription until the source is dropped; `Infinity` never. */
  readonly seconds: number;
  /** Emitted on expiry, just before completing; nothing is emitted if undefined. */
  readonly timeoutResult?: R;
}

/**
 * Drops the source `seconds` after subscription and completes quietly —
 * aiorpcX's `ignore_after`.
 *
 * On expiry the source is unsubscribed, `timeoutResult` is emitted (if it is
 * not `undefined`) and the output completes; no error. Values the source
 * emitted before pass through, so for a task whose result is its last value,
 * give a `timeoutResult` to tell expiry apart. It never swallows a
 * {@link TaskTimeout} raised by another operator: that becomes an
 * {@link UncaughtTimeoutError}, as in the reference.
 *
 * ## Example
 * ```ts
 * import { NEVER } from 'rxjs';
 * import { ignoreAfter } from 'rxrpcx';
 *
 * NEVER.pipe(ignoreAfter(1, 'gave up')).subscribe((v) => console.log(v)); // 'gave up', after 1 second
 * ```
 * @param seconds - seconds from subscription; or an {@link IgnoreAfterConfig}.
 * @param timeoutResult - emitted on expiry (the reference's `timeout_result`).
 * @param options - the scheduler (default `asyncScheduler`).
 * @returns an operator that mirrors the source until the timeout.
 */
export function ignoreAfter<T, R = never>(seconds: number, timeoutResult?: R, options?: TimeoutOptions): OperatorFunction<T, T | R>;
export function ignoreAfter<T, R = never>(config: IgnoreAfterConfig<R>): OperatorFunction<T, T | R>;
export function ignoreAfter<T, R = never>(
  secondsOrConfig: number | IgnoreAfterConfig<R>,
  timeoutResult?: R,
  options: TimeoutOptions = {},
): OperatorFunction<T, T | R> {
  const config: IgnoreAfterConfig<R> =
    typeof secondsOrConfig === 'number' ? { ...options, seconds: secondsOrConfig, timeoutResult } : secondsOrConfig;
  const { seconds, scheduler = asyncScheduler } = config;
  return timeoutOperator<T, R>(
    { scheduler, deadline: (now) => ({ deadlineMs: now + secondsToMs(seconds), seconds }) },
    { kind: 'ignore', emit: config.timeoutResult !== undefined, timeoutResult: config.timeoutResult },
  );
}
