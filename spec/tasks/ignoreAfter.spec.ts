import { NEVER, VirtualTimeScheduler } from 'rxjs';
import { ignoreAfter, timeoutAfter } from 'rxrpcx';
import { anError, counted, testScheduler } from './tasksTestKit';

describe('ignoreAfter', () => {
  it('ignore vs timeout: the same late source completes quietly or errors', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a----b|');
      const unsub = '      ^--!     ';
      expectObservable(source.pipe(ignoreAfter(0.003))).toBe('-a-|');
      expectObservable(source.pipe(timeoutAfter(0.003))).toBe(
        '-a-#',
        undefined,
        anError('TaskTimeout', 'RXRPCX_ERR_TASK_TIMEOUT', { seconds: 0.003 }),
      );
      expectSubscriptions(source.subscriptions).toBe([unsub, unsub]);
    });
  });

  it('emits timeoutResult on expiry, then completes', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a----b|').pipe(ignoreAfter(0.003, 'late'))).toBe('-a-(l|)', { a: 'a', l: 'late' });
      expectObservable(cold('-----b|').pipe(ignoreAfter(0.002, null))).toBe('--(n|)', { n: null });
    });
  });

  it('an undefined timeoutResult is not emitted (Python None)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-----b|').pipe(ignoreAfter(0.002, undefined))).toBe('--|');
    });
  });

  it('mirrors a source that finishes in time, errors included', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a|').pipe(ignoreAfter(0.005, 'late'))).toBe('-a|');
      expectObservable(cold('-#').pipe(ignoreAfter(0.005, 'late'))).toBe('-#');
    });
  });

  it('takes the config form and an explicit scheduler', () => {
    const scheduler = new VirtualTimeScheduler();
    const seen: unknown[] = [];
    NEVER.pipe(ignoreAfter({ seconds: 1.5, timeoutResult: 'x', scheduler })).subscribe({
      next: (v) => seen.push(v),
      complete: () => seen.push(`done at ${scheduler.now()}`),
    });
    NEVER.pipe(ignoreAfter(2, 'y', { scheduler })).subscribe((v) => seen.push(v));
    scheduler.flush();
    expect(seen).toEqual(['x', 'done at 1500', 'y']);
  });

  it('unsubscribing before expiry leaves no scheduled action and no subscription', () => {
    const scheduler = new VirtualTimeScheduler();
    const source = counted(NEVER);
    const subscription = source.source.pipe(ignoreAfter(5, 'late', { scheduler })).subscribe();
    subscription.unsubscribe();
    expect(scheduler.actions.length).toBe(0);
    expect(source.active()).toBe(0);
  });
});
