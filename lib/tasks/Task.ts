import { from, Observable, Subscription } from 'rxjs';
import type { ObservableInput, Observer, SchedulerLike } from 'rxjs';
import { TaskCancelledError } from './TaskCancelledError.js';
import { TaskStateError } from './TaskStateError.js';
import { currentCancellationCause, taskControlKey } from './tasksInternals.js';
import type { TaskControl } from './tasksInternals.js';

/**
 * Work a {@link Task} can run: an Observable (or any `ObservableInput`, such
 * as a Promise), whose last value is the task's result, or a function
 * returning one, called when the task starts.
 *
 * Prefer an Observable or a function: a Promise is already running, so
 * cancelling its task only stops listening to it.
 *
 * ## Example
 * ```ts
 * import { timer, map } from 'rxjs';
 * import type { TaskWork } from 'rxrpcx';
 *
 * const cold: TaskWork<number> = timer(100).pipe(map(() => 42));
 * const lazy: TaskWork<string> = async () => 'fetched';
 * ```
 */
export type TaskWork<T> = ObservableInput<T> | (() => ObservableInput<T>);

/**
 * Where a {@link Task} is in its life: running, or finished one of three ways.
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { Task } from 'rxrpcx';
 * console.log(Task.spawn(of(1)).state); // 'succeeded'
 * ```
 */
export type TaskState = 'running' | 'succeeded' | 'failed' | 'cancelled';

/**
 * Options of {@link Task.spawn}.
 *
 * ## Example
 * ```ts
 * import { Subscription, NEVER } from 'rxjs';
 * import { Task } from 'rxrpcx';
 *
 * const owner = new Subscription();
 * Task.spawn(NEVER, { parent: owner, daemon: true });
 * owner.unsubscribe(); // cancels the task
 * ```
 */
export interface TaskSpawnOptions {
  /**
   * A daemon task is ignored by its group's `join()` and cancelled by it.
   * @default false
   */
  readonly daemon?: boolean;
  /**
   * A subscription that owns the task: unsubscribing it cancels the task.
   * The task leaves it when it finishes.
   * @default undefined
   */
  readonly parent?: Subscription;
  /**
   * When given, the task starts on this scheduler (as asyncio starts a new
   * task on the loop's next turn) instead of synchronously inside `spawn`.
   * @default undefined
   */
  readonly scheduler?: SchedulerLike;
}

/**
 * A handle on running work: its state, its result or exception, and a way to
 * cancel it — asyncio's Task, built on one subscription.
 *
 * A task subscribes to its work when spawned. Its result is the last value
 * the work emitted (`undefined` if none) once the work completes; if the work
 * errors, reading `result` throws that error and `exception` returns it.
 * Cancelling is unsubscribing: `cancel()`, or unsubscribing any subscription
 * that owns the task (its group, a `parent`), stops the work and leaves the
 * task `cancelled`, with a {@link TaskCancelledError} — or, when an enclosing
 * timeout cut it, a {@link TimeoutCancellationError} — as its exception.
 *
 * ## Example
 * ```ts
 * import { timer, map } from 'rxjs';
 * import { Task } from 'rxrpcx';
 *
 * const task = Task.spawn(timer(10).pipe(map(() => 'done')));
 * console.log(task.done); // false
 * console.log(await task.wait()); // 'done'
 * ```
 */
export class Task<T = unknown> {
  /** True for a daemon task: ignored and cancelled by its group's `join()`. */
  readonly daemon: boolean;

  #state: TaskState = 'running';
  #value: T | undefined = undefined;
  #exception: unknown = undefined;
  /** Allocated on first use: most tasks have one listener (their group). */
  #listeners: Array<(task: Task<unknown>) => void> | undefined = undefined;
  #grouped = false;
  /** The work's subscription, or its scheduled start. */
  #work: Subscription | undefined = undefined;
  /** Linked into parents; its one finalizer stops the work, then settles a cancellation. */
  readonly #subscription = new Subscription();

  private constructor(daemon: boolean) {
    this.daemon = daemon;
    this.#subscription.add(() => {
      const work = this.#work;
      this.#work = undefined;
      work?.unsubscribe();
      if (this.#state === 'running') this.#settle('cancelled', currentCancellationCause() ?? new TaskCancelledError());
    });
  }

  /** @internal The group-facing side of the task (see tasksInternals). */
  get [taskControlKey](): TaskControl {
    const task = this;
    return {
      cancel: () => task.#subscription.unsubscribe(),
      // The caller names the task type it listens with (its own Task<T>).
      listen: <X>(listener: (task: X) => void) => task.#listen(listener as (task: Task<unknown>) => void),
      get grouped() {
        return task.#grouped;
      },
      set grouped(grouped: boolean) {
        task.#grouped = grouped;
      },
    };
  }

  /**
   * Starts `work` as a task and returns its handle.
   *
   * ## Example
   * ```ts
   * import { interval, take } from 'rxjs';
   * import { Task } from 'rxrpcx';
   *
   * const task = Task.spawn(interval(10).pipe(take(3)));
   * console.log(await task.wait()); // 2
   * ```
   * @param work - an Observable, Promise or function returning one.
   * @param options - daemon flag, owning subscription, start scheduler.
   * @returns the running (or, for synchronous work, already finished) task.
   */
  static spawn<T>(work: TaskWork<T>, options: TaskSpawnOptions = {}): Task<T> {
    const task = new Task<T>(options.daemon ?? false);
    options.parent?.add(task.#subscription);
    if (task.#subscription.closed) return task;
    const start = (): void => {
      let source: Observable<T>;
      try {
        source = from(typeof work === 'function' ? work() : work);
      } catch (error) {
        task.#settle('failed', error);
        return;
      }
      task.#keep(source.subscribe(new Task.#Observer(task)));
    };
    if (options.scheduler) task.#keep(options.scheduler.schedule(start));
    else start();
    return task;
  }

  /** Holds the work's subscription, unless the task finished meanwhile. */
  #keep(work: Subscription): void {
    if (this.#subscription.closed) work.unsubscribe();
    else this.#work = work;
  }

  /** Receives the work's notifications: one object per task, not three closures. */
  static readonly #Observer = class TaskObserver<V> implements Observer<V> {
    constructor(private readonly task: Task<V>) {}
    next(value: V): void {
      this.task.#value = value;
    }
    error(error: unknown): void {
      this.task.#settle('failed', error);
    }
    complete(): void {
      this.task.#settle('succeeded', undefined);
    }
  };

  /** Where the task is in its life. */
  get state(): TaskState {
    return this.#state;
  }

  /** True once the task succeeded, failed or was cancelled. */
  get done(): boolean {
    return this.#state !== 'running';
  }

  /** True if the task was cancelled (unsubscribed) before it finished. */
  get cancelled(): boolean {
    return this.#state === 'cancelled';
  }

  /**
   * The last value the work emitted (`undefined` if none).
   * @throws the task's exception if it failed or was cancelled;
   *   {@link TaskStateError} (`'not-done'`) while it runs.
   */
  get result(): T | undefined {
    if (this.#state === 'succeeded') return this.#value;
    if (this.#state === 'running') throw new TaskStateError('not-done');
    throw this.#exception;
  }

  /**
   * The error the task failed with, its cancellation error if it was
   * cancelled, `undefined` if it succeeded.
   * @throws {@link TaskStateError} (`'not-done'`) while it runs.
   */
  get exception(): unknown {
    if (this.#state === 'running') throw new TaskStateError('not-done');
    return this.#exception;
  }

  /**
   * Emits this task once, when it is done (at once if it already is), then
   * completes. Never errors.
   */
  get done$(): Observable<Task<T>> {
    return new Observable<Task<T>>((subscriber) => {
      const emit = (): void => {
        subscriber.next(this);
        subscriber.complete();
      };
      if (this.done) emit();
      else return this.#listen(emit);
      return undefined;
    });
  }

  /**
   * Cancels the task: unsubscribes its work. Does nothing to a finished task.
   * @returns true if the task was running.
   */
  cancel(): boolean {
    if (this.done) return false;
    this.#settle('cancelled', new TaskCancelledError());
    return true;
  }

  /**
   * Waits for the task, like `await task` in asyncio.
   * @returns a Promise of the result, rejected with the task's exception.
   */
  wait(): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      const settle = (): void => (this.#state === 'succeeded' ? resolve(this.#value) : reject(this.#exception));
      if (this.done) settle();
      else this.#listen(settle);
    });
  }

  #listen(listener: (task: Task<unknown>) => void): () => void {
    if (this.done) return () => undefined;
    const listeners = (this.#listeners ??= []);
    listeners.push(listener);
    return () => {
      const at = listeners.indexOf(listener);
      if (at >= 0) listeners.splice(at, 1);
    };
  }

  #settle(state: Exclude<TaskState, 'running'>, exception: unknown): void {
    if (this.#state !== 'running') return;
    this.#state = state;
    this.#exception = exception;
    if (state !== 'succeeded') this.#value = undefined;
    // Release the work (and leave every parent) before anyone hears of it.
    this.#subscription.unsubscribe();
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) for (const listener of listeners) listener(this);
  }
}
