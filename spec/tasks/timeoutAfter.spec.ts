import { catchError, NEVER, Observable, of, throwError, timer, VirtualTimeScheduler } from 'rxjs';
import {
  ignoreAfter,
  TaskGroup,
  TaskTimeout,
  TimeoutCancellationError,
  timeoutAfter,
  UncaughtTimeoutError,
} from 'rxrpcx';
import { anError, counted, testScheduler } from './tasksTestKit';

const timedOut = (seconds: number): unknown => anError('TaskTimeout', 'RXRPCX_ERR_TASK_TIMEOUT', { seconds });
const uncaught = (innerSeconds: number): unknown =>
  anError('UncaughtTimeoutError', 'RXRPCX_ERR_UNCAUGHT_TIMEOUT', { cause: timedOut(innerSeconds) });

describe('timeoutAfter', () => {
  it('mirrors a source that finishes in time, and cancels its timer', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const source = cold('-a-b|');
      expectObservable(source.pipe(timeoutAfter(0.005))).toBe('-a-b|');
      expectSubscriptions(source.subscriptions).toBe('^---!');
      flush();
      expect(scheduler.actions.length).toBe(0);
    });
  });

  it('errors with TaskTimeout after the given seconds and unsubscribes the source', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a----b|');
      expectObservable(source.pipe(timeoutAfter(0.004))).toBe('-a--#', undefined, timedOut(0.004));
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('TaskTimeout says how long, and is an ordinary error, not a cancellation', () => {
    const error = new TaskTimeout(0.5);
    expect(error.message).toBe('task timed out after 0.5s');
    expect(error.seconds).toBe(0.5);
    expect(error).not.toBeInstanceOf(TimeoutCancellationError);
    expect(new TaskTimeout(30).message).toBe('task timed out after 30s');
  });

  it('takes the config form and an explicit scheduler', () => {
    const scheduler = new VirtualTimeScheduler();
    const seen: unknown[] = [];
    NEVER.pipe(timeoutAfter({ seconds: 2, scheduler })).subscribe({ error: (e) => seen.push(e) });
    NEVER.pipe(timeoutAfter(3, { scheduler })).subscribe({ error: (e) => seen.push(e) });
    scheduler.flush();
    expect(scheduler.frame).toBe(3000);
    expect(seen).toEqual([timedOut(2), timedOut(3)]);
  });

  it('times each subscription from its own start', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const source = cold('------a|').pipe(timeoutAfter(0.003));
      expectObservable(source).toBe('---#', undefined, timedOut(0.003));
      expectObservable(hot('--x').pipe((x) => new Observable((o) => x.subscribe(() => source.subscribe(o))))).toBe(
        '-----#',
        undefined,
        timedOut(0.003),
      );
    });
  });

  it('reads the clock with scheduler.now() and reaches deadlines beyond a timer’s range in steps', () => {
    testScheduler().run(({ expectObservable }) => {
      const thirtyDays = 30 * 24 * 3600;
      expectObservable(NEVER.pipe(timeoutAfter(thirtyDays))).toBe(`${thirtyDays * 1000}ms #`, undefined, timedOut(thirtyDays));
    });
  });

  it('never expires with Infinity, and schedules nothing', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-----a|').pipe(timeoutAfter(Infinity))).toBe('-----a|');
    });
    const scheduler = new VirtualTimeScheduler();
    const subscription = NEVER.pipe(timeoutAfter(Infinity, { scheduler })).subscribe();
    expect(scheduler.actions.length).toBe(0);
    subscription.unsubscribe();
  });

  it('errors the output, not the caller, for a NaN timeout', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(of(1).pipe(timeoutAfter(Number.NaN))).toBe('#', undefined, expect.any(RangeError));
    });
  });

  it('unsubscribing before expiry leaves no scheduled action and no subscription', () => {
    const scheduler = new VirtualTimeScheduler();
    const source = counted(NEVER);
    const subscription = source.source.pipe(timeoutAfter(5, { scheduler })).subscribe();
    expect(scheduler.actions.length).toBe(1);
    subscription.unsubscribe();
    expect(scheduler.actions.length).toBe(0);
    expect(source.active()).toBe(0);
  });

  it('passes other errors through untouched', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('--#', undefined, new Error('own')).pipe(timeoutAfter(1))).toBe('--#', undefined, new Error('own'));
    });
  });
});

describe('nested timeouts', () => {
  it('outer expires first: the outer’s TaskTimeout surfaces, the inner is simply unsubscribed', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
      const work = cold('----------w|');
      //                  inner: 10 ms, outer: 4 ms
      expectObservable(work.pipe(timeoutAfter(0.01), timeoutAfter(0.004))).toBe('----#', undefined, timedOut(0.004));
      expectSubscriptions(work.subscriptions).toBe('^---!');
      flush();
      expect(scheduler.actions.length).toBe(0); // the inner timer went with it
    });
  });

  it('outer expires first around an inner ignoreAfter: no timeoutResult leaks out', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(NEVER.pipe(ignoreAfter(0.01, 'inner gave up'), timeoutAfter(0.004))).toBe(
        '----#',
        undefined,
        timedOut(0.004),
      );
    });
  });

  it('inner expires first and nobody catches it: the outer raises UncaughtTimeoutError', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(NEVER.pipe(timeoutAfter(0.004), timeoutAfter(0.01))).toBe('----#', undefined, uncaught(0.004));
    });
  });

  it('an outer ignoreAfter does not swallow an inner operator’s TaskTimeout', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(NEVER.pipe(timeoutAfter(0.004), ignoreAfter(0.01, 'swallowed?'))).toBe(
        '----#',
        undefined,
        uncaught(0.004),
      );
    });
  });

  it('a TaskTimeout relayed from elsewhere is not mistaken for the operator’s own expiry either', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(throwError(() => new TaskTimeout(7)).pipe(ignoreAfter(0.01))).toBe('#', undefined, uncaught(7));
    });
  });

  it('an inner timeout caught by the caller is fine', () => {
    testScheduler().run(({ expectObservable }) => {
      const caught = NEVER.pipe(
        timeoutAfter(0.004),
        catchError(() => of('fallback')),
        timeoutAfter(0.01),
      );
      expectObservable(caught).toBe('----(f|)', { f: 'fallback' });
    });
  });

  it('an inner ignoreAfter expiring first completes quietly inside the outer', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(NEVER.pipe(ignoreAfter(0.004, 'x'), timeoutAfter(0.01))).toBe('----(x|)');
    });
  });

  it('three levels: the innermost expiry reaches the top as one UncaughtTimeoutError', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(NEVER.pipe(timeoutAfter(0.002), timeoutAfter(0.006), timeoutAfter(0.009))).toBe(
        '--#',
        undefined,
        uncaught(0.002),
      );
    });
  });

  it('an UncaughtTimeoutError passes outer operators unchanged, carrying the inner TaskTimeout', () => {
    const scheduler = new VirtualTimeScheduler();
    const errors: unknown[] = [];
    NEVER.pipe(timeoutAfter(1, { scheduler }), timeoutAfter(2, { scheduler }), timeoutAfter(3, { scheduler })).subscribe({
      error: (e) => errors.push(e),
    });
    scheduler.flush();
    const [error] = errors;
    expect(error).toBeInstanceOf(UncaughtTimeoutError);
    expect((error as UncaughtTimeoutError).message).toBe('uncaught timeout received');
    expect((error as UncaughtTimeoutError).cause).toBeInstanceOf(TaskTimeout);
    expect((error as UncaughtTimeoutError).cause.seconds).toBe(1);
    expect(scheduler.actions.length).toBe(0);
  });

  it('tasks cut by a timeout record TimeoutCancellationError', () => {
    let group!: TaskGroup;
    const errors: unknown[] = [];
    testScheduler().run(({ cold }) => {
      new Observable<never>((subscriber) => {
        group = new TaskGroup([cold('-----a|'), cold('------b|')], { parent: subscriber });
      })
        .pipe(timeoutAfter(0.003))
        .subscribe({ error: (e) => errors.push(e) });
    });
    expect(errors).toEqual([timedOut(0.003)]);
    const exceptions = [...group.tasks].map((t) => t.exception);
    expect(exceptions).toEqual([
      anError('TimeoutCancellationError', 'RXRPCX_ERR_TIMEOUT_CANCELLATION', { seconds: 0.003 }),
      anError('TimeoutCancellationError', 'RXRPCX_ERR_TIMEOUT_CANCELLATION', { seconds: 0.003 }),
    ]);
    expect([...group.tasks].every((t) => t.cancelled)).toBe(true);
    expect(group.closed).toBe(true);
  });

  it('uses asyncScheduler by default (virtualised by TestScheduler.run)', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(timer(10).pipe(timeoutAfter(0.005))).toBe('-----#', undefined, timedOut(0.005));
    });
  });
});
