import fc from 'fast-check';
import { DeadlineQueue, type Deadline } from '../../lib/tasks/deadlineQueueInternals';
import { VirtualTime } from '../helpers/VirtualTime';

/** A queue on virtual time, and a log of what expired when. */
function setup() {
  const time = new VirtualTime();
  const queue = new DeadlineQueue(time.scheduler);
  const expired: Array<[label: string, at: number]> = [];
  const add = (seconds: number, label: string): Deadline => queue.add(seconds, () => void expired.push([label, time.now]));
  return { time, queue, expired, add };
}

/** White-box: how many entries each lane holds (finished heads dropped, as the queue promises). */
function laneSizes(queue: DeadlineQueue): number[] {
  const lanes = (queue as unknown as { lanes: Map<number, { size: number }> }).lanes;
  return [...lanes.values()].map((lane) => lane.size);
}

describe('DeadlineQueue (virtual time)', () => {
  it('expires an entry at exactly its due time, not before', async () => {
    const { time, expired, add } = setup();
    add(1, 'a');
    await time.advance(999);
    expect(expired).toEqual([]);
    await time.advance(1);
    expect(expired).toEqual([['a', 1000]]);
    expect(time.pendingActions).toBe(0);
  });

  it('expires same-length entries in the order added, each at its own due time', async () => {
    const { time, expired, add } = setup();
    add(2, 'a');
    await time.advance(100);
    add(2, 'b');
    add(2, 'c');
    await time.advance(400);
    add(2, 'd');
    await time.advance(10_000);
    expect(expired).toEqual([
      ['a', 2000],
      ['b', 2100],
      ['c', 2100],
      ['d', 2500],
    ]);
  });

  it('interleaves lanes: a 1 s entry added after a 5 s entry still expires at 1 s', async () => {
    const { time, expired, add } = setup();
    add(5, 'five');
    add(1, 'one');
    await time.advance(300);
    add(3, 'three'); // due 3300
    add(1, 'one-later'); // due 1300
    await time.advance(10_000);
    expect(expired).toEqual([
      ['one', 1000],
      ['one-later', 1300],
      ['three', 3300],
      ['five', 5000],
    ]);
  });

  it('keeps ONE scheduled action however many entries, and of whatever lengths, are pending', async () => {
    const { time, expired, add } = setup();
    for (let i = 0; i < 1000; i++) add(1 + (i % 7), `e${i}`);
    expect(time.pendingActions).toBe(1);
    await time.advance(2500);
    expect(time.pendingActions).toBe(1);
    expect(expired.length).toBeGreaterThan(0);
    await time.advance(10_000);
    expect(expired).toHaveLength(1000);
    expect(time.pendingActions).toBe(0);
  });

  it('cancel() prevents expiry and is idempotent', async () => {
    const { time, expired, add } = setup();
    const a = add(1, 'a');
    add(1, 'b');
    const c = add(1, 'c');
    a.cancel();
    a.cancel();
    c.cancel();
    await time.advance(5000);
    expect(expired).toEqual([['b', 1000]]);
    c.cancel(); // after the sweep: still harmless
    a.cancel();
    expect(time.pendingActions).toBe(0);
  });

  it('cancel() after expiry does nothing', async () => {
    const { time, expired, add } = setup();
    const a = add(1, 'a');
    await time.advance(1000);
    a.cancel();
    add(1, 'b');
    await time.advance(1000);
    expect(expired).toEqual([
      ['a', 1000],
      ['b', 2000],
    ]);
  });

  it('a cancelled head lets the next live entry expire on time (the timer wakes once for nothing)', async () => {
    const { time, expired, add } = setup();
    const a = add(1, 'a');
    await time.advance(500);
    add(1, 'b'); // due 1500
    a.cancel();
    await time.advance(499);
    expect(expired).toEqual([]);
    await time.advance(1); // the wake-up for the cancelled head
    expect(expired).toEqual([]);
    expect(time.pendingActions).toBe(1);
    await time.advance(500);
    expect(expired).toEqual([['b', 1500]]);
    expect(time.pendingActions).toBe(0);
  });

  it('cancelling in order keeps the lane short: 10,000 added and cancelled, nothing expires, nothing is left', async () => {
    const { time, queue, expired, add } = setup();
    const deadlines = Array.from({ length: 10_000 }, (_, i) => add(1, `e${i}`));
    expect(laneSizes(queue)).toEqual([10_000]);
    for (const deadline of deadlines) deadline.cancel();
    expect(laneSizes(queue)).toEqual([0]);
    await time.advance(1000);
    expect(expired).toEqual([]);
    expect(time.pendingActions).toBe(0);
    expect(laneSizes(queue)).toEqual([]);
  });

  it('cancelling out of order drops the finished run once the head finishes', async () => {
    const { time, queue, expired, add } = setup();
    const deadlines = Array.from({ length: 100 }, (_, i) => add(1, `e${i}`));
    for (let i = 99; i >= 1; i--) deadlines[i]?.cancel();
    expect(laneSizes(queue)).toEqual([100]);
    deadlines[0]?.cancel();
    expect(laneSizes(queue)).toEqual([0]);
    await time.advance(2000);
    expect(expired).toEqual([]);
    expect(time.pendingActions).toBe(0);
  });

  it('a queue that keeps pace (add one, cancel the oldest) never grows', async () => {
    const { time, queue, expired, add } = setup();
    const live: Deadline[] = [];
    for (let i = 0; i < 5000; i++) {
      live.push(add(30, `e${i}`));
      if (live.length > 10) live.shift()?.cancel();
      if (i % 100 === 0) await time.advance(1);
    }
    expect(laneSizes(queue)).toEqual([10]);
    expect(time.pendingActions).toBe(1);
    for (const deadline of live) deadline.cancel();
    await time.advance(60_000);
    expect(expired).toEqual([]);
    expect(time.pendingActions).toBe(0);
  });

  it('close() drops every deadline and its timer; later adds never expire', async () => {
    const { time, queue, expired, add } = setup();
    add(1, 'a');
    add(5, 'b');
    expect(time.pendingActions).toBe(1);
    queue.close();
    expect(time.pendingActions).toBe(0);
    const late = add(1, 'late');
    expect(time.pendingActions).toBe(0);
    late.cancel();
    add(2, 'later');
    await time.advance(10_000);
    expect(expired).toEqual([]);
    expect(time.pendingActions).toBe(0);
  });

  it('an expire callback may add a new deadline', async () => {
    const { time, queue, expired } = setup();
    let rounds = 0;
    const again = (): void => {
      expired.push([`round ${rounds}`, time.now]);
      if (++rounds < 3) queue.add(1, again);
    };
    queue.add(1, again);
    await time.advance(10_000);
    expect(expired).toEqual([
      ['round 0', 1000],
      ['round 1', 2000],
      ['round 2', 3000],
    ]);
    expect(time.pendingActions).toBe(0);
  });

  it('an expire callback may add a shorter deadline than the one already armed', async () => {
    const { time, queue, expired, add } = setup();
    add(10, 'ten');
    queue.add(1, () => {
      expired.push(['one', time.now]);
      add(0.5, 'half');
    });
    await time.advance(20_000);
    expect(expired).toEqual([
      ['one', 1000],
      ['half', 1500],
      ['ten', 10_000],
    ]);
  });

  it('an expire callback that cancels another due entry, or closes the queue, stops it expiring', async () => {
    const { time, queue, expired, add } = setup();
    let victim: Deadline | undefined;
    queue.add(1, () => {
      expired.push(['killer', time.now]);
      victim?.cancel();
    });
    victim = add(1, 'victim');
    add(1, 'survivor');
    await time.advance(1000);
    expect(expired).toEqual([
      ['killer', 1000],
      ['survivor', 1000],
    ]);

    queue.add(1, () => queue.close());
    add(1, 'never');
    add(2, 'never either');
    await time.advance(5000);
    expect(expired).toHaveLength(2);
    expect(time.pendingActions).toBe(0);
  });

  it('a zero or negative timeout expires on the next scheduler turn, not synchronously', async () => {
    const { time, expired, add } = setup();
    add(0, 'zero');
    add(-3, 'negative');
    expect(expired).toEqual([]);
    await time.settle();
    expect(expired).toEqual([
      ['zero', 0],
      ['negative', 0],
    ]);
  });

  it('property: every live entry expires exactly at its due time, in due order; cancelled ones never do', async () => {
    const entry = fc.record({
      at: fc.integer({ min: 0, max: 3000 }),
      seconds: fc.constantFrom(0.25, 0.5, 1, 2, 3.5),
      cancelAfter: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 40 }), async (entries) => {
        const time = new VirtualTime();
        const queue = new DeadlineQueue(time.scheduler);
        const fired: Array<{ index: number; at: number }> = [];
        const cancelled = new Set<number>();
        const expected = new Map<number, number>();
        entries.forEach(({ at, seconds, cancelAfter }, index) => {
          time.scheduler.schedule(() => {
            const deadline = queue.add(seconds, () => void fired.push({ index, at: time.now }));
            const due = at + seconds * 1000;
            if (cancelAfter !== undefined && at + cancelAfter < due) {
              cancelled.add(index);
              time.scheduler.schedule(() => deadline.cancel(), cancelAfter);
            } else {
              expected.set(index, due);
            }
          }, at);
        });
        await time.advance(10_000);
        for (const { index, at } of fired) {
          expect(cancelled.has(index)).toBe(false);
          expect(at).toBe(expected.get(index));
        }
        expect(fired.map((f) => f.index).sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
        const times = fired.map((f) => f.at);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(time.pendingActions).toBe(0);
      }),
      { numRuns: 100 },
    );
  });
});
