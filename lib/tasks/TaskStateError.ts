/**
 * Why a {@link TaskStateError} was raised.
 *
 * - `'not-done'`: a task's result or exception was read before it finished;
 * - `'not-joined'`: a group's result(s) or exception(s) were read before `join()` finished;
 * - `'none-completed'`: a joined group's `result` was read but no task completed;
 * - `'terminated'`: a task was added to a group that is joined or unsubscribed;
 * - `'already-grouped'`: a task was added to a second group;
 * - `'not-retained'`: a group's `results`/`exceptions` were read without `{ retain: true }`.
 *
 * ## Example
 * ```ts
 * import type { TaskStateReason } from 'rxrpcx';
 * const reason: TaskStateReason = 'not-joined';
 * ```
 */
export type TaskStateReason =
  | 'not-done'
  | 'not-joined'
  | 'none-completed'
  | 'terminated'
  | 'already-grouped'
  | 'not-retained';

const messages: Record<TaskStateReason, string> = {
  'not-done': 'task is not done',
  'not-joined': 'task group not yet terminated',
  'none-completed': 'no task successfully completed',
  terminated: 'task group terminated',
  'already-grouped': 'task is already part of a group',
  'not-retained': 'task results were not retained: create the TaskGroup with { retain: true }',
};

/**
 * A {@link Task} or {@link TaskGroup} was used in a state that does not
 * allow it — the reference's `RuntimeError`s and asyncio's
 * `InvalidStateError`, with the same messages where the reference has one.
 *
 * ## Example
 * ```ts
 * import { TaskGroup, TaskStateError } from 'rxrpcx';
 *
 * const group = new TaskGroup();
 * try {
 *   group.result;
 * } catch (e) {
 *   if (e instanceof TaskStateError) console.log(e.reason, e.message); // not-joined task group not yet terminated
 * }
 * ```
 */
export class TaskStateError extends Error {
  /** Always `'TaskStateError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'TaskStateError' as const;
  /** Stable code: `'RXRPCX_ERR_TASK_STATE'`. */
  readonly code = 'RXRPCX_ERR_TASK_STATE' as const;

  /**
   * @param reason - which rule was broken; it picks the message.
   */
  constructor(readonly reason: TaskStateReason) {
    super(messages[reason]);
  }
}
