/**
 * Helpers for the tasks specs: a TestScheduler that compares with jest, a
 * subscription counter, and a look at a Subscription's children.
 */
import { Observable } from 'rxjs';
import type { Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** An Observable that counts its live subscriptions. */
export interface Counted<T> {
  readonly source: Observable<T>;
  /** Subscriptions not yet torn down. */
  active(): number;
  /** Subscriptions ever made. */
  total(): number;
}

export function counted<T>(inner: Observable<T>): Counted<T> {
  let active = 0;
  let total = 0;
  const source = new Observable<T>((subscriber) => {
    active++;
    total++;
    const subscription = inner.subscribe(subscriber);
    return () => {
      active--;
      subscription.unsubscribe();
    };
  });
  return { source, active: () => active, total: () => total };
}

/**
 * How many children (finalizers) a Subscription holds. White-box: it reads
 * RxJS's private `_finalizers`, to prove that finished tasks leave their
 * group's subscription.
 */
export function childCount(subscription: Subscription): number {
  const finalizers = (subscription as unknown as { _finalizers: unknown[] | null })._finalizers;
  return finalizers?.length ?? 0;
}

/** Lets pending Promise callbacks run (no timers involved). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Matches an error by class name and code, as the style guide asks. */
export function anError(name: string, code: string, fields: Record<string, unknown> = {}): unknown {
  return expect.objectContaining({ name, code, ...fields });
}
