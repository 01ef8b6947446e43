import fc from 'fast-check';
import { ReplaySubject, map, type Observable, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { DeadlineQueue, type Deadline } from '../../lib/tasks/deadlineQueueInternals';
import { recording } from '../helpers/recordingScheduler';
import { testScheduler } from './tasksTestKit';

/** A scheduler passing through to `inner`, counting the actions scheduled on it. */
interface CountingScheduler extends SchedulerLike {
  /** Actions scheduled and neither run nor cancelled. */
  readonly live: number;
  /** Actions ever scheduled. */
  readonly scheduled: number;
}

function counting(inner: SchedulerLike): CountingScheduler {
  let live = 0;
  let scheduled = 0;
  return {
    get live() {
      return live;
    },
    get scheduled() {
      return scheduled;
    },
    now: () => inner.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
      live += 1;
      scheduled += 1;
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        live -= 1;
      };
      const subscription = inner.schedule(
        function (this: SchedulerAction<T>, value?: T) {
          settle();
          work.call(this, value);
        },
        delay,
        state,
      );
      subscription.add(settle);
      return subscription;
    },
  };
}

/**
 * A queue on the run's virtual clock (called inside `TestScheduler.run`):
 * `expired$` replays the labels as they expire, for `expectObservable`;
 * `live(at$)` reads how many actions the queue holds at each of `at$`'s frames.
 */
function setup(scheduler: TestScheduler) {
  const clock = counting(scheduler);
  const queue = new DeadlineQueue(clock);
  const expired = new ReplaySubject<string>();
  const add = (seconds: number, label: string): Deadline => queue.add(seconds, { expire: () => expired.next(label) });
  const live = (at$: Observable<unknown>): Observable<number> => at$.pipe(map(() => clock.live));
  return { clock, queue, expired, expired$: expired.asObservable(), add, live };
}

/** White-box: how many entries each lane holds (finished heads dropped, as the queue promises). */
function laneSizes(queue: DeadlineQueue): number[] {
  return queue.laneSizes();
}

describe('DeadlineQueue (marbles)', () => {
  it('expires an entry at exactly its due time, not before, and leaves nothing scheduled', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { add, expired$, live } = setup(scheduler);
      add(1, 'a');
      expectObservable(expired$).toBe('1s a');
      expectObservable(live(hot('999ms a 1ms b'))).toBe('999ms a 1ms b', { a: 1, b: 0 });
    });
  });

  it('expires same-length entries in the order added, each at its own due time', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { add, expired$ } = setup(scheduler);
      hot('a 99ms b 399ms c').subscribe((at) => {
        if (at === 'a') add(2, 'a');
        if (at === 'b') {
          add(2, 'b');
          add(2, 'c');
        }
        if (at === 'c') add(2, 'd');
      });
      expectObservable(expired$).toBe('2s a 99ms (bc) 396ms d');
    });
  });

  it('interleaves lanes: a 1 s entry added after a 5 s entry still expires at 1 s', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { add, expired$ } = setup(scheduler);
      add(5, 'five');
      add(1, 'one');
      hot('300ms x').subscribe(() => {
        add(3, 'three'); // due 3300
        add(1, 'one-later'); // due 1300
      });
      const labels = { a: 'one', b: 'one-later', c: 'three', d: 'five' };
      expectObservable(expired$).toBe('1s a 299ms b 1999ms c 1699ms d', labels);
    });
  });

  it('keeps ONE scheduled action however many entries, and of whatever lengths, are pending', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { add, clock, expired$ } = setup(scheduler);
      let count = 0;
      expired$.subscribe(() => (count += 1));
      for (let i = 0; i < 1000; i++) add(1 + (i % 7), `e${i}`);
      expect(clock.live).toBe(1);
      // By 2.5 s the 1 s and 2 s entries have gone: 143 + 143 of the 1000.
      const state$ = hot('2500ms a 10s b').pipe(map(() => [clock.live, count]));
      expectObservable(state$).toBe('2500ms a 10s b', { a: [1, 286], b: [0, 1000] });
    });
  });

  it('cancel() prevents expiry and is idempotent, before or after the sweep', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { add, expired$, live } = setup(scheduler);
      const a = add(1, 'a');
      add(1, 'b');
      const c = add(1, 'c');
      a.cancel();
      a.cancel();
      c.cancel();
      hot('2s x').subscribe(() => {
        c.cancel();
        a.cancel();
      });
      expectObservable(expired$).toBe('1s b');
      expectObservable(live(hot('3s x'))).toBe('3s x', { x: 0 });
    });
  });

  it('cancel() after expiry does nothing', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { add, expired$ } = setup(scheduler);
      const a = add(1, 'a');
      hot('1001ms x').subscribe(() => {
        a.cancel();
        add(1, 'b');
      });
      expectObservable(expired$).toBe('1s a 1000ms b');
    });
  });

  it('a cancelled head lets the next live entry expire on time (the timer wakes once for nothing)', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable, flush }) => {
      const { add, clock, expired$, live } = setup(scheduler);
      const a = add(1, 'a');
      hot('500ms x').subscribe(() => {
        add(1, 'b'); // due 1500
        a.cancel();
      });
      expectObservable(expired$).toBe('1500ms b');
      // Woken at 1000 for the cancelled head, it re-arms for b.
      expectObservable(live(hot('999ms a 1ms b 500ms x'))).toBe('999ms a 1ms b 500ms x', { a: 1, b: 1, x: 0 });
      flush();
      expect(clock.scheduled).toBe(2);
    });
  });

  it('cancelling in order keeps the lane short: 10,000 added and cancelled, nothing expires, nothing is left', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { queue, add, clock, expired$ } = setup(scheduler);
      const deadlines = Array.from({ length: 10_000 }, (_, i) => add(1, `e${i}`));
      expect(laneSizes(queue)).toEqual([10_000]);
      for (const deadline of deadlines) deadline.cancel();
      expect(laneSizes(queue)).toEqual([0]);
      expectObservable(expired$).toBe('');
      expectObservable(hot('1001ms x').pipe(map(() => [laneSizes(queue), clock.live]))).toBe('1001ms x', { x: [[], 0] });
    });
  });

  it('cancelling out of order drops the finished run once the head finishes', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { queue, add, expired$, live } = setup(scheduler);
      const deadlines = Array.from({ length: 100 }, (_, i) => add(1, `e${i}`));
      for (let i = 99; i >= 1; i--) deadlines[i]?.cancel();
      // Compacted as it went: the live head and at most 16 cancelled entries are left.
      expect(laneSizes(queue)[0]).toBeLessThanOrEqual(17);
      deadlines[0]?.cancel();
      expect(laneSizes(queue)).toEqual([0]);
      expectObservable(expired$).toBe('');
      expectObservable(live(hot('2s x'))).toBe('2s x', { x: 0 });
    });
  });

  it('behind one live entry, 10,000 cancelled ones leave the lane at once and keep nothing of their work', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { queue, add, expired$ } = setup(scheduler);
      add(30, 'slow');
      const targets = Array.from({ length: 10_000 }, () => ({ expire: () => undefined }));
      const deadlines = targets.map((target) => queue.add(30, target));
      for (const deadline of deadlines) deadline.cancel();
      expect(laneSizes(queue)[0]).toBeLessThanOrEqual(1 + 16);
      deadlines.forEach((deadline, i) => expect((deadline as unknown as { target: unknown }).target).not.toBe(targets[i]));
      // Interleaved: every other entry cancelled, the lane holds about twice its live ones.
      const live = Array.from({ length: 1000 }, () => [add(30, 'live'), add(30, 'cancelled')]).map(([keep, drop]) => {
        drop?.cancel();
        return keep;
      });
      expect(laneSizes(queue)[0]).toBeLessThanOrEqual(2 * (1 + live.length) + 16);
      // The live ones still expire on time, the slow one first.
      const fired: string[] = [];
      expired$.subscribe((label) => fired.push(label));
      const seen$ = hot('29999ms a 1ms b').pipe(map(() => [fired.length, fired[0]]));
      expectObservable(seen$).toBe('29999ms a 1ms b', { a: [0, undefined], b: [1001, 'slow'] });
    });
  });

  it('close() lets go of the lanes: an entry its work still holds keeps no other entry alive', () => {
    const scheduler = testScheduler();
    scheduler.run(() => {
      const { queue, add } = setup(scheduler);
      const kept = add(1, 'a');
      add(1, 'b');
      queue.close();
      expect((kept as unknown as { lane: unknown }).lane).toBeUndefined();
    });
  });

  it('a queue that keeps pace (add one, cancel the oldest) never grows', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { queue, add, clock, expired$, live } = setup(scheduler);
      const pending: Deadline[] = [];
      // 50 turns, 1 ms apart, of 100 adds each.
      hot('x'.repeat(50)).subscribe(() => {
        for (let i = 0; i < 100; i++) {
          pending.push(add(30, 'e'));
          if (pending.length > 10) pending.shift()?.cancel();
        }
      });
      expectObservable(hot('50ms x').pipe(map(() => [laneSizes(queue), clock.live]))).toBe('50ms x', { x: [[10], 1] });
      hot('51ms x').subscribe(() => {
        for (const deadline of pending) deadline.cancel();
      });
      expectObservable(expired$).toBe('');
      expectObservable(live(hot('61s x'))).toBe('61s x', { x: 0 });
    });
  });

  it('close() drops every deadline and its timer; later adds never expire', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { queue, add, clock, expired$, live } = setup(scheduler);
      add(1, 'a');
      add(5, 'b');
      expect(clock.live).toBe(1);
      queue.close();
      expect(clock.live).toBe(0);
      const late = add(1, 'late');
      expect(clock.live).toBe(0);
      late.cancel();
      add(2, 'later');
      expectObservable(expired$).toBe('');
      expectObservable(live(hot('10s x'))).toBe('10s x', { x: 0 });
      expect(clock.scheduled).toBe(1);
    });
  });

  it('a queue made closed (for a session that has ended) schedules and expires nothing', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const clock = counting(scheduler);
      const queue = new DeadlineQueue(clock, true);
      const expired = new ReplaySubject<string>();
      queue.add(1, { expire: () => expired.next('a') });
      expectObservable(expired).toBe('');
      expect([clock.live, clock.scheduled, queue.laneSizes()]).toEqual([0, 0, []]);
    });
  });

  it('an expire callback may add a new deadline', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { queue, expired, expired$, live } = setup(scheduler);
      let rounds = 0;
      const again = (): void => {
        expired.next(`round ${rounds}`);
        if (++rounds < 3) queue.add(1, { expire: again });
      };
      queue.add(1, { expire: again });
      expectObservable(expired$).toBe('1s a 999ms b 999ms c', { a: 'round 0', b: 'round 1', c: 'round 2' });
      expectObservable(live(hot('10s x'))).toBe('10s x', { x: 0 });
    });
  });

  it('an expire callback may add a shorter deadline than the one already armed', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const { queue, expired, add, expired$ } = setup(scheduler);
      add(10, 'ten');
      queue.add(1, {
        expire: () => {
          expired.next('one');
          add(0.5, 'half');
        },
      });
      expectObservable(expired$).toBe('1s a 499ms b 8499ms c', { a: 'one', b: 'half', c: 'ten' });
    });
  });

  it('an expire callback that cancels another due entry, or closes the queue, stops it expiring', () => {
    const scheduler = testScheduler();
    scheduler.run(({ hot, expectObservable }) => {
      const { queue, expired, add, expired$, live } = setup(scheduler);
      let victim: Deadline | undefined;
      queue.add(1, {
        expire: () => {
          expired.next('killer');
          victim?.cancel();
        },
      });
      victim = add(1, 'victim');
      add(1, 'survivor');
      hot('1001ms x').subscribe(() => {
        queue.add(1, { expire: () => queue.close() });
        add(1, 'never');
        add(2, 'never either');
      });
      expectObservable(expired$).toBe('1s (ks)', { k: 'killer', s: 'survivor' });
      expectObservable(live(hot('7s x'))).toBe('7s x', { x: 0 });
    });
  });

  it('a deadline beyond setTimeout’s ceiling is reached in steps, not re-armed every millisecond', () => {
    // asyncScheduler hands a delay over 2^31 - 1 ms to setTimeout, which Node fires after 1 ms.
    const { scheduler, virtual, delays } = recording();
    const queue = new DeadlineQueue(scheduler);
    const expired: number[] = [];
    const thirtyDays = 30 * 86_400;
    queue.add(thirtyDays, { expire: () => expired.push(virtual.now()) });
    virtual.flush();
    expect(expired).toEqual([thirtyDays * 1000]);
    expect(delays.every((delay) => delay <= 0x7fffffff)).toBe(true);
    expect(delays.length).toBeLessThanOrEqual(2);
  });

  it('a zero or negative timeout expires on the next scheduler turn, not synchronously', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const { add, expired$ } = setup(scheduler);
      let seen = 0;
      expired$.subscribe(() => (seen += 1));
      add(0, 'zero');
      add(-3, 'negative');
      expect(seen).toBe(0);
      expectObservable(expired$).toBe('(ab)', { a: 'zero', b: 'negative' });
    });
  });

  it('property: every live entry expires exactly at its due time, in due order; cancelled ones never do', () => {
    const entry = fc.record({
      at: fc.integer({ min: 0, max: 3000 }),
      seconds: fc.constantFrom(0.25, 0.5, 1, 2, 3.5),
      cancelAfter: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (entries) => {
        const scheduler = testScheduler();
        const fired: Array<{ index: number; at: number }> = [];
        const cancelled = new Set<number>();
        const expected = new Map<number, number>();
        let clock!: CountingScheduler;
        scheduler.run(() => {
          clock = counting(scheduler);
          const queue = new DeadlineQueue(clock);
          entries.forEach(({ at, seconds, cancelAfter }, index) => {
            scheduler.schedule(() => {
              const deadline = queue.add(seconds, { expire: () => void fired.push({ index, at: scheduler.now() }) });
              const due = at + seconds * 1000;
              if (cancelAfter !== undefined && at + cancelAfter < due) {
                cancelled.add(index);
                scheduler.schedule(() => deadline.cancel(), cancelAfter);
              } else {
                expected.set(index, due);
              }
            }, at);
          });
        });
        for (const { index, at } of fired) {
          expect(cancelled.has(index)).toBe(false);
          expect(at).toBe(expected.get(index));
        }
        expect(fired.map((f) => f.index).sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
        const times = fired.map((f) => f.at);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(clock.live).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});
