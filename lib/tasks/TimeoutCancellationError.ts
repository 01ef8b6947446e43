import { TaskCancelledError } from './TaskCancelledError.js';

/**
 * The exception of a {@link Task} that was cancelled because a timeout
 * enclosing it expired.
 *
 * In aiorpcX, when an outer `timeout_after` expires while an inner one is
 * still running, the inner block sees `TimeoutCancellationError` — so it does
 * not mistake the outer's expiry for its own — and the outer turns it into
 * `TaskTimeout`. In rxrpcx the outer timeout operator unsubscribes everything
 * it encloses, and unsubscription delivers no error: inner operators simply
 * stop, and the outer's own {@link TaskTimeout} is what surfaces downstream.
 * What remains of the reference's error is this: a Task handle (from a
 * {@link TaskGroup}, {@link runTaskGroup} or `Task.spawn`) living under the
 * expired timeout records a `TimeoutCancellationError` as its exception, so
 * code inspecting the group can tell "cut by a timeout" from "cancelled".
 * It is a {@link TaskCancelledError} (`task.cancelled` is true).
 *
 * ## Example
 * ```ts
 * import { NEVER, Observable } from 'rxjs';
 * import { TaskGroup, timeoutAfter, TimeoutCancellationError } from 'rxrpcx';
 *
 * let group!: TaskGroup;
 * new Observable<never>((subscriber) => {
 *   group = new TaskGroup([NEVER], { parent: subscriber });
 * })
 *   .pipe(timeoutAfter(1))
 *   .subscribe({
 *     error: () => {
 *       const [task] = group.tasks;
 *       console.log(task!.exception instanceof TimeoutCancellationError); // true
 *     },
 *   });
 * ```
 */
export class TimeoutCancellationError extends TaskCancelledError {
  /** Always `'TimeoutCancellationError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'TimeoutCancellationError' as const;
  override readonly code = 'RXRPCX_ERR_TIMEOUT_CANCELLATION' as const;

  /**
   * @param seconds - the length, in seconds, of the timeout that expired.
   */
  constructor(readonly seconds: number) {
    super(`task cancelled by a timeout after ${seconds}s`);
  }
}
