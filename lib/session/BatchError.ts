import type { BatchRequest } from './BatchRequest.js';

/**
 * A batch sent with `raiseErrors` had at least one error response.
 *
 * `request` is the {@link BatchRequest}: its `results` hold every member's
 * outcome in order, RPCError instances for the failed ones.
 *
 * ## Example
 * ```ts
 * import { BatchError, BatchRequest, RPCSession, memoryTransportPair } from 'rxrpcx';
 * const [transport] = memoryTransportPair();
 * const session = new RPCSession(transport);
 * const batch = new BatchRequest(session, true);
 * batch.addRequest('ok');
 * batch.addRequest('no-such-method');
 * try {
 *   await batch.send();
 * } catch (error) {
 *   if (error instanceof BatchError) console.log(error.request.results);
 * }
 * ```
 */
export class BatchError extends Error {
  /** Always `'BatchError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'BatchError' as const;
  /** Stable error code. */
  readonly code = 'RXRPCX_ERR_BATCH' as const;

  /** @param request - the batch, with its results */
  constructor(readonly request: BatchRequest) {
    super(`${request.errorCount()} of ${request.length} batch members failed`);
  }
}
