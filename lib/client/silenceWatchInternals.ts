import type { SchedulerLike, Subscription } from 'rxjs';
import { Subscription as RxSubscription } from 'rxjs';
import type { RPCSession } from '../session/RPCSession.js';
import { scheduleAfter } from '../tasks/tasksInternals.js';
import type { KeepAliveOptions } from './ClientOptions.js';

/** What to do when a session has been silent too long. */
export interface SilenceWatch {
  readonly keepAlive: KeepAliveOptions | undefined;
  readonly livenessTimeout: number | undefined;
  readonly scheduler: SchedulerLike;
  /** Sends the keep-alive request. */
  ping(session: RPCSession, keepAlive: KeepAliveOptions): void;
  /** The session was silent for `livenessTimeout` seconds. */
  silent(session: RPCSession, seconds: number): void;
}

/**
 * Pings after `keepAlive.interval` seconds of silence from the server (from
 * the session's `lastRecv`) and reports `livenessTimeout` seconds of it: one
 * timer at a time, armed for the next moment either could be due.
 */
export function watchSilence(session: RPCSession, watch: SilenceWatch): Subscription {
  const { keepAlive, livenessTimeout, scheduler } = watch;
  if (keepAlive === undefined && livenessTimeout === undefined) return RxSubscription.EMPTY;
  const now = (): number => scheduler.now() / 1000;
  let lastPing = -Infinity;
  const check = (): number | undefined => {
    const heard = session.lastRecv;
    if (livenessTimeout !== undefined && now() - heard >= livenessTimeout) {
      watch.silent(session, livenessTimeout);
      return undefined;
    }
    let next = livenessTimeout === undefined ? Infinity : heard + livenessTimeout;
    if (keepAlive !== undefined) {
      if (now() - Math.max(heard, lastPing) >= keepAlive.interval) {
        lastPing = now();
        watch.ping(session, keepAlive);
      }
      next = Math.min(next, Math.max(heard, lastPing) + keepAlive.interval);
    }
    return Math.max(0, next - now());
  };
  // Each wait through scheduleAfter: an infinite one (keep-alive every Infinity seconds, no liveness) is no timer.
  let timer: Subscription | undefined;
  let stopped = false;
  const tick = (): void => {
    const wait = check();
    // What check reported may have stopped the watch (the client drops a silent session).
    if (!stopped && wait !== undefined) timer = scheduleAfter(scheduler, wait, tick);
  };
  timer = scheduleAfter(scheduler, 0, tick);
  return new RxSubscription(() => {
    stopped = true;
    timer?.unsubscribe();
  });
}
