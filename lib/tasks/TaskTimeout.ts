/**
 * The error a {@link timeoutAfter} or {@link timeoutAt} operator raises when
 * its time runs out.
 *
 * Unlike the reference, where `TaskTimeout` is a `CancelledError`, this is an
 * ordinary error: the operator unsubscribes its source (that is the
 * cancellation) and then errors downstream with a `TaskTimeout`, which you
 * catch like any other error. Each `TaskTimeout` remembers which operator
 * subscription raised it, so an enclosing timeout operator never mistakes it
 * for its own expiry (see {@link UncaughtTimeoutError}).
 *
 * ## Example
 * ```ts
 * import { NEVER } from 'rxjs';
 * import { timeoutAfter, TaskTimeout } from 'rxrpcx';
 *
 * NEVER.pipe(timeoutAfter(0.5)).subscribe({
 *   error: (e) => e instanceof TaskTimeout && console.log(e.message, e.seconds), // task timed out after 0.5s 0.5
 * });
 * ```
 */
export class TaskTimeout extends Error {
  /** Always `'TaskTimeout'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'TaskTimeout' as const;
  /** Stable code: `'RXRPCX_ERR_TASK_TIMEOUT'`. */
  readonly code = 'RXRPCX_ERR_TASK_TIMEOUT' as const;

  /**
   * @param seconds - the timeout's length in seconds; for `timeoutAt`, the
   *   time that was left when the operator was subscribed.
   */
  constructor(readonly seconds: number) {
    super(`task timed out after ${seconds}s`);
  }
}
