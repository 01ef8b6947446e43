import { map, NEVER, of, throwError, VirtualTimeScheduler } from 'rxjs';
import type { Task } from 'rxrpcx';
import { joinTasks, runTaskGroup, timeoutAfter } from 'rxrpcx';
import { counted, testScheduler } from './tasksTestKit';

const results = map((task: Task<string>) => task.result);

describe('runTaskGroup', () => {
  it("'all': emits every task as it finishes, then completes", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('---a|  ');
      const b = cold('-b|    ');
      const c = cold('-----c|');
      expectObservable(runTaskGroup([a, b, c]).pipe(results)).toBe('--b-a-(c|)');
      expectSubscriptions(c.subscriptions).toBe('^-----!');
    });
  });

  it("'all': a failed task is emitted, then the rest are cancelled", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('-a|     ');
      const b = cold('---#    ');
      const c = cold('------c|');
      const states = runTaskGroup<string>([a, b, c]).pipe(map((t) => t.state));
      expectObservable(states).toBe('--s(f|)', { s: 'succeeded', f: 'failed' });
      expectSubscriptions(c.subscriptions).toBe('^--!');
    });
  });

  it("'any': the first task, then completion", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('---a|');
      const b = cold('-b|  ');
      expectObservable(runTaskGroup([a, b], { wait: 'any' }).pipe(results)).toBe('--(b|)');
      expectSubscriptions(a.subscriptions).toBe('^-!');
    });
  });

  it("'object': tasks returning nothing are emitted but do not end it", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const none = cold('-|      ');
      const a = cold('---a|      ');
      const b = cold('-------b|  ');
      expectObservable(runTaskGroup([none, a, b], { wait: 'object' }).pipe(results)).toBe('-u--(a|)', { u: undefined, a: 'a' });
      expectSubscriptions(b.subscriptions).toBe('^---!');
    });
  });

  it("'none': completes at once and starts nothing", () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold('-a|');
      expectObservable(runTaskGroup([a], { wait: 'none' })).toBe('|');
      expectSubscriptions(a.subscriptions).toBe([]);
    });
  });

  it('takes works from an Observable over time and completes once they are exhausted and done', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const works = hot('-x--y---|', { x: cold('--x|'), y: cold('-y|') });
      expectObservable(runTaskGroup(works).pipe(results)).toBe('----x-y-|');
    });
  });

  it('an error from the works errors the output and cancels the tasks', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const long = cold('-------l|');
      const works = hot('x--#', { x: long });
      expectObservable(runTaskGroup(works)).toBe('---#');
      expectSubscriptions(long.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribing cancels every task and leaves no scheduled action', () => {
    const scheduler = new VirtualTimeScheduler();
    const work = counted(NEVER);
    const subscription = runTaskGroup([work.source, work.source, of('x')], { scheduler }).subscribe();
    expect(scheduler.actions.length).toBe(3);
    scheduler.flush();
    expect(work.active()).toBe(2);
    subscription.unsubscribe();
    expect(work.active()).toBe(0);
    expect(scheduler.actions.length).toBe(0);
  });

  it('a timeout around it unsubscribes every task at expiry', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const quick = cold('-q|     ');
      const slow = cold('------s| ');
      expectObservable(runTaskGroup([quick, slow]).pipe(timeoutAfter(0.004), results)).toBe(
        '--q-#',
        undefined,
        expect.objectContaining({ name: 'TaskTimeout' }),
      );
      expectSubscriptions(slow.subscriptions).toBe('^---!');
    });
  });

  it('a work that throws synchronously fails its task', () => {
    testScheduler().run(({ expectObservable }) => {
      const failing = () => throwError(() => new Error('sync'));
      expectObservable(runTaskGroup([failing]).pipe(map((t) => t.state))).toBe('(f|)', { f: 'failed' });
    });
  });
});

describe('joinTasks', () => {
  it('is runTaskGroup as an operator', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const works = hot('a-b-|', { a: cold('---a|'), b: cold('b|') });
      expectObservable(works.pipe(joinTasks<string>({ wait: 'any' }), results)).toBe('---(b|)');
    });
  });
});
