import { Subscription } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { NoRemainingTasksError } from './NoRemainingTasksError.js';
import { Task } from './Task.js';
import type { TaskWork } from './Task.js';
import { TaskStateError } from './TaskStateError.js';
import { assertWaitPolicy, Fifo, JoinPolicy, taskControl } from './tasksInternals.js';
import type { Callback } from './tasksInternals.js';

/**
 * When a group's `join()` is over (the reference's `wait=all / any / object / None`):
 *
 * - `'all'`: when every task is done, or one failed or was cancelled;
 * - `'any'`: when the first task is done, however it ended;
 * - `'object'`: when the first task returns something other than
 *   `undefined`/`null` (Python's `None`), or fails, or is cancelled;
 * - `'none'`: at once.
 *
 * Whatever ends it, `join()` then cancels every task still running, daemons
 * included.
 *
 * ## Example
 * ```ts
 * import { TaskGroup, type WaitPolicy } from 'rxrpcx';
 * const wait: WaitPolicy = 'any';
 * const group = new TaskGroup([], { wait });
 * ```
 */
export type WaitPolicy = 'all' | 'any' | 'object' | 'none';

/**
 * Options of a {@link TaskGroup}.
 *
 * ## Example
 * ```ts
 * import { Subscription } from 'rxjs';
 * import { TaskGroup } from 'rxrpcx';
 *
 * const session = new Subscription();
 * const group = new TaskGroup([], { wait: 'all', retain: false, parent: session });
 * ```
 */
export interface TaskGroupOptions {
  /**
   * When `join()` is over; see {@link WaitPolicy}.
   * @default 'all'
   */
  readonly wait?: WaitPolicy;
  /**
   * When given, spawned tasks start on this scheduler rather than
   * synchronously inside `spawn()`.
   * @default undefined
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Keep finished tasks after `nextDone()`, iteration or `join()` has taken
   * them, so that `tasks`, `results` and `exceptions` cover every task the
   * group ran. Off by default: a long-lived group holds only running tasks
   * and finished ones nobody has taken yet.
   * @default false
   */
  readonly retain?: boolean;
  /**
   * An owner: when it is unsubscribed the group is too, and with it every
   * task. Pass the `subscriber` of the Observable you create the group in, or
   * another group, to build a tree. The group leaves its parent when it is
   * joined.
   * @default undefined
   */
  readonly parent?:
    | Subscription
    | {
        /** The owner's subscription: a {@link TaskGroup}'s, or any object that exposes one. */
        readonly subscription: Subscription;
      };
}

type Consumer<T> = Callback<Task<T> | null>;

/**
 * A group of tasks that finishes together: aiorpcX's (and curio's)
 * `TaskGroup`, where a group is a subtree of subscriptions.
 *
 * Spawn tasks into it, take them as they finish (`nextDone`, `nextResult`,
 * `for await`), and `join()` it: join waits according to the
 * {@link WaitPolicy} and then cancels every task still running, daemons
 * included. As in aiorpcX 0.22.1, join never rejects because a task failed:
 * read `completed`, `result` and `exception` (the first finished task's)
 * afterwards, or `results` and `exceptions` with `{ retain: true }`.
 *
 * The group owns `subscription`: unsubscribing it (or the group's `parent`)
 * cancels every task, daemons included, and groups created under a task's
 * subscriber are cancelled with that task — a tree. Finished tasks leave the
 * group once taken (by `nextDone`, iteration or `join`), and finished daemons
 * at once, so a long-lived group does not grow with the number of tasks it has
 * run — as long as someone takes them: spawn fire-and-forget work as daemons,
 * or drain the group with `for await`, as aiorpcX's sessions do.
 *
 * The group works synchronously underneath — a task's completion is handled,
 * and a join's cancellations happen, in the same call that finished the task —
 * so it behaves exactly under a virtual-time scheduler; only the Promises
 * (`join`, `nextDone`) settle a microtask later.
 *
 * ## Example
 * ```ts
 * import { timer, map } from 'rxjs';
 * import { TaskGroup } from 'rxrpcx';
 *
 * const group = new TaskGroup<string>([], { wait: 'any' });
 * group.spawn(timer(100).pipe(map(() => 'fast')));
 * group.spawn(timer(5000).pipe(map(() => 'slow')));
 * await group.join(); // after 100 ms; the slow task is cancelled
 * console.log(group.result); // 'fast'
 * ```
 */
export class TaskGroup<T = unknown> implements AsyncIterable<Task<T>> {
  /** The group's subscription: unsubscribe it to cancel every task. */
  readonly subscription = new Subscription();
  /** The join policy. */
  readonly wait: WaitPolicy;
  /** Whether finished tasks are kept after being taken. */
  readonly retain: boolean;

  readonly #scheduler: SchedulerLike | undefined;
  /** Non-daemon members: running, finished-untaken, and (retain) taken. */
  readonly #tasks = new Set<Task<T>>();
  readonly #pending = new Set<Task<T>>();
  readonly #daemons = new Set<Task<T>>();
  /** Finished non-daemon tasks nobody has taken yet. */
  readonly #done = new Fifo<Task<T>>();
  /** Who waits for the next finished task; non-empty only while #done is empty. */
  readonly #consumers = new Fifo<Consumer<T>>();
  /** One listener for every task (a closure per task would cost 100,000 closures). */
  readonly #onFinished: Callback<Task<T>> = (task) => this.#finished(task);
  #completed: Task<T> | null = null;
  #joining: Promise<void> | null = null;
  #finishing = false;
  #joined = false;

  /**
   * @param tasks - tasks to adopt (`Task` handles) or work to spawn.
   * @param options - wait policy, scheduler, retain, parent.
   */
  constructor(tasks: Iterable<Task<T> | TaskWork<T>> = [], options: TaskGroupOptions = {}) {
    const wait = options.wait ?? 'all';
    assertWaitPolicy(wait);
    this.wait = wait;
    this.retain = options.retain ?? false;
    this.#scheduler = options.scheduler;
    // One finalizer for all tasks, rather than one child subscription per
    // task: RxJS removes a child in O(children), and a group may hold 100,000.
    this.subscription.add(() => this.#cancel([...this.#pending, ...this.#daemons]));
    const { parent } = options;
    if (parent) ('add' in parent ? parent : parent.subscription).add(this.subscription);
    for (const task of tasks) {
      if (task instanceof Task) this.addTask(task);
      else this.spawn(task);
    }
  }

  /** The first task that finished, as join saw it; `null` before. */
  get completed(): Task<T> | null {
    return this.#completed;
  }

  /** True once `join()` has finished. */
  get joined(): boolean {
    return this.#joined;
  }

  /** True once the group's subscription is unsubscribed (joined or cancelled). */
  get closed(): boolean {
    return this.subscription.closed;
  }

  /** Non-daemon tasks the group holds: running, finished but not yet taken, and — with `retain` — taken. */
  get tasks(): ReadonlySet<Task<T>> {
    return this.#tasks;
  }

  /** Daemon tasks still running. */
  get daemons(): ReadonlySet<Task<T>> {
    return this.#daemons;
  }

  /** How many tasks, daemons included, the group holds. */
  get size(): number {
    return this.#tasks.size + this.#daemons.size;
  }

  /**
   * Starts `work` as a task of this group.
   * @param work - an Observable, Promise or function returning one.
   * @param options - `daemon: true` for a task join ignores and cancels.
   * @returns the task's handle.
   * @throws {@link TaskStateError} (`'terminated'`) once the group is joined or unsubscribed.
   */
  spawn<U extends T>(work: TaskWork<U>, options: { readonly daemon?: boolean } = {}): Task<U> {
    this.#assertOpen();
    const task = Task.spawn(work, { daemon: options.daemon ?? false, scheduler: this.#scheduler });
    this.#adopt(task);
    return task;
  }

  /**
   * Adds an existing task (from `Task.spawn`) to the group.
   * @param task - a task in no other group; it may already be finished.
   * @throws {@link TaskStateError} (`'already-grouped'` or `'terminated'`).
   */
  addTask(task: Task<T>): void {
    if (taskControl(task).grouped) throw new TaskStateError('already-grouped');
    this.#assertOpen();
    this.#adopt(task);
  }

  /**
   * Takes the next finished non-daemon task out of the group.
   * @returns the task, or `null` once no task is running or waiting to be taken.
   */
  nextDone(): Promise<Task<T> | null> {
    return new Promise((resolve) => this.#request(resolve));
  }

  /**
   * Takes the next finished task and returns its result.
   * @returns its result; rejects with its exception if it failed or was
   *   cancelled, or with {@link NoRemainingTasksError} if none remain.
   */
  async nextResult(): Promise<T | undefined> {
    const task = await this.nextDone();
    if (task === null) throw new NoRemainingTasksError();
    return task.result;
  }

  /**
   * Waits as the wait policy says, then cancels every task still running,
   * daemons included, and closes the group. Tasks may be spawned while join
   * waits. Calling it again returns the same Promise.
   * @returns a Promise that resolves when the group is joined; it does not
   *   reject when tasks fail (see `exception`).
   */
  join(): Promise<void> {
    this.#joining ??= new Promise<void>((resolve) => {
      const finish = (): void => {
        this.#finishing = true;
        this.#cancel([...this.#pending, ...this.#daemons]);
        this.#joined = true;
        this.subscription.unsubscribe();
        resolve();
      };
      if (this.wait === 'none') return finish();
      const policy = new JoinPolicy<T>(this.wait);
      const consume = (first: Task<T> | null): void => {
        for (let task = first; task !== null; task = this.#take()) {
          const over = policy.offer(task);
          this.#completed = policy.completed;
          if (over) return finish();
          if (this.#done.length === 0) {
            if (this.#pending.size === 0) break;
            this.#consumers.push(consume);
            return;
          }
        }
        finish();
      };
      this.#request(consume);
    });
    return this.#joining;
  }

  /** Cancels every running non-daemon task (daemons keep running). */
  cancelRemaining(): void {
    this.#cancel([...this.#pending]);
  }

  /** Unsubscribes the group: cancels every task, daemons included. */
  unsubscribe(): void {
    this.subscription.unsubscribe();
  }

  /**
   * The result of the `completed` task.
   * @throws {@link TaskStateError} before join (`'not-joined'`) or when no
   *   task completed (`'none-completed'`); the completed task's exception if it failed.
   */
  get result(): T | undefined {
    this.#assertJoined();
    if (this.#completed === null) throw new TaskStateError('none-completed');
    return this.#completed.result;
  }

  /** The exception of the `completed` task, or `undefined`. @throws {@link TaskStateError} before join. */
  get exception(): unknown {
    this.#assertJoined();
    return this.#completed === null ? undefined : this.#completed.exception;
  }

  /**
   * The results of all tasks, in the order they were added.
   * @throws {@link TaskStateError} before join or without `retain`; the
   *   first failed or cancelled task's exception.
   */
  get results(): Array<T | undefined> {
    this.#assertJoined();
    this.#assertRetained();
    return [...this.#tasks].map((task) => task.result);
  }

  /** The exceptions of all tasks (`undefined` for a success). @throws {@link TaskStateError} before join or without `retain`. */
  get exceptions(): unknown[] {
    this.#assertJoined();
    this.#assertRetained();
    return [...this.#tasks].map((task) => task.exception);
  }

  /** `for await (const task of group)`: `nextDone()` until it returns null. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Task<T>, void, undefined> {
    for (let task = await this.nextDone(); task !== null; task = await this.nextDone()) yield task;
  }

  #assertOpen(): void {
    if (this.#joined || this.#finishing || this.subscription.closed) throw new TaskStateError('terminated');
  }

  #assertJoined(): void {
    if (!this.#joined) throw new TaskStateError('not-joined');
  }

  #assertRetained(): void {
    if (!this.retain) throw new TaskStateError('not-retained');
  }

  #adopt(task: Task<T>): void {
    const control = taskControl(task);
    control.grouped = true;
    if (!task.daemon) this.#tasks.add(task);
    if (task.done) return this.#finished(task);
    (task.daemon ? this.#daemons : this.#pending).add(task);
    control.listen(this.#onFinished);
    // Work that unsubscribed the group while it was being spawned.
    if (this.subscription.closed) control.cancel();
  }

  #cancel(tasks: ReadonlyArray<Task<T>>): void {
    for (const task of tasks) taskControl(task).cancel();
  }

  #finished(task: Task<T>): void {
    if (task.daemon) {
      this.#daemons.delete(task);
      return;
    }
    this.#pending.delete(task);
    const consumer = this.#consumers.shift();
    if (consumer) consumer(this.#taken(task));
    else this.#done.push(task);
    // Nothing left to wait for: whoever still waits hears "none remain".
    while (this.#pending.size === 0 && this.#done.length === 0 && this.#consumers.length > 0) {
      this.#consumers.shift()!(null);
    }
  }

  #request(consumer: Consumer<T>): void {
    const task = this.#take();
    if (task !== null) consumer(task);
    else if (this.#pending.size > 0) this.#consumers.push(consumer);
    else consumer(null);
  }

  #take(): Task<T> | null {
    const task = this.#done.shift();
    return task === undefined ? null : this.#taken(task);
  }

  #taken(task: Task<T>): Task<T> {
    if (!this.retain) this.#tasks.delete(task);
    return task;
  }
}
