/**
 * Raised by {@link TaskGroup.nextResult} when the group has no task left to
 * wait for.
 *
 * ## Example
 * ```ts
 * import { TaskGroup, NoRemainingTasksError } from 'rxrpcx';
 *
 * const group = new TaskGroup();
 * await group.nextResult().catch((e) => console.log(e instanceof NoRemainingTasksError)); // true
 * ```
 */
export class NoRemainingTasksError extends Error {
  /** Always `'NoRemainingTasksError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'NoRemainingTasksError' as const;
  /** Stable code: `'RXRPCX_ERR_NO_REMAINING_TASKS'`. */
  readonly code = 'RXRPCX_ERR_NO_REMAINING_TASKS' as const;

  /**
   * @param message - defaults to the reference's `'no tasks remain'`.
   */
  constructor(message = 'no tasks remain') {
    super(message);
  }
}
