import { merge } from 'rxjs';
import { Concurrency, underConcurrency } from 'rxrpcx';
import { testScheduler } from './tasksTestKit';

describe('underConcurrency', () => {
  it('is mergeMap under the concurrency’s current limit', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const concurrency = new Concurrency(2);
      const source = hot('-abc|');
      const work = (v: string) => cold('---x|', { x: v.toUpperCase() });
      expectObservable(source.pipe(underConcurrency(concurrency, work))).toBe('----AB--C|');
    });
  });

  it('shares one limit between pipes, and calls project only when admitted', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable, flush }) => {
      const concurrency = new Concurrency(1);
      const calls: string[] = [];
      const project = (v: string, index: number) => {
        calls.push(`${v}${index}`);
        return cold('--x|', { x: v });
      };
      const left = hot('a-b|').pipe(underConcurrency(concurrency, project));
      const right = hot('-c-|').pipe(underConcurrency(concurrency, project));
      expectObservable(merge(left, right)).toBe('--a--c--b|');
      scheduler.schedule(() => expect(calls).toEqual(['a0']), 2); // b arrived but waits
      flush();
      expect(calls).toEqual(['a0', 'c0', 'b1']);
    });
  });

  it('errors with ExcessiveSessionCostError when the target falls to 0', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, hot, expectObservable }) => {
      const concurrency = new Concurrency(1);
      scheduler.schedule(() => concurrency.setTarget(0), 2);
      expectObservable(hot('ab|').pipe(underConcurrency(concurrency, () => cold('----x|')))).toBe(
        '--#',
        undefined,
        expect.objectContaining({ code: 'RXRPCX_ERR_EXCESSIVE_SESSION_COST' }),
      );
    });
  });
});
