/**
 * The exception of a {@link Task} that was cancelled — unsubscribed — before
 * it finished.
 *
 * In rxrpcx cancelling is unsubscribing, and an unsubscribed Observable never
 * hears about it: nothing is thrown into the cancelled work. This error only
 * exists on the Task handle, so that `task.result` has something to throw and
 * `task.exception` something to report, as asyncio's `CancelledError` does
 * for a cancelled task. {@link TimeoutCancellationError} is the variant for a
 * task cancelled because an enclosing timeout expired. An outgoing request
 * abandoned through the `signal` of its options fails with it too (message
 * `'request was cancelled'`, `cause` the signal's reason), since a Promise
 * cannot be unsubscribed.
 *
 * ## Example
 * ```ts
 * import { NEVER } from 'rxjs';
 * import { Task, TaskCancelledError } from 'rxrpcx';
 *
 * const task = Task.spawn(NEVER);
 * task.cancel();
 * console.log(task.cancelled, task.exception instanceof TaskCancelledError); // true true
 * ```
 */
export class TaskCancelledError extends Error {
  /** `'TaskCancelledError'`, or `'TimeoutCancellationError'` for the subclass: a string that survives minification, unlike the class's own name. */
  override readonly name: 'TaskCancelledError' | 'TimeoutCancellationError' = 'TaskCancelledError';
  /** Stable code: `'RXRPCX_ERR_TASK_CANCELLED'` (`'RXRPCX_ERR_TIMEOUT_CANCELLATION'` for the timeout variant). */
  readonly code: 'RXRPCX_ERR_TASK_CANCELLED' | 'RXRPCX_ERR_TIMEOUT_CANCELLATION' = 'RXRPCX_ERR_TASK_CANCELLED';

  /**
   * @param message - defaults to `'task was cancelled'`.
   * @param options - `cause`: why (for a request aborted by its signal, the signal's reason)
   */
  constructor(message = 'task was cancelled', options?: { readonly cause?: unknown }) {
    super(message, options);
  }
}
