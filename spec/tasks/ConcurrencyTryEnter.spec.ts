import fc from 'fast-check';
import { NEVER, Subject, defer, of, type Subscription } from 'rxjs';
import { Concurrency, ExcessiveSessionCostError } from 'rxrpcx';
import { settle } from './tasksTestKit';

describe('Concurrency.tryEnter / leave', () => {
  it('takes slots up to the target, then refuses; leave gives one back', () => {
    const concurrency = new Concurrency(3);
    expect([concurrency.tryEnter(), concurrency.tryEnter(), concurrency.tryEnter()]).toEqual([true, true, true]);
    expect(concurrency.active).toBe(3);
    expect(concurrency.tryEnter()).toBe(false);
    expect(concurrency.active).toBe(3);
    expect(concurrency.waiting).toBe(0); // a refusal does not queue
    concurrency.leave();
    expect(concurrency.active).toBe(2);
    expect(concurrency.tryEnter()).toBe(true);
    expect(concurrency.tryEnter()).toBe(false);
    concurrency.leave();
    concurrency.leave();
    concurrency.leave();
    expect(concurrency.active).toBe(0);
  });

  it('refuses with a target of 0 or below (and never throws, unlike run and acquire)', () => {
    expect(new Concurrency(0).tryEnter()).toBe(false);
    expect(new Concurrency(-2).tryEnter()).toBe(false);
    expect(new Concurrency(0.9).tryEnter()).toBe(false); // truncated to 0
    const concurrency = new Concurrency(2);
    expect(concurrency.tryEnter()).toBe(true);
    concurrency.setTarget(0);
    expect(concurrency.tryEnter()).toBe(false);
    expect(concurrency.active).toBe(1); // the slot taken before still counts until left
    concurrency.leave();
    expect(concurrency.active).toBe(0);
    expect(concurrency.tryEnter()).toBe(false);
    concurrency.setTarget(1);
    expect(concurrency.tryEnter()).toBe(true);
  });

  it('leave admits a queued run() waiter at once, in FIFO order', () => {
    const concurrency = new Concurrency(1);
    expect(concurrency.tryEnter()).toBe(true);
    const started: string[] = [];
    const a = concurrency.run(defer(() => (started.push('a'), NEVER))).subscribe();
    const b = concurrency.run(defer(() => (started.push('b'), NEVER))).subscribe();
    expect(started).toEqual([]);
    expect(concurrency.waiting).toBe(2);
    concurrency.leave();
    expect(started).toEqual(['a']);
    expect(concurrency.active).toBe(1);
    expect(concurrency.waiting).toBe(1);
    a.unsubscribe();
    expect(started).toEqual(['a', 'b']);
    b.unsubscribe();
    expect(concurrency.active).toBe(0);
    expect(concurrency.waiting).toBe(0);
  });

  it('leave admits a queued acquire() waiter', async () => {
    const concurrency = new Concurrency(1);
    expect(concurrency.tryEnter()).toBe(true);
    let release: (() => void) | undefined;
    void concurrency.acquire().then((r) => (release = r));
    await settle();
    expect(release).toBeUndefined();
    expect(concurrency.waiting).toBe(1);
    concurrency.leave();
    await settle();
    expect(release).toBeInstanceOf(Function);
    expect(concurrency.active).toBe(1);
    expect(concurrency.tryEnter()).toBe(false);
    release?.();
    expect(concurrency.active).toBe(0);
    expect(concurrency.tryEnter()).toBe(true);
  });

  it('refuses while anyone waits, so it never jumps the queue', () => {
    const concurrency = new Concurrency(1);
    const holder = concurrency.run(NEVER).subscribe();
    const waiter = concurrency.run(of('queued')).subscribe();
    expect(concurrency.waiting).toBe(1);
    expect(concurrency.tryEnter()).toBe(false);
    holder.unsubscribe(); // the waiter runs (synchronously) and finishes
    expect(concurrency.waiting).toBe(0);
    expect(concurrency.active).toBe(0);
    expect(concurrency.tryEnter()).toBe(true);
    concurrency.leave();
    waiter.unsubscribe();
  });

  it('refuses while a waiter queues even when a slot is free (a raise admitting waiters one by one)', () => {
    const concurrency = new Concurrency(3);
    const holders = [1, 2, 3].map(() => concurrency.run(NEVER).subscribe());
    concurrency.setTarget(1);
    const seen: boolean[] = [];
    const late: Subscription[] = [];
    // Two waiters; the first, when admitted, tries to jump the queue ahead of the second.
    late.push(concurrency.run(defer(() => (seen.push(concurrency.tryEnter()), NEVER))).subscribe());
    late.push(concurrency.run(NEVER).subscribe());
    holders[0]?.unsubscribe();
    holders[1]?.unsubscribe();
    expect(concurrency.active).toBe(1);
    expect(concurrency.waiting).toBe(2);
    concurrency.setTarget(3); // two slots free: the drain admits the first waiter, which finds the second still queued
    expect(seen).toEqual([false]);
    expect(concurrency.active).toBe(3);
    expect(concurrency.waiting).toBe(0);
    for (const subscription of [...holders, ...late]) subscription.unsubscribe();
    expect(concurrency.active).toBe(0);
  });

  it('leave after lowering the target drains down to it before admitting anyone', () => {
    const concurrency = new Concurrency(3);
    expect([concurrency.tryEnter(), concurrency.tryEnter(), concurrency.tryEnter()]).toEqual([true, true, true]);
    concurrency.setTarget(1);
    const started: number[] = [];
    concurrency.run(defer(() => (started.push(1), of(1)))).subscribe();
    concurrency.leave();
    expect(started).toEqual([]); // 2 active, target 1
    concurrency.leave();
    expect(started).toEqual([]); // 1 active, target 1
    concurrency.leave();
    expect(started).toEqual([1]);
    expect(concurrency.active).toBe(0);
  });

  it('a target falling to 0 fails the waiters queued behind tryEnter slots', () => {
    const concurrency = new Concurrency(1);
    expect(concurrency.tryEnter()).toBe(true);
    const errors: unknown[] = [];
    concurrency.run(of(1)).subscribe({ error: (e: unknown) => errors.push(e) });
    concurrency.setTarget(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ExcessiveSessionCostError);
    concurrency.leave();
    expect(concurrency.active).toBe(0);
    expect(concurrency.waiting).toBe(0);
  });

  it('thousands of synchronous works queued behind a tryEnter slot drain from one leave', () => {
    const concurrency = new Concurrency(1);
    expect(concurrency.tryEnter()).toBe(true);
    let done = 0;
    for (let i = 0; i < 5_000; i++) concurrency.run(of(i)).subscribe({ complete: () => done++ });
    concurrency.leave();
    expect(done).toBe(5_000);
    expect(concurrency.tryEnter()).toBe(true);
    concurrency.leave();
  });

  it('property: tryEnter/leave mixed with run keeps active within the target and never overtakes waiters', () => {
    type Op = { readonly kind: 'try' } | { readonly kind: 'leave' } | { readonly kind: 'run' } | { readonly kind: 'finish' };
    const op: fc.Arbitrary<Op> = fc.constantFrom<Op>({ kind: 'try' }, { kind: 'leave' }, { kind: 'run' }, { kind: 'finish' });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (target, ops) => {
        const concurrency = new Concurrency(target);
        let held = 0; // slots taken with tryEnter
        const running: Array<Subject<void>> = [];
        const queued: Array<Subject<void>> = [];
        let startedOrder: number[] = [];
        let next = 0;
        for (const step of ops) {
          switch (step.kind) {
            case 'try': {
              const waitingBefore = concurrency.waiting;
              const freeBefore = concurrency.active < target;
              const took = concurrency.tryEnter();
              expect(took).toBe(waitingBefore === 0 && freeBefore);
              if (took) held++;
              break;
            }
            case 'leave':
              if (held > 0) {
                held--;
                concurrency.leave();
              }
              break;
            case 'run': {
              const n = next++;
              const gate = new Subject<void>();
              queued.push(gate);
              concurrency
                .run(
                  defer(() => {
                    startedOrder.push(n);
                    running.push(gate);
                    return gate;
                  }),
                )
                .subscribe();
              break;
            }
            case 'finish':
              running.shift()?.complete();
              break;
          }
          expect(concurrency.active).toBeLessThanOrEqual(target);
          expect(concurrency.active).toBe(held + running.length);
        }
        expect(startedOrder).toEqual([...startedOrder].sort((a, b) => a - b));
        startedOrder = [];
        while (held > 0) {
          held--;
          concurrency.leave();
        }
        while (running.length > 0) running.shift()?.complete();
        expect(concurrency.active).toBe(0);
        expect(concurrency.waiting).toBe(0);
        expect(queued.length).toBe(next);
      }),
      { numRuns: 300 },
    );
  });
});
