import type { OperatorFunction } from 'rxjs';
import type { Task, TaskWork } from './Task.js';
import { runTaskGroup } from './runTaskGroup.js';
import type { RunTaskGroupOptions } from './runTaskGroup.js';

/**
 * {@link runTaskGroup} as an operator: turns a stream of works into the
 * stream of their finished tasks, under one group per subscription.
 *
 * ## Example
 * ```ts
 * import { Subject, map } from 'rxjs';
 * import { joinTasks } from 'rxrpcx';
 *
 * const requests = new Subject<number>();
 * requests
 *   .pipe(
 *     map((n) => async () => n * 2),
 *     joinTasks<number>(),
 *   )
 *   .subscribe((task) => console.log(task.result));
 * requests.next(21); // 42
 * ```
 * @param options - wait policy and scheduler.
 * @returns an operator from works to finished tasks.
 */
export function joinTasks<T>(options: RunTaskGroupOptions = {}): OperatorFunction<TaskWork<T>, Task<T>> {
  return (works) => runTaskGroup(works, options);
}
