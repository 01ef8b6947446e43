/**
 * A {@link serveCluster} failure: a worker could not start, or one kept dying
 * and is no longer restarted.
 *
 * `code` says which: `'RXRPCX_ERR_CLUSTER_START'` rejects `serveCluster` in
 * the primary when a worker's start function failed (or the worker died)
 * before every worker listened — `cause` is the worker's error, rebuilt from
 * what it reported; `'RXRPCX_ERR_CLUSTER_RESTARTS'` goes to the primary's
 * `onError` when a worker died more than `maxRestarts` times within `window`
 * seconds, and its slot stays empty.
 *
 * ## Example
 * ```ts
 * import { ClusterError, serveCluster, serveRs } from 'rxrpcx/node';
 * try {
 *   await serveCluster(({ port }) => serveRs(undefined, '127.0.0.1', port), { port: 50001 });
 * } catch (error) {
 *   if (error instanceof ClusterError) console.error(error.code, error.workerId, error.message);
 * }
 * ```
 *
 * @param code - which failure
 * @param message - what happened
 * @param workerId - the `node:cluster` id of the worker concerned
 * @param options - the standard `cause`
 */
export class ClusterError extends Error {
  /** Always `'ClusterError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'ClusterError' as const;

  constructor(
    /** Stable error code. */
    readonly code: 'RXRPCX_ERR_CLUSTER_START' | 'RXRPCX_ERR_CLUSTER_RESTARTS',
    message: string,
    /** The `node:cluster` id of the worker concerned. */
    readonly workerId: number,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
