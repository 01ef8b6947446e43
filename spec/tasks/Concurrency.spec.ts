import fc from 'fast-check';
import { defer, finalize, merge, NEVER, of, timer, VirtualTimeScheduler } from 'rxjs';
import { Concurrency, ExcessiveSessionCostError } from 'rxrpcx';
import { anError, settle, testScheduler } from './tasksTestKit';

const excessive = (target: number): unknown =>
  anError('ExcessiveSessionCostError', 'RXRPCX_ERR_EXCESSIVE_SESSION_COST', { target });

describe('Concurrency', () => {
  it('runs at most maxConcurrent at once; waiting work starts in FIFO order', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const concurrency = new Concurrency(2);
      const a = cold('---a|    ');
      const b = cold('-----b|  ');
      const x = cold('--x|     ');
      const y = cold('-y|      ');
      expectObservable(merge(...[a, b, x, y].map((w) => concurrency.run(w)))).toBe('---a-bxy|');
      expectSubscriptions(a.subscriptions).toBe('^---!     ');
      expectSubscriptions(b.subscriptions).toBe('^-----!   ');
      expectSubscriptions(x.subscriptions).toBe('----^--!  ');
      expectSubscriptions(y.subscriptions).toBe('------^-! ');
      expect(concurrency.maxConcurrent).toBe(2);
    });
  });

  it('raising the target while work is queued starts waiting work at once', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectSubscriptions }) => {
      const concurrency = new Concurrency(1);
      const a = cold('------a|');
      const x = cold('--x|    ');
      const y = cold('--y|    ');
      const z = cold('--z|    ');
      merge(...[a, x, y, z].map((w) => concurrency.run(w))).subscribe();
      scheduler.schedule(() => concurrency.setTarget(3), 2);
      expectSubscriptions(a.subscriptions).toBe('^------!  ');
      expectSubscriptions(x.subscriptions).toBe('--^--!    ');
      expectSubscriptions(y.subscriptions).toBe('--^--!    ');
      expectSubscriptions(z.subscriptions).toBe('-----^--! ');
    });
  });

  it('lowering the target never interrupts running work; queued work waits until in-flight work drains below it', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectSubscriptions, flush }) => {
      const concurrency = new Concurrency(3);
      const a = cold('----a|       ');
      const b = cold('------b|     ');
      const d = cold('--------d|   ');
      const x = cold('-x|          ');
      const y = cold('-y|          ');
      merge(...[a, b, d, x, y].map((w) => concurrency.run(w))).subscribe();
      scheduler.schedule(() => concurrency.setTarget(1), 1);
      scheduler.schedule(() => {
        expect(concurrency.active).toBe(2); // above the new target, still running
        expect(concurrency.waiting).toBe(2);
      }, 6);
      expectSubscriptions(a.subscriptions).toBe('^----!        ');
      expectSubscriptions(b.subscriptions).toBe('^------!      ');
      expectSubscriptions(d.subscriptions).toBe('^--------!    ');
      expectSubscriptions(x.subscriptions).toBe('---------^-!  ');
      expectSubscriptions(y.subscriptions).toBe('-----------^-!');
      flush();
      expect(concurrency.active).toBe(0);
      expect(concurrency.waiting).toBe(0);
    });
  });

  it('a target of 0 or below fails waiting and new work with ExcessiveSessionCostError; running work finishes', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const concurrency = new Concurrency(1);
      scheduler.schedule(() => concurrency.setTarget(0), 2);
      scheduler.schedule(() => concurrency.setTarget(2), 6);
      expectObservable(concurrency.run(cold('----a|'))).toBe('----a|');
      expectObservable(concurrency.run(cold('--x|'))).toBe('--#', undefined, excessive(0));
      expectObservable(concurrency.run(cold('-y|')), '---^').toBe('---#', undefined, excessive(0));
      expectObservable(concurrency.run(cold('-z|')), '-------^').toBe('--------z|');
    });
  });

  it('truncates targets as the reference does with int()', () => {
    const concurrency = new Concurrency(2.9);
    expect(concurrency.maxConcurrent).toBe(2);
    concurrency.setTarget(-0.5);
    expect(concurrency.maxConcurrent).toBe(0);
    const errors: unknown[] = [];
    concurrency.run(of(1)).subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([excessive(0)]);
  });

  it('a negative target errors new work', () => {
    const errors: unknown[] = [];
    new Concurrency(-3).run(of(1)).subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([excessive(-3)]);
    expect(errors[0]).toBeInstanceOf(ExcessiveSessionCostError);
  });

  it('unsubscribing waiting work takes it out of the queue', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const concurrency = new Concurrency(1);
      const x = cold('-x|');
      const y = cold('-y|');
      expectObservable(concurrency.run(cold('----a|'))).toBe('----a|');
      expectObservable(concurrency.run(x), '^-!').toBe('---');
      expectObservable(concurrency.run(y)).toBe('------y|');
      expectSubscriptions(x.subscriptions).toBe([]);
      expectSubscriptions(y.subscriptions).toBe('-----^-!');
    });
  });

  it('unsubscribing running work releases its slot', () => {
    const concurrency = new Concurrency(1);
    const running = concurrency.run(NEVER).subscribe();
    const started = jest.fn(() => of(1));
    concurrency.run(started).subscribe();
    expect(started).not.toHaveBeenCalled();
    running.unsubscribe();
    expect(started).toHaveBeenCalledTimes(1);
    expect(concurrency.active).toBe(0);
  });

  it('an erroring work releases its slot too', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const concurrency = new Concurrency(1);
      expectObservable(concurrency.run(cold('--#'))).toBe('--#');
      expectObservable(concurrency.run(cold('-b|'))).toBe('---b|');
    });
  });

  it('calls a work function only when it is admitted', () => {
    const concurrency = new Concurrency(1);
    const release = concurrency.run(NEVER).subscribe();
    const work = jest.fn(() => of('ran'));
    const seen: string[] = [];
    concurrency.run(work).subscribe((v) => seen.push(v));
    expect(work).not.toHaveBeenCalled();
    release.unsubscribe();
    expect(seen).toEqual(['ran']);
  });

  it('acquire() gives a release function; waiters resolve in order; release is idempotent', async () => {
    const concurrency = new Concurrency(1);
    const release = await concurrency.acquire();
    const order: number[] = [];
    const second = concurrency.acquire().then((r) => (order.push(2), r));
    const third = concurrency.acquire().then((r) => (order.push(3), r));
    await settle();
    expect(order).toEqual([]);
    release();
    release();
    await settle();
    expect(order).toEqual([2]);
    (await second)();
    (await third)();
    expect(order).toEqual([2, 3]);
    expect(concurrency.active).toBe(0);
    concurrency.setTarget(0);
    await expect(concurrency.acquire()).rejects.toEqual(excessive(0));
  });

  it('thousands of synchronous works queued behind a slow one drain without deep recursion', () => {
    const concurrency = new Concurrency(1);
    const gate = concurrency.run(NEVER).subscribe();
    let done = 0;
    for (let i = 0; i < 20_000; i++) concurrency.run(of(i)).subscribe({ complete: () => done++ });
    expect(concurrency.waiting).toBe(20_000);
    gate.unsubscribe();
    expect(done).toBe(20_000);
    expect(concurrency.waiting).toBe(0);
  });

  it('property: work starts only below the target, in FIFO order, and all of it runs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 25 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 5 })), { maxLength: 6 }),
        (initial, durations, retargets) => {
          const scheduler = new VirtualTimeScheduler();
          const concurrency = new Concurrency(initial);
          const started: number[] = [];
          let active = 0;
          let violations = 0;
          let finished = 0;
          for (const [at, target] of retargets) scheduler.schedule(() => concurrency.setTarget(target), at);
          durations.forEach((duration, i) => {
            concurrency
              .run(
                defer(() => {
                  if (active >= concurrency.maxConcurrent) violations++;
                  active++;
                  started.push(i);
                  return timer(duration, scheduler).pipe(finalize(() => active--));
                }),
              )
              .subscribe({ complete: () => finished++ });
          });
          scheduler.flush();
          expect(violations).toBe(0);
          expect(started).toEqual(durations.map((_, i) => i));
          expect(finished).toBe(durations.length);
          expect(concurrency.active).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
