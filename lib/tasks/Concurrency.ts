import { defer, from, Observable } from 'rxjs';
import type { ObservableInput } from 'rxjs';
import { ExcessiveSessionCostError } from './ExcessiveSessionCostError.js';

/** The reference's `int(target)`: truncated toward zero (and never -0). */
function toTarget(target: number): number {
  return Math.trunc(target) || 0;
}

interface Waiter {
  readonly admit: () => void;
  readonly reject: (error: ExcessiveSessionCostError) => void;
}

/**
 * A limit on how much work runs at once, whose target can move while work
 * runs — aiorpcX's `Concurrency`, the session's throttle.
 *
 * Work beyond the limit waits in FIFO order. `setTarget(n)` moves the limit:
 * raising it starts waiting work at once; lowering it never interrupts
 * running work — in-flight work drains down to the new target as it
 * completes, and nothing new starts until it has. When the target falls to 0
 * or below, every waiting and every new acquisition fails with
 * {@link ExcessiveSessionCostError} (running work still finishes); raising it
 * again lets work in again.
 *
 * (The reference applies a raise lazily, at the next acquisition that gets
 * through its semaphore, and leaves waiters blocked when the target is 0;
 * here both take effect when the target is set.)
 *
 * ## Example
 * ```ts
 * import { timer, map, merge } from 'rxjs';
 * import { Concurrency } from 'rxrpcx';
 *
 * const concurrency = new Concurrency(2);
 * const job = (n: number) => concurrency.run(() => timer(100).pipe(map(() => n)));
 * merge(job(1), job(2), job(3)).subscribe((n) => console.log(n)); // 1 2 after 100 ms, 3 after 200 ms
 * concurrency.setTarget(1); // from now on, one at a time
 * ```
 */
export class Concurrency {
  #target: number;
  #active = 0;
  /** Insertion-ordered: the first waiter is the oldest. */
  readonly #waiters = new Set<Waiter>();
  #draining = false;

  /**
   * @param target - the initial limit (truncated to an integer).
   */
  constructor(target: number) {
    this.#target = toTarget(target);
  }

  /** The current target: how much work may run at once. */
  get maxConcurrent(): number {
    return this.#target;
  }

  /** How much work is running. */
  get active(): number {
    return this.#active;
  }

  /** How much work is waiting to start. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /**
   * Moves the limit; see the class notes for when it takes effect.
   * @param target - the new limit (truncated to an integer).
   */
  setTarget(target: number): void {
    this.#target = toTarget(target);
    this.#drain();
  }

  /**
   * Runs `work` under the limit: subscribing queues it, it starts when a slot
   * is free, and its slot is released when it completes, errors or is
   * unsubscribed. Unsubscribing while it waits leaves the queue.
   * @param work - an Observable, Promise or function returning one (called when it starts).
   * @returns a cold Observable of the work's values; errors with
   *   {@link ExcessiveSessionCostError} if the target is, or falls, below 1 before it starts.
   */
  run<T>(work: ObservableInput<T> | (() => ObservableInput<T>)): Observable<T> {
    return new Observable<T>((subscriber) => {
      const start = (): void => {
        const release = this.#hold();
        const source = defer(() => (typeof work === 'function' ? work() : from(work)));
        subscriber.add(source.subscribe(subscriber));
        // Released after the work's own teardown (at once if it already finished).
        subscriber.add(release);
      };
      return this.#enter(start, (error) => subscriber.error(error));
    });
  }

  /**
   * Takes a slot, for async code: `async with concurrency:` in the reference.
   * @returns a Promise of a `release` function (idempotent) to call when done;
   *   rejects with {@link ExcessiveSessionCostError} as `run` errors.
   */
  acquire(): Promise<() => void> {
    return new Promise((resolve, reject) => {
      this.#enter(() => resolve(this.#hold()), reject);
    });
  }

  /** Counts one running piece of work; returns its (idempotent) release. */
  #hold(): () => void {
    this.#active++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#active--;
      this.#drain();
    };
  }

  /** Starts at once, queues, or rejects; returns a withdrawal. */
  #enter(admit: () => void, reject: (error: ExcessiveSessionCostError) => void): () => void {
    if (this.#target <= 0) {
      reject(new ExcessiveSessionCostError(this.#target));
      return () => undefined;
    }
    if (this.#waiters.size === 0 && this.#active < this.#target) {
      admit();
      return () => undefined;
    }
    const waiter: Waiter = { admit, reject };
    this.#waiters.add(waiter);
    return () => this.#waiters.delete(waiter);
  }

  /** Starts or fails waiters; a loop, so work finishing synchronously does not recurse. */
  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (const waiter of this.#waiters) {
        if (this.#target <= 0) {
          this.#waiters.delete(waiter);
          waiter.reject(new ExcessiveSessionCostError(this.#target));
          continue;
        }
        if (this.#active >= this.#target) break;
        this.#waiters.delete(waiter);
        waiter.admit();
      }
    } finally {
      this.#draining = false;
    }
  }
}
