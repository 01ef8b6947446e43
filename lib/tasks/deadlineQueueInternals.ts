import type { SchedulerLike, Subscription } from 'rxjs';

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
interface Lane {
  /** Entries stored: the live ones and at most as many cancelled ones (or a few). */
  readonly size: number;
  push(entry: Entry): void;
  first(): Entry | undefined;
  shift(): Entry | undefined;
  /**
   * One of this lane's entries was cancelled. Work mostly finishes in the
   * order it started, so finished heads leave at once and the lane stays
   * short; behind a live head, the lane compacts when over half is dead
   * (each compaction follows as many cancels as it moves entries: amortised
   * O(1)).
   */
  cancelled(): void;
  /** Drops every entry (the queue has closed). */
  clear(): void;
}

/** A new {@link Lane}: a few per session (one per timeout length), so its state lives in a closure. */
function lane(): Lane {
  let entries: Entry[] = [];
  let head = 0;
  /** Cancelled entries still stored, at or after `head`. */
  let dead = 0;
  const first = (): Entry | undefined => entries[head];
  const shift = (): Entry | undefined => {
    const entry = entries[head];
    if (entry === undefined) return undefined;
    entries[head++] = undefined as unknown as Entry;
    entry.lane = undefined;
    if (entry.done) dead -= 1;
    if (head > 1024 && head * 2 > entries.length) {
      entries = entries.slice(head);
      head = 0;
    }
    return entry;
  };
  /** Keeps `keep(entry)` of what is stored, from the head on; the others leave the lane. */
  const retain = (keep: (entry: Entry) => boolean): void => {
    const kept: Entry[] = [];
    for (let i = head; i < entries.length; i += 1) {
      const entry = entries[i]!;
      if (keep(entry)) kept.push(entry);
      else entry.lane = undefined;
    }
    entries = kept;
    head = 0;
    dead = 0;
  };
  return {
    get size() {
      return entries.length - head;
    },
    push: (entry) => void entries.push(entry),
    first,
    shift,
    cancelled() {
      dead += 1;
      for (let entry = first(); entry?.done === true; entry = first()) shift();
      if (dead > COMPACT_MIN && dead * 2 > entries.length - head) retain((entry) => !entry.done);
    },
    clear: () => retain(() => false),
  };
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
export interface DeadlineQueue {
  /** Calls `target.expire()` after `seconds` unless the returned deadline is cancelled first. */
  add(seconds: number, target: Expirable): Deadline;
  /** How many entries each lane holds (white-box view for the queue's tests). */
  laneSizes(): number[];
  /** Drops every deadline and the timer; nothing expires afterwards. */
  close(): void;
}

/** A session's {@link DeadlineQueue}, on `scheduler`'s clock and timers. */
export function deadlineQueue(scheduler: SchedulerLike): DeadlineQueue {
  /** Made with the first deadline: many sessions never need one. */
  let lanes: Map<number, Lane> | undefined;
  let timer: Subscription | undefined;
  let timerDue = Infinity;
  let closed = false;

  const arm = (due: number): void => {
    timer?.unsubscribe();
    timerDue = due;
    timer = scheduler.schedule(sweep, Math.max(0, due - scheduler.now()));
  };

  function sweep(): void {
    timer = undefined;
    timerDue = Infinity;
    const now = scheduler.now();
    const expired: Entry[] = [];
    let next = Infinity;
    if (lanes === undefined) return;
    for (const [delay, queue] of lanes) {
      for (let entry = queue.first(); entry !== undefined; entry = queue.first()) {
        if (!entry.done && entry.due > now) break;
        queue.shift();
        if (!entry.done) expired.push(entry);
      }
      const first = queue.first();
      if (first === undefined) lanes.delete(delay);
      else next = Math.min(next, first.due);
    }
    if (next !== Infinity) arm(next);
    if (expired.length > 1) expired.sort((a, b) => a.due - b.due);
    for (const entry of expired) {
      if (closed || entry.done) continue;
      entry.done = true;
      entry.target.expire();
    }
  }

  return {
    add(seconds, target) {
      const delay = Math.max(0, seconds * 1000);
      if (closed) return new Entry(scheduler.now() + delay, target, undefined);
      let queue = (lanes ??= new Map()).get(delay);
      if (queue === undefined) lanes.set(delay, (queue = lane()));
      const entry = new Entry(scheduler.now() + delay, target, queue);
      queue.push(entry);
      if (entry.due < timerDue) arm(entry.due);
      return entry;
    },
    laneSizes: () => [...(lanes?.values() ?? [])].map((queue) => queue.size),
    close() {
      closed = true;
      for (const queue of lanes?.values() ?? []) queue.clear();
      lanes = undefined;
      timer?.unsubscribe();
      timer = undefined;
      timerDue = Infinity;
    },
  };
}
