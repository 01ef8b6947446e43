import { Observable, Subject, asyncScheduler, concat, defer, interval, map, of, share, takeUntil, type SchedulerLike } from 'rxjs';
import type { SessionBase } from '../session/SessionBase.js';
import { whenEnded } from '../session/sessionInternals.js';
import { countersOf, type SessionCounters } from '../session/statsInternals.js';
import type { ServerCostStats, ServerStats } from './ServerStats.js';

/** Seconds between two snapshots of `stats$`, and the least window of a rate. */
export const DEFAULT_STATS_INTERVAL = 10;

/** The counters a server adds up; those of closed sessions are kept in one of these. */
class Totals {
  requests = 0;
  notifications = 0;
  errors = 0;
  messagesReceived = 0;
  messagesSent = 0;
  bytesReceived = 0;
  bytesSent = 0;
  costDisconnects = 0;
  readonly errorReplies = new Map<number, number>();

  add(counters: SessionCounters): void {
    this.requests += counters.requests;
    this.notifications += counters.notifications;
    this.errors += counters.errors;
    this.messagesReceived += counters.recvCount;
    this.messagesSent += counters.sendCount;
    this.bytesReceived += counters.recvSize;
    this.bytesSent += counters.sendSize;
    if (counters.costDisconnect) this.costDisconnects += 1;
    for (const [code, count] of counters.errorReplies ?? []) this.errorReplies.set(code, (this.errorReplies.get(code) ?? 0) + count);
  }

  /** Adds other totals (the closed sessions') to these. */
  addTotals(other: Totals): void {
    this.requests += other.requests;
    this.notifications += other.notifications;
    this.errors += other.errors;
    this.messagesReceived += other.messagesReceived;
    this.messagesSent += other.messagesSent;
    this.bytesReceived += other.bytesReceived;
    this.bytesSent += other.bytesSent;
    this.costDisconnects += other.costDisconnects;
    for (const [code, count] of other.errorReplies) this.errorReplies.set(code, (this.errorReplies.get(code) ?? 0) + count);
  }
}

/**
 * A server's statistics: the sessions it was given, added up. Each session's
 * own counters are read (no per-message work here); when a session ends,
 * its counters are folded into the closed totals and it is forgotten, so
 * memory follows the live sessions.
 *
 * `stats$` is periodic, not change-driven: a server's counters change with
 * every message of every session, a snapshot costs a pass over the live
 * sessions, and a rate needs a window anyway. One timer on the scheduler
 * serves every subscriber, and runs only while there is one.
 *
 * Internal to the node layer (browser-safe all the same, for marble tests).
 */
export class ServerStatsAggregator {
  readonly #live = new Map<SessionBase<unknown>, SessionCounters>();
  readonly #closed = new Totals();
  #opened = 0;
  #ended = false;
  readonly #ending = new Subject<void>();
  /** The start of the current rate window: when, and the totals then. */
  #windowStart: number;
  #windowRequests = 0;
  #windowNotifications = 0;
  #requestsPerSecond = 0;
  #notificationsPerSecond = 0;
  #rateWindow = 0;
  /** Snapshots at subscription, then every `interval` seconds; a last one and complete at `end()`. */
  readonly stats$: Observable<ServerStats>;

  /**
   * @param scheduler - the clock and the timer of `stats$`
   * @param intervalSeconds - seconds between snapshots of `stats$`, and the least window of a rate
   */
  constructor(
    readonly scheduler: SchedulerLike = asyncScheduler,
    readonly intervalSeconds: number = DEFAULT_STATS_INTERVAL,
  ) {
    if (!(intervalSeconds > 0)) throw new RangeError(`statsInterval must be positive, not ${intervalSeconds}`);
    this.#windowStart = this.#now();
    const ms = intervalSeconds * 1000;
    const ticks = concat(
      interval(ms, scheduler).pipe(
        takeUntil(this.#ending),
        map(() => this.snapshot()),
      ),
      defer(() => of(this.snapshot())),
    ).pipe(share());
    this.stats$ = new Observable<ServerStats>((subscriber) => {
      subscriber.next(this.snapshot());
      if (this.#ended) {
        subscriber.complete();
        return undefined;
      }
      return ticks.subscribe(subscriber);
    });
  }

  /** Counts a new session; it is folded into the totals when it ends. */
  add(session: SessionBase<unknown>): void {
    this.#opened += 1;
    this.#live.set(session, countersOf(session));
    whenEnded(session, () => this.#fold(session));
  }

  #fold(session: SessionBase<unknown>): void {
    const counters = this.#live.get(session);
    if (counters === undefined) return;
    this.#live.delete(session);
    this.#closed.add(counters);
  }

  /** The statistics now; closes the rate window if it has lasted `intervalSeconds`. */
  snapshot(): ServerStats {
    const totals = new Totals();
    totals.addTotals(this.#closed);
    const costs = new Float64Array(this.#live.size);
    let overSoftLimit = 0;
    let i = 0;
    for (const [session, counters] of this.#live) {
      totals.add(counters);
      const cost = session.cost;
      costs[i++] = cost;
      if (cost > session.costSoftLimit) overSoftLimit += 1;
    }
    const time = this.#now();
    this.#sample(time, totals);
    costs.sort();
    const errorReplies: Record<number, number> = {};
    for (const code of [...totals.errorReplies.keys()].sort((a, b) => a - b)) errorReplies[code] = totals.errorReplies.get(code) ?? 0;
    return {
      time,
      sessionsOpen: this.#live.size,
      sessionsOpened: this.#opened,
      requests: totals.requests,
      notifications: totals.notifications,
      requestsPerSecond: this.#requestsPerSecond,
      notificationsPerSecond: this.#notificationsPerSecond,
      rateWindow: this.#rateWindow,
      errorReplies,
      errors: totals.errors,
      messagesReceived: totals.messagesReceived,
      messagesSent: totals.messagesSent,
      bytesReceived: totals.bytesReceived,
      bytesSent: totals.bytesSent,
      costDisconnects: totals.costDisconnects,
      cost: costStats(costs, overSoftLimit),
    };
  }

  /** The server has closed: `stats$` emits a last snapshot and completes. `snapshot()` still works. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#ending.next();
    this.#ending.complete();
  }

  /** Ends the rate window once it has lasted `intervalSeconds`, and starts the next. */
  #sample(time: number, totals: Totals): void {
    const elapsed = time - this.#windowStart;
    if (elapsed < this.intervalSeconds) return;
    this.#requestsPerSecond = (totals.requests - this.#windowRequests) / elapsed;
    this.#notificationsPerSecond = (totals.notifications - this.#windowNotifications) / elapsed;
    this.#rateWindow = elapsed;
    this.#windowStart = time;
    this.#windowRequests = totals.requests;
    this.#windowNotifications = totals.notifications;
  }

  #now(): number {
    return this.scheduler.now() / 1000;
  }
}

/** Nearest-rank quantiles of sorted costs. */
function costStats(sorted: Float64Array, overSoftLimit: number): ServerCostStats {
  const rank = (q: number): number => (sorted.length === 0 ? 0 : (sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0));
  return { overSoftLimit, p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: rank(1) };
}
