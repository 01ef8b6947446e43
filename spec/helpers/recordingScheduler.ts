import type { SchedulerAction, SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

/**
 * A virtual-time scheduler that records every delay asked of it, an action's
 * own reschedules included. RxJS's virtual schedulers drop an infinite delay
 * themselves, while `asyncScheduler` hands it to setTimeout, which Node fires
 * after 1 ms: a test of "an infinite delay is no timer" reads `delays`.
 * Run time forward with `virtual.flush()`.
 */
export function recording(): { readonly scheduler: SchedulerLike; readonly virtual: TestScheduler; readonly delays: number[] } {
  const virtual = new TestScheduler(() => undefined);
  virtual.maxFrames = Infinity;
  const delays: number[] = [];
  /** The work, run with an action whose reschedules are recorded too. */
  const recorded = <T>(work: (this: SchedulerAction<T>, state?: T) => void) =>
    function (this: SchedulerAction<T>, state?: T): void {
      const action = this;
      const reschedule = action.schedule.bind(action);
      action.schedule = (next?: T, delay = 0) => {
        delays.push(delay);
        return reschedule(next, delay);
      };
      work.call(action, state);
    };
  const scheduler: SchedulerLike = {
    now: () => virtual.now(),
    schedule: <T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T) => {
      delays.push(delay);
      return virtual.schedule(recorded(work), delay, state);
    },
  };
  return { scheduler, virtual, delays };
}
