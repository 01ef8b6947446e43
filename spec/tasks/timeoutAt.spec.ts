import { NEVER, switchMap, timer, VirtualTimeScheduler } from 'rxjs';
import { timeoutAt } from 'rxrpcx';
import { anError, testScheduler } from './tasksTestKit';

const timedOut = (seconds: number): unknown => anError('TaskTimeout', 'RXRPCX_ERR_TASK_TIMEOUT', { seconds });

describe('timeoutAt', () => {
  it('expires at an absolute time in seconds on the scheduler’s clock', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a------b|');
      expectObservable(source.pipe(timeoutAt(0.005))).toBe('-a---#', undefined, timedOut(0.005));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('reports the seconds that were left when it was subscribed', () => {
    testScheduler().run(({ expectObservable }) => {
      const late = timer(2).pipe(switchMap(() => NEVER.pipe(timeoutAt(0.005))));
      expectObservable(late).toBe('-----#', undefined, timedOut(0.003));
    });
  });

  it('accepts a Date, read as milliseconds on the same clock', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(NEVER.pipe(timeoutAt(new Date(4)))).toBe('----#', undefined, timedOut(0.004));
    });
  });

  it('a deadline already past expires on the scheduler’s next turn; synchronous sources win', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const late = timer(3).pipe(switchMap(() => NEVER.pipe(timeoutAt(0.001))));
      expectObservable(late).toBe('---#', undefined, timedOut(-0.002));
      expectObservable(cold('(a|)').pipe(timeoutAt(0))).toBe('(a|)');
    });
  });

  it('takes the config form and an explicit scheduler', () => {
    const scheduler = new VirtualTimeScheduler();
    const errors: unknown[] = [];
    NEVER.pipe(timeoutAt({ time: 2, scheduler })).subscribe({ error: (e) => errors.push(e) });
    NEVER.pipe(timeoutAt(new Date(1000), { scheduler })).subscribe({ error: (e) => errors.push(e) });
    scheduler.flush();
    expect(errors).toEqual([timedOut(1), timedOut(2)]);
    expect(scheduler.actions.length).toBe(0);
  });
});
