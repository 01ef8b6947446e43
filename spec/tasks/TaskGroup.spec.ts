import fc from 'fast-check';
import { from, map, NEVER, Observable, of, Subject, Subscription, throwError, timer, VirtualTimeScheduler } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { NoRemainingTasksError, Task, TaskCancelledError, TaskGroup, TaskStateError } from 'rxrpcx';
import { anError, childCount, counted, settle, testScheduler } from './tasksTestKit';

type RunHelpers = Parameters<Parameters<TestScheduler['run']>[0]>[0];

/** Builds a group under marble time, joins it at frame 0, and awaits the join. */
async function joinUnderMarbles<T>(
  setup: (helpers: RunHelpers, scheduler: TestScheduler) => TaskGroup<T>,
): Promise<TaskGroup<T>> {
  const scheduler = testScheduler();
  let group!: TaskGroup<T>;
  let joined!: Promise<void>;
  scheduler.run((helpers) => {
    group = setup(helpers, scheduler);
    joined = group.join();
  });
  await joined;
  return group;
}

const nth = <T>(group: TaskGroup<T>, i: number): Task<T> => [...group.tasks][i]!;

describe('TaskGroup', () => {
  describe("wait: 'all'", () => {
    it('waits for every task; completed is the first to finish', async () => {
      const group = await joinUnderMarbles(({ cold, expectSubscriptions }) => {
        const a = cold('--a|   ');
        const b = cold('----b| ');
        const c = cold('-c|    ');
        expectSubscriptions(a.subscriptions).toBe('^--!   ');
        expectSubscriptions(b.subscriptions).toBe('^----! ');
        expectSubscriptions(c.subscriptions).toBe('^-!    ');
        return new TaskGroup([a, b, c], { retain: true });
      });
      expect(group.joined).toBe(true);
      expect(group.completed).toBe(nth(group, 2));
      expect(group.result).toBe('c');
      expect(group.exception).toBeUndefined();
      expect(group.results).toEqual(['a', 'b', 'c']);
      expect(group.exceptions).toEqual([undefined, undefined, undefined]);
    });

    it('stops at the first failure and cancels the rest; join does not reject', async () => {
      const group = await joinUnderMarbles(({ cold, expectSubscriptions }) => {
        const a = cold('-a|      ');
        const b = cold('---#     ', undefined, new Error('bad'));
        const c = cold('------c| ');
        expectSubscriptions(c.subscriptions).toBe('^--!     ');
        return new TaskGroup([a, b, c], { retain: true });
      });
      // As in aiorpcX: completed is the first task to finish, not the failed one.
      expect(group.completed).toBe(nth(group, 0));
      expect(group.result).toBe('a');
      expect(group.exception).toBeUndefined();
      const [, bad, cancelled] = group.exceptions;
      expect(bad).toEqual(new Error('bad'));
      expect(cancelled).toBeInstanceOf(TaskCancelledError);
      expect(() => group.results).toThrow('bad');
    });

    it('stops when a task is cancelled, cancelling the rest', async () => {
      const group = await joinUnderMarbles(({ cold, expectSubscriptions }, scheduler) => {
        const a = cold('-----a|');
        const b = cold('-------b|');
        expectSubscriptions(a.subscriptions).toBe('^-!');
        expectSubscriptions(b.subscriptions).toBe('^-!');
        const g = new TaskGroup([a, b]);
        scheduler.schedule(() => nth(g, 0).cancel(), 2);
        return g;
      });
      expect(group.completed?.cancelled).toBe(true);
      expect(group.exception).toBeInstanceOf(TaskCancelledError);
      expect(() => group.result).toThrow(TaskCancelledError);
    });

    it('keeps waiting for tasks spawned while it waits', async () => {
      const group = await joinUnderMarbles(({ cold, expectSubscriptions }, scheduler) => {
        const a = cold('--a|     ');
        const late = cold('----z|');
        expectSubscriptions(late.subscriptions).toBe('--^----!');
        const g = new TaskGroup<string>([a]);
        scheduler.schedule(() => g.spawn(late), 2);
        return g;
      });
      expect(group.result).toBe('a');
    });
  });

  describe("wait: 'any'", () => {
    it('stops at the first task to finish and cancels the rest', async () => {
      const group = await joinUnderMarbles(({ cold, expectSubscriptions }) => {
        const a = cold('--a|    ');
        const b = cold('-----b| ');
        expectSubscriptions(a.subscriptions).toBe('^--!    ');
        expectSubscriptions(b.subscriptions).toBe('^--!    ');
        return new TaskGroup([a, b], { wait: 'any' });
      });
      expect(group.result).toBe('a');
    });

    it('a failure counts as finishing: result throws it', async () => {
      const group = await joinUnderMarbles(({ cold, expectSubscriptions }) => {
        const a = cold('--#     ');
        const b = cold('-----b| ');
        expectSubscriptions(b.subscriptions).toBe('^-!     ');
        return new TaskGroup([a, b], { wait: 'any' });
      });
      expect(group.exception).toBe('error');
      expect(() => group.result).toThrow('error');
    });
  });

  describe("wait: 'object'", () => {
    it('stops at the first task with a result other than undefined or null', async () => {
      const group = await joinUnderMarbles(({ cold, expectSubscriptions }) => {
        const empty = cold('-|        ');
        const nothing = cold('--(n|)  ', { n: null });
        const b = cold('----b|        ');
        const c = cold('--------c|    ');
        expectSubscriptions(b.subscriptions).toBe('^----!        ');
        expectSubscriptions(c.subscriptions).toBe('^----!        ');
        return new TaskGroup<string | null>([empty, nothing, b, c], { wait: 'object', retain: true });
      });
      expect(group.completed).toBe(nth(group, 2));
      expect(group.result).toBe('b');
    });

    it('when every task returns nothing, no task completed', async () => {
      const group = await joinUnderMarbles(({ cold }) => new TaskGroup([cold('-|'), cold('--|')], { wait: 'object' }));
      expect(group.completed).toBeNull();
      expect(group.exception).toBeUndefined();
      expect(() => group.result).toThrow(expect.objectContaining({ reason: 'none-completed' }));
    });

    it('a failure stops it too', async () => {
      const group = await joinUnderMarbles(({ cold, expectSubscriptions }) => {
        const a = cold('--#     ');
        const b = cold('-----b| ');
        expectSubscriptions(b.subscriptions).toBe('^-!');
        return new TaskGroup([a, b], { wait: 'object' });
      });
      expect(group.exception).toBe('error');
    });
  });

  describe("wait: 'none'", () => {
    it('cancels everything at once', async () => {
      const group = await joinUnderMarbles(({ cold, expectSubscriptions }) => {
        const a = cold('--a|');
        const d = cold('---d|');
        expectSubscriptions(a.subscriptions).toBe('(^!)');
        expectSubscriptions(d.subscriptions).toBe('(^!)');
        const g = new TaskGroup([a], { wait: 'none' });
        g.spawn(d, { daemon: true });
        return g;
      });
      expect(group.completed).toBeNull();
      expect(nth(group, 0).cancelled).toBe(true);
    });
  });

  it('rejects an invalid wait policy', () => {
    expect(() => new TaskGroup([], { wait: 'some' as 'all' })).toThrow(TypeError);
  });

  it('joins an empty group at once', async () => {
    const group = new TaskGroup();
    await group.join();
    expect(group.joined).toBe(true);
    expect(group.completed).toBeNull();
    expect(() => group.result).toThrow(TaskStateError);
  });

  describe('daemons', () => {
    it('join ignores daemon tasks and cancels them', async () => {
      const group = await joinUnderMarbles(({ cold, expectSubscriptions }) => {
        const a = cold('--a|       ');
        const d = cold('-------d|  ');
        const failing = cold('-#   ');
        expectSubscriptions(d.subscriptions).toBe('^--!       ');
        const g = new TaskGroup<string>([a]);
        g.spawn(d, { daemon: true });
        g.spawn(failing, { daemon: true });
        expect(g.daemons.size).toBe(2);
        expect(g.tasks.size).toBe(1);
        return g;
      });
      expect(group.result).toBe('a');
      expect(group.exception).toBeUndefined();
      expect(group.daemons.size).toBe(0);
    });

    it('a group of daemons only joins at once and cancels them', async () => {
      const daemon = Task.spawn(NEVER, { daemon: true });
      const group = new TaskGroup([daemon]);
      await group.join();
      expect(daemon.cancelled).toBe(true);
    });

    it('cancelRemaining() cancels running tasks but not daemons', () => {
      const group = new TaskGroup();
      const task = group.spawn(NEVER);
      const daemon = group.spawn(NEVER, { daemon: true });
      group.cancelRemaining();
      expect(task.cancelled).toBe(true);
      expect(daemon.done).toBe(false);
      group.unsubscribe();
      expect(daemon.cancelled).toBe(true);
    });
  });

  describe('nextDone, nextResult and iteration', () => {
    it('nextDone takes finished tasks in the order they finished, then null', async () => {
      const scheduler = new VirtualTimeScheduler();
      const group = new TaskGroup<number>();
      const slow = group.spawn(timer(3, scheduler));
      const fast = group.spawn(timer(1, scheduler));
      scheduler.flush();
      expect(group.tasks.size).toBe(2);
      await expect(group.nextDone()).resolves.toBe(fast);
      await expect(group.nextDone()).resolves.toBe(slow);
      await expect(group.nextDone()).resolves.toBeNull();
      expect(group.size).toBe(0);
    });

    it('nextDone waits for a running task', async () => {
      const gate = new Subject<string>();
      const group = new TaskGroup<string>([gate]);
      const next = group.nextDone();
      gate.next('x');
      gate.complete();
      expect((await next)?.result).toBe('x');
    });

    it('waiters are served first come, first served; extra waiters get null', async () => {
      const gate = new Subject<void>();
      const group = new TaskGroup<void>([gate]);
      const first = group.nextDone();
      const second = group.nextDone();
      gate.complete();
      expect(await first).not.toBeNull();
      expect(await second).toBeNull();
    });

    it('nextResult returns results, rejects with a failure, then NoRemainingTasksError', async () => {
      const group = new TaskGroup<number>([of(1), throwError(() => new Error('no'))]);
      await expect(group.nextResult()).resolves.toBe(1);
      await expect(group.nextResult()).rejects.toThrow('no');
      await expect(group.nextResult()).rejects.toEqual(
        anError('NoRemainingTasksError', 'RXRPCX_ERR_NO_REMAINING_TASKS', { message: 'no tasks remain' }),
      );
      await expect(group.nextResult()).rejects.toBeInstanceOf(NoRemainingTasksError);
    });

    it('for await yields each task as it finishes', async () => {
      const scheduler = new VirtualTimeScheduler();
      const group = new TaskGroup<string>();
      for (const [delay, name] of [[3, 'c'], [1, 'a'], [2, 'b']] as const) {
        group.spawn(timer(delay, scheduler).pipe(map(() => name)));
      }
      scheduler.flush();
      const seen: Array<string | undefined> = [];
      for await (const task of group) seen.push(task.result);
      expect(seen).toEqual(['a', 'b', 'c']);
    });

    it('tasks taken by nextDone do not count for join', async () => {
      const group = new TaskGroup<string>([throwError(() => new Error('taken')), of('kept')]);
      await group.nextDone();
      await group.join();
      expect(group.result).toBe('kept');
    });
  });

  describe('join', () => {
    it('returns the same Promise when called again', () => {
      const group = new TaskGroup([NEVER]);
      expect(group.join()).toBe(group.join());
      group.unsubscribe();
    });

    it('spawning or adding after join throws TaskStateError terminated', async () => {
      const group = new TaskGroup();
      await group.join();
      expect(() => group.spawn(of(1))).toThrow(expect.objectContaining({ reason: 'terminated', message: 'task group terminated' }));
      expect(() => group.addTask(Task.spawn(of(1)))).toThrow(TaskStateError);
    });

    it('result, exception, results and exceptions raise before join', () => {
      const group = new TaskGroup([NEVER], { retain: true });
      for (const read of [() => group.result, () => group.exception, () => group.results, () => group.exceptions]) {
        expect(read).toThrow(expect.objectContaining({ reason: 'not-joined', message: 'task group not yet terminated' }));
      }
      group.unsubscribe();
    });

    it('results and exceptions need retain; result and exception do not', async () => {
      const group = new TaskGroup([of(1), of(2)]);
      await group.join();
      expect(group.result).toBe(1);
      expect(group.exception).toBeUndefined();
      expect(() => group.results).toThrow(expect.objectContaining({ reason: 'not-retained', code: 'RXRPCX_ERR_TASK_STATE' }));
      expect(() => group.exceptions).toThrow(TaskStateError);
    });
  });

  describe('addTask and the constructor', () => {
    it('adopts running and finished tasks, given to the constructor or added later', async () => {
      const gate = new Subject<string>();
      const running = Task.spawn(gate);
      const finished = Task.spawn(of('done'));
      const group = new TaskGroup<string>([finished], { retain: true });
      group.addTask(running);
      gate.next('later');
      gate.complete();
      await group.join();
      expect(group.results).toEqual(['done', 'later']);
    });

    it('a task joins one group only', () => {
      const task = Task.spawn(NEVER);
      const group = new TaskGroup([task]);
      expect(() => new TaskGroup([task])).toThrow(expect.objectContaining({ reason: 'already-grouped' }));
      group.unsubscribe();
    });

    it('unsubscribing the group cancels adopted tasks too', () => {
      const task = Task.spawn(NEVER);
      new TaskGroup([task]).unsubscribe();
      expect(task.cancelled).toBe(true);
    });
  });

  describe('cancellation: a group is a subtree of subscriptions', () => {
    it('unsubscribing the group cancels every task, daemons included, and closes it', async () => {
      const work = counted(NEVER);
      const group = new TaskGroup([work.source, work.source]);
      const daemon = group.spawn(work.source, { daemon: true });
      const joined = group.join();
      expect(work.active()).toBe(3);
      group.unsubscribe();
      expect(work.active()).toBe(0);
      expect(daemon.cancelled).toBe(true);
      expect(group.closed).toBe(true);
      expect(() => group.spawn(NEVER)).toThrow(TaskStateError);
      await joined;
      expect(group.exception).toBeInstanceOf(TaskCancelledError);
    });

    it('cascades down a tree of groups created under tasks', () => {
      testScheduler().run(({ cold, expectSubscriptions }) => {
        const leaf1 = cold('----------x|');
        const leaf2 = cold('----------y|');
        const leaf3 = cold('----------z|');
        const unsub = '     ^---!       ';
        const outer = new TaskGroup();
        // outer task -> middle group -> middle task -> inner group -> leaves
        outer.spawn(
          new Observable<never>((subscriber) => {
            const middle = new TaskGroup([leaf1], { parent: subscriber });
            middle.spawn(
              new Observable<never>((inner) => {
                new TaskGroup([leaf2, leaf3], { parent: inner });
              }),
            );
          }),
        );
        expectSubscriptions(leaf1.subscriptions).toBe(unsub);
        expectSubscriptions(leaf2.subscriptions).toBe(unsub);
        expectSubscriptions(leaf3.subscriptions).toBe(unsub);
        cold('----x').subscribe(() => outer.unsubscribe());
      });
    });

    it('a join that ends cancels the groups under its cancelled tasks', () => {
      testScheduler().run(({ cold, expectSubscriptions }) => {
        const quick = cold('--q|');
        const leaf = cold('-------l|');
        expectSubscriptions(leaf.subscriptions).toBe('^--!');
        const outer = new TaskGroup<unknown>([quick], { wait: 'any' });
        outer.spawn(new Observable<never>((subscriber) => void new TaskGroup([leaf], { parent: subscriber })));
        void outer.join();
      });
    });

    it('a group under a group is cancelled with it, and leaves it when joined', async () => {
      const parent = new TaskGroup();
      const cancelled = new TaskGroup([NEVER], { parent });
      const finished = new TaskGroup([of(1)], { parent });
      expect(childCount(parent.subscription)).toBe(1 + 2); // its own finalizer, two groups
      await finished.join();
      expect(childCount(parent.subscription)).toBe(1 + 1);
      parent.unsubscribe();
      expect(cancelled.closed).toBe(true);
      expect(nth(cancelled, 0).cancelled).toBe(true);
    });

    it('a group under a Subscription is cancelled with it; under a closed one it refuses tasks', () => {
      const owner = new Subscription();
      const group = new TaskGroup([NEVER], { parent: owner });
      owner.unsubscribe();
      expect(nth(group, 0).cancelled).toBe(true);
      expect(() => new TaskGroup([NEVER], { parent: owner })).toThrow(expect.objectContaining({ reason: 'terminated' }));
    });
  });

  describe('resource hygiene', () => {
    it('after join: no scheduled actions, no live subscriptions, no children, out of its parent', async () => {
      const scheduler = testScheduler();
      const owner = new Subscription();
      const work = counted(NEVER);
      const group = new TaskGroup<number>([], { wait: 'any', scheduler, parent: owner });
      group.spawn(timer(5, scheduler));
      group.spawn(timer(50, scheduler));
      group.spawn(work.source);
      group.spawn(work.source, { daemon: true });
      const joined = group.join();
      expect(scheduler.actions.length).toBe(4); // the scheduled starts
      scheduler.flush();
      await joined;
      expect(scheduler.actions.length).toBe(0);
      expect(work.active()).toBe(0);
      expect(work.total()).toBe(2);
      expect(childCount(group.subscription)).toBe(0);
      expect(childCount(owner)).toBe(0);
      expect(group.daemons.size).toBe(0);
    });

    it('after unsubscribe: no scheduled actions and no live subscriptions', () => {
      const scheduler = testScheduler();
      const work = counted(NEVER);
      const group = new TaskGroup<number>([], { scheduler });
      group.spawn(timer(10, scheduler));
      group.spawn(work.source);
      scheduler.schedule(() => group.unsubscribe(), 5);
      scheduler.flush();
      expect(scheduler.actions.length).toBe(0);
      expect(work.active()).toBe(0);
      expect(childCount(group.subscription)).toBe(0);
      expect(group.size).toBe(2); // cancelled, waiting to be taken: no subscriptions
    });

    it('a long-lived group that ran 100,000 short tasks holds none of them', async () => {
      const scheduler = new VirtualTimeScheduler();
      const session = new Subject<number>();
      const group = new TaskGroup<number>();
      group.spawn(session); // the long-lived task that keeps the group open
      const joined = group.join(); // takes every task as it finishes
      let mostHeld = 0;
      for (let batch = 0; batch < 1000; batch++) {
        for (let i = 0; i < 100; i++) group.spawn(timer(1 + (i % 3), scheduler));
        mostHeld = Math.max(mostHeld, group.size);
        scheduler.flush();
        expect(group.size).toBe(1);
        // One finalizer for all tasks: the subscription does not grow either.
        expect(childCount(group.subscription)).toBe(1);
      }
      expect(mostHeld).toBe(101);
      session.complete();
      await joined;
      expect(group.size).toBe(0);
      expect(childCount(group.subscription)).toBe(0);
      expect(scheduler.actions.length).toBe(0);
    });

    it('100,000 finished tasks drained with for await leave nothing behind', async () => {
      const group = new TaskGroup<number>();
      for (let i = 0; i < 100_000; i++) group.spawn(of(i));
      expect(group.size).toBe(100_000); // finished, waiting to be taken
      let count = 0;
      for await (const task of group) count += task.done ? 1 : 0;
      expect(count).toBe(100_000);
      expect(group.size).toBe(0);
      expect(childCount(group.subscription)).toBe(1);
      await group.join();
      expect(childCount(group.subscription)).toBe(0);
    });

    it('fire-and-forget daemons leave the group as they finish, with nobody taking them', () => {
      const scheduler = new VirtualTimeScheduler();
      const group = new TaskGroup<number>([], { wait: 'none' }); // a session's group
      for (let batch = 0; batch < 200; batch++) {
        for (let i = 0; i < 100; i++) group.spawn(timer(1, scheduler), { daemon: true });
        expect(group.daemons.size).toBe(100);
        scheduler.flush();
        expect(group.size).toBe(0);
      }
      expect(childCount(group.subscription)).toBe(1);
      group.unsubscribe();
      expect(childCount(group.subscription)).toBe(0);
    });

    it('with retain, finished tasks stay for results', async () => {
      const group = new TaskGroup<number>([], { retain: true });
      for (let i = 0; i < 1000; i++) group.spawn(from([i]));
      await group.join();
      expect(group.size).toBe(1000);
      expect(group.results.slice(0, 3)).toEqual([0, 1, 2]);
      expect(childCount(group.subscription)).toBe(0);
    });
  });

  it('property: join follows the reference’s rules for any mix of outcomes and timings', async () => {
    type Outcome = 'value' | 'none' | 'error';
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('all', 'any', 'object', 'none') as fc.Arbitrary<'all' | 'any' | 'object' | 'none'>,
        fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.constantFrom<Outcome>('value', 'none', 'error')), {
          minLength: 1,
          maxLength: 8,
        }),
        async (wait, specs) => {
          const scheduler = new VirtualTimeScheduler();
          const works = specs.map(([delay, outcome], i) =>
            timer(delay, scheduler).pipe(
              map(() => {
                if (outcome === 'error') throw new Error(`task ${i}`);
                return outcome === 'none' ? null : i;
              }),
            ),
          );
          const group = new TaskGroup<number | null>(works, { wait, retain: true });
          const joined = group.join();
          scheduler.flush();
          await joined;

          // The model: tasks finish in (delay, spawn order); join offers them one by one.
          const order = specs.map((_, i) => i).sort((a, b) => specs[a]![0] - specs[b]![0] || a - b);
          let completed: number | null = null;
          let stopAt = wait === 'none' ? -1 : order.length - 1;
          if (wait !== 'none') {
            for (const [position, i] of order.entries()) {
              const failed = specs[i]![1] === 'error';
              if (completed === null && (failed || wait !== 'object' || specs[i]![1] === 'value')) completed = i;
              if (failed || wait === 'any' || (wait === 'object' && completed !== null)) {
                stopAt = position;
                break;
              }
            }
          }
          const expected = specs.map(([, outcome], i) =>
            order.indexOf(i) > stopAt ? 'cancelled' : outcome === 'error' ? 'failed' : 'succeeded',
          );
          const tasks = [...group.tasks];
          expect(tasks.map((t) => t.state)).toEqual(expected);
          expect(group.completed).toBe(completed === null ? null : tasks[completed]);
          expect(scheduler.actions.length).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the Promise API settles after microtasks only (no timers)', async () => {
    const group = new TaskGroup([of(1)]);
    const joined = group.join();
    await settle();
    await expect(joined).resolves.toBeUndefined();
  });
});
