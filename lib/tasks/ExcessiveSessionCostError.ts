/**
 * Raised when a session's resource cost leaves it no concurrency at all.
 *
 * A {@link Concurrency} whose target falls to 0 or below fails every waiting
 * and every new acquisition with this error; work already running is never
 * interrupted. The session layer catches it, replies with JSON-RPC error
 * -101 "excessive resource usage" and disconnects, as aiorpcX does.
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { Concurrency, ExcessiveSessionCostError } from 'rxrpcx';
 *
 * const concurrency = new Concurrency(0);
 * concurrency.run(of(1)).subscribe({ error: (e) => console.log(e instanceof ExcessiveSessionCostError) }); // true
 * ```
 */
export class ExcessiveSessionCostError extends Error {
  /** Always `'ExcessiveSessionCostError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'ExcessiveSessionCostError' as const;
  /** Stable code: `'RXRPCX_ERR_EXCESSIVE_SESSION_COST'`. */
  readonly code = 'RXRPCX_ERR_EXCESSIVE_SESSION_COST' as const;

  /**
   * @param target - the concurrency target that fell to 0 or below, if known.
   */
  constructor(readonly target?: number) {
    super(target === undefined ? 'excessive session cost' : `excessive session cost: concurrency target is ${target}`);
  }
}
