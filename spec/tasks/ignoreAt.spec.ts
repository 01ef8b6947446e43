import { NEVER, switchMap, timer, VirtualTimeScheduler } from 'rxjs';
import { ignoreAt, timeoutAfter } from 'rxrpcx';
import { anError, testScheduler } from './tasksTestKit';

describe('ignoreAt', () => {
  it('drops the source at an absolute time and completes, with an optional timeoutResult', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a----b|');
      expectObservable(source.pipe(ignoreAt(0.004))).toBe('-a--|');
      expectObservable(source.pipe(ignoreAt(0.004, 'late'))).toBe('-a--(l|)', { a: 'a', l: 'late' });
      expectSubscriptions(source.subscriptions).toBe(['^---!', '^---!']);
    });
  });

  it('counts from the clock, not from subscription', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(timer(3).pipe(switchMap(() => NEVER.pipe(ignoreAt(0.005, 'x'))))).toBe('-----(x|)');
    });
  });

  it('accepts a Date and the config form', () => {
    const scheduler = new VirtualTimeScheduler();
    const seen: unknown[] = [];
    NEVER.pipe(ignoreAt({ time: new Date(1500), timeoutResult: 'date', scheduler })).subscribe((v) => seen.push(v));
    NEVER.pipe(ignoreAt(2, 'seconds', { scheduler })).subscribe((v) => seen.push(v));
    scheduler.flush();
    expect(seen).toEqual(['date', 'seconds']);
  });

  it('does not swallow an inner TaskTimeout', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(NEVER.pipe(timeoutAfter(0.002), ignoreAt(0.005))).toBe(
        '--#',
        undefined,
        anError('UncaughtTimeoutError', 'RXRPCX_ERR_UNCAUGHT_TIMEOUT'),
      );
    });
  });
});
