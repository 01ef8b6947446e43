import { TestScheduler } from 'rxjs/testing';

/**
 * Virtual time for code that mixes scheduler timers with Promises: a
 * TestScheduler whose clock moves only when the test says, with microtasks
 * drained between timer actions so `await` chains keep up.
 */
export class VirtualTime {
  readonly scheduler: TestScheduler;

  constructor() {
    this.scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    this.scheduler.maxFrames = 0;
  }

  /** Virtual milliseconds since the start. */
  get now(): number {
    return this.scheduler.now();
  }

  /** Runs every Promise continuation and every action due by now. */
  async settle(): Promise<void> {
    await this.advance(0);
  }

  /** Moves the clock forward `ms` virtual milliseconds, running what falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.scheduler.frame + ms;
    for (let rounds = 0; rounds < 100_000; rounds++) {
      await drainMicrotasks();
      const next = this.scheduler.actions[0];
      if (!next || next.delay > target) break;
      this.scheduler.maxFrames = next.delay;
      this.scheduler.flush();
    }
    this.scheduler.frame = target;
    await drainMicrotasks();
  }

  /**
   * Advances from timer to timer until `promise` settles (within `limitMs`
   * virtual milliseconds), and returns its outcome.
   */
  async until<T>(promise: Promise<T>, limitMs = 600_000): Promise<T> {
    let done = false;
    const watched = promise.finally(() => (done = true));
    watched.catch(() => undefined);
    const end = this.scheduler.frame + limitMs;
    await this.settle();
    while (!done) {
      const next = this.scheduler.actions[0];
      if (!next) throw new Error('still pending, and no timer left to wait for');
      if (next.delay > end) throw new Error(`still pending after ${limitMs} virtual ms`);
      await this.advance(next.delay - this.scheduler.frame);
    }
    return watched;
  }

  /** Scheduled actions still waiting: a session that closed cleanly leaves none. */
  get pendingActions(): number {
    return this.scheduler.actions.length;
  }
}

function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
