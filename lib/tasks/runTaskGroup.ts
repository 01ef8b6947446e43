import { from, Observable } from 'rxjs';
import type { ObservableInput, SchedulerLike } from 'rxjs';
import { Task } from './Task.js';
import type { TaskWork } from './Task.js';
import type { WaitPolicy } from './TaskGroup.js';
import { assertWaitPolicy, JoinPolicy, taskControl } from './tasksInternals.js';

/**
 * Options of {@link runTaskGroup} and {@link joinTasks}.
 *
 * ## Example
 * ```ts
 * import type { RunTaskGroupOptions } from 'rxrpcx';
 * const options: RunTaskGroupOptions = { wait: 'object' };
 * ```
 */
export interface RunTaskGroupOptions {
  /**
   * When the group is over; see {@link WaitPolicy}.
   * @default 'all'
   */
  readonly wait?: WaitPolicy;
  /**
   * When given, tasks start on this scheduler rather than synchronously.
   * @default undefined
   */
  readonly scheduler?: SchedulerLike;
}

/**
 * A task group as an Observable: spawns each work as it arrives and emits
 * each task as it finishes, completing when the wait policy is met.
 *
 * Subscribing creates the group; the works may be an array or an Observable
 * of works arriving over time. Every finished task is emitted (failed and
 * cancelled ones too — read `task.result` to rethrow), in the order they
 * finish, exactly as `join()` takes them; then the output completes when the
 * policy is met — `'all'`: once the works are exhausted and every task is
 * done, or a task failed or was cancelled; `'any'`: after the first;
 * `'object'`: after the first with a non-`undefined`/`null` result or a
 * failure; `'none'`: at once. Completing, erroring (if the works error) or
 * unsubscribing cancels every task still running. Nothing is kept: the
 * group lives exactly as long as the subscription.
 *
 * ## Example
 * ```ts
 * import { timer, map } from 'rxjs';
 * import { runTaskGroup, timeoutAfter } from 'rxrpcx';
 *
 * runTaskGroup([timer(300).pipe(map(() => 'a')), timer(100).pipe(map(() => 'b'))], { wait: 'any' })
 *   .pipe(timeoutAfter(1))
 *   .subscribe((task) => console.log(task.result)); // 'b'; the other task is cancelled
 * ```
 * @param works - the work to spawn: an array, or an Observable of works.
 * @param options - wait policy and scheduler.
 * @returns an Observable of finished tasks.
 */
export function runTaskGroup<T>(
  works: ObservableInput<TaskWork<T>>,
  options: RunTaskGroupOptions = {},
): Observable<Task<T>> {
  return new Observable<Task<T>>((subscriber) => {
    const wait = options.wait ?? 'all';
    assertWaitPolicy(wait);
    if (wait === 'none') {
      subscriber.complete();
      return;
    }
    const policy = new JoinPolicy<T>(wait);
    const pending = new Set<Task<T>>();
    let exhausted = false;
    // One finalizer for all tasks (see TaskGroup): completing, erroring or
    // unsubscribing cancels whatever still runs.
    subscriber.add(() => {
      for (const task of [...pending]) taskControl(task).cancel();
    });
    const finished = (task: Task<T>): void => {
      pending.delete(task);
      if (subscriber.closed) return;
      subscriber.next(task);
      if (policy.offer(task) || (exhausted && pending.size === 0)) subscriber.complete();
    };
    subscriber.add(
      from(works).subscribe({
        next: (work) => {
          if (subscriber.closed) return;
          const task = Task.spawn(work, { scheduler: options.scheduler });
          if (task.done) return finished(task);
          pending.add(task);
          taskControl(task).listen(finished);
          if (subscriber.closed) taskControl(task).cancel();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          exhausted = true;
          if (pending.size === 0) subscriber.complete();
        },
      }),
    );
  });
}
