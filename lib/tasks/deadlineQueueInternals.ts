import type { SchedulerLike, Subscription } from 'rxjs';
import { Fifo, scheduleWith } from './tasksInternals.js';

/**
 * One entry of a {@link DeadlineQueue}: call `cancel()` when the work it
 * guards has finished in time.
 */
export interface Deadline {
  /** Forgets the deadline; it will not expire. Idempotent. */
  cancel(): void;
}

/** What a deadline calls when it expires (an object, so hot paths need no closure per deadline). */
export interface Expirable {
  expire(): void;
}

/** Nothing to do: the work finished in time. */
const FINISHED: Expirable = { expire: () => undefined };

/** A lane compacts once it holds more than this many cancelled entries and they are over half of it. */
const COMPACT_MIN = 16;

class Entry implements Deadline {
  done = false;
  constructor(
    readonly due: number,
    public target: Expirable,
    /** The lane holding this entry; undefined once it has left it (expired, compacted away, or never queued). */
    public lane: Lane | undefined,
  ) {}

  cancel(): void {
    if (this.done) return;
    this.done = true;
    // A finished entry may wait in its lane behind a live one: it must not keep its work alive.
    this.target = FINISHED;
    this.lane?.cancelled();
  }
}

/**
 * Entries of one timeout length: added in due order, so a FIFO. Cancelled
 * entries leave at once from the head, and by compaction from anywhere else
 * once they are more than half of the lane, so the lane holds at most twice
 * its live entries (plus a few): one slow request cannot make every later,
 * finished one wait in memory until its timeout.
 */
class Lane extends Fifo<Entry> {
  /** Cancelled entries still stored. */
  #dead = 0;

  /** Takes the head out of the lane. */
  override shift(): Entry | undefined {
    const entry = super.shift();
    if (entry !== undefined) {
      entry.lane = undefined;
      if (entry.done) this.#dead -= 1;
    }
    return entry;
  }

  /**
   * One of this lane's entries was cancelled. Work mostly finishes in the
   * order it started, so finished heads leave at once and the lane stays
   * short; behind a live head, the lane compacts when over half is dead
   * (each compaction follows as many cancels as it moves entries: amortised
   * O(1)).
   */
  cancelled(): void {
    this.#dead += 1;
    for (let entry = this.first(); entry?.done === true; entry = this.first()) this.shift();
    if (this.#dead > COMPACT_MIN && this.#dead * 2 > this.length) this.#compact();
  }

  /** Drops every entry (the queue has closed). */
  clear(): void {
    while (this.shift() !== undefined);
  }

  /** Every entry passes through once: the live ones go back, in order. */
  #compact(): void {
    const live: Entry[] = [];
    for (let entry = this.shift(); entry !== undefined; entry = this.shift()) if (!entry.done) live.push(entry);
    for (const entry of live) {
      entry.lane = this;
      this.push(entry);
    }
  }
}

/**
 * Timeouts for many pieces of work with one timer: a deadline sweep instead
 * of a timer per request.
 *
 * Entries with the same timeout length expire in the order they were added,
 * so each length keeps a FIFO lane; one scheduler action is armed for the
 * earliest head. Cancelling is amortised O(1) and releases the entry's
 * target at once; a lane stores at most about twice its live entries
 * (finished heads are dropped as they finish, and a lane compacts when
 * more than half of it is cancelled). A cancelled head does not re-arm the
 * timer: the armed action may wake once for nothing and then re-arms for
 * the next live head.
 *
 * Internal to the session layer.
 */
export class DeadlineQueue {
  /** Made with the first deadline: many sessions never need one. */
  #lanes: Map<number, Lane> | undefined;
  #timer: Subscription | undefined;
  #timerDue = Infinity;
  #closed: boolean;

  readonly #scheduler: SchedulerLike;

  /**
   * @param scheduler - the clock and timers
   * @param closed - made closed (for a session that has ended): nothing it is given expires
   */
  constructor(scheduler: SchedulerLike, closed = false) {
    this.#scheduler = scheduler;
    this.#closed = closed;
  }

  /** Calls `target.expire()` after `seconds` unless the returned deadline is cancelled first. */
  add(seconds: number, target: Expirable): Deadline {
    const delay = Math.max(0, seconds * 1000);
    if (this.#closed) return new Entry(this.#scheduler.now() + delay, target, undefined);
    const lanes = (this.#lanes ??= new Map());
    let lane = lanes.get(delay);
    if (lane === undefined) {
      lane = new Lane();
      lanes.set(delay, lane);
    }
    const entry = new Entry(this.#scheduler.now() + delay, target, lane);
    lane.push(entry);
    if (entry.due < this.#timerDue) this.#arm(entry.due);
    return entry;
  }

  /** How many entries each lane holds (white-box view for the queue's tests). */
  laneSizes(): number[] {
    return [...(this.#lanes?.values() ?? [])].map((lane) => lane.length);
  }

  /** Drops every deadline and the timer; nothing expires afterwards. */
  close(): void {
    this.#closed = true;
    // Entries still referenced by their work must not keep the lanes, and so every other entry, alive.
    for (const lane of this.#lanes?.values() ?? []) lane.clear();
    this.#lanes = undefined;
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#timerDue = Infinity;
  }

  #arm(due: number): void {
    this.#timer?.unsubscribe();
    this.#timerDue = due;
    // Clamped: a deadline beyond setTimeout's ceiling (24.8 days) is reached in steps (a sweep
    // that finds nothing due re-arms), where a bare delay would fire in 1 ms, every millisecond.
    // The queue is the action's state: no closure per timer.
    this.#timer = scheduleWith(this.#scheduler, due, DeadlineQueue.#wake, this);
  }

  static #wake(this: unknown, queue?: DeadlineQueue): void {
    if (queue !== undefined) queue.#sweep();
  }

  #sweep(): void {
    this.#timer = undefined;
    this.#timerDue = Infinity;
    const now = this.#scheduler.now();
    const expired: Entry[] = [];
    let next = Infinity;
    const lanes = this.#lanes;
    if (lanes === undefined) return;
    for (const [delay, lane] of lanes) {
      for (let entry = lane.first(); entry !== undefined; entry = lane.first()) {
        if (!entry.done && entry.due > now) break;
        lane.shift();
        if (!entry.done) expired.push(entry);
      }
      const head = lane.first();
      if (head === undefined) lanes.delete(delay);
      else next = Math.min(next, head.due);
    }
    if (next !== Infinity) this.#arm(next);
    // A late timer may find several lanes overdue: expire in due order all the same.
    if (expired.length > 1) expired.sort((a, b) => a.due - b.due);
    for (const entry of expired) {
      if (this.#closed || entry.done) continue;
      entry.done = true;
      entry.target.expire();
    }
  }
}
