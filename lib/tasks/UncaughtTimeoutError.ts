import type { TaskTimeout } from './TaskTimeout.js';

/**
 * What an enclosing timeout operator raises when a {@link TaskTimeout} that
 * is not its own reaches it uncaught.
 *
 * In aiorpcX, when an inner `timeout_after` expires and its `TaskTimeout`
 * escapes into an outer timeout block, the outer raises
 * `UncaughtTimeoutError('uncaught timeout received')` instead of letting the
 * inner's timeout pass as if it were the outer's. rxrpcx keeps that rule: a
 * {@link timeoutAfter}, {@link timeoutAt}, {@link ignoreAfter} or
 * {@link ignoreAt} operator whose source errors with a `TaskTimeout` it did
 * not raise errors with an `UncaughtTimeoutError` whose `cause` is that
 * `TaskTimeout`. In particular an `ignoreAfter` never swallows another
 * operator's timeout, and a session's processing timeout never reports a
 * handler's own timeout as "request timed out". Catch the inner
 * `TaskTimeout` (`catchError`) where you mean to handle it.
 *
 * ## Example
 * ```ts
 * import { NEVER } from 'rxjs';
 * import { timeoutAfter, UncaughtTimeoutError } from 'rxrpcx';
 *
 * NEVER.pipe(timeoutAfter(1), timeoutAfter(5)).subscribe({
 *   error: (e) => console.log(e instanceof UncaughtTimeoutError), // true, after 1 second
 * });
 * ```
 */
export class UncaughtTimeoutError extends Error {
  /** Always `'UncaughtTimeoutError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'UncaughtTimeoutError' as const;
  /** Stable code: `'RXRPCX_ERR_UNCAUGHT_TIMEOUT'`. */
  readonly code = 'RXRPCX_ERR_UNCAUGHT_TIMEOUT' as const;
  /** The inner operator's {@link TaskTimeout} that escaped; catch that one where it is meant to be handled. */
  declare readonly cause: TaskTimeout;

  /**
   * @param timeout - the inner operator's `TaskTimeout`, kept as `cause`.
   */
  constructor(timeout: TaskTimeout) {
    super('uncaught timeout received', { cause: timeout });
  }
}
