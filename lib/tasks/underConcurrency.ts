import { mergeMap } from 'rxjs';
import type { ObservableInput, OperatorFunction } from 'rxjs';
import type { Concurrency } from './Concurrency.js';

/**
 * `mergeMap` under a shared {@link Concurrency}: each value's inner work runs
 * when the concurrency has a slot for it, and however many pipes share the
 * concurrency, no more than its current target run at once.
 *
 * `project` is called only when the work is admitted, as the reference
 * invokes a handler only inside `async with concurrency`. Outputs arrive as
 * the inner work emits. If the target falls to 0 or below the output errors
 * with {@link ExcessiveSessionCostError}.
 *
 * ## Example
 * ```ts
 * import { from, timer, map } from 'rxjs';
 * import { Concurrency, underConcurrency } from 'rxrpcx';
 *
 * const concurrency = new Concurrency(3);
 * from([1, 2, 3, 4, 5])
 *   .pipe(underConcurrency(concurrency, (n) => timer(100).pipe(map(() => n * n))))
 *   .subscribe((square) => console.log(square)); // three at a time
 * ```
 * @param concurrency - the shared limit.
 * @param project - maps a value (and its index) to the work to run for it.
 * @returns an operator flattening each value's work.
 */
export function underConcurrency<T, R>(
  concurrency: Concurrency,
  project: (value: T, index: number) => ObservableInput<R>,
): OperatorFunction<T, R> {
  return (source) => source.pipe(mergeMap((value, index) => concurrency.run(() => project(value, index))));
}
