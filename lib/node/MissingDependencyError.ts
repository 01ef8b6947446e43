/**
 * An optional dependency that a feature needs is not installed: rxrpcx loads
 * such a package only when the feature is asked for, and says how to
 * install it.
 *
 * Raised by `prometheusMetrics` (thrown) and `serveMetrics` (as a rejection)
 * when `prom-client` cannot be loaded; `cause` is the loader's error.
 *
 * ## Example
 * ```ts
 * import { MissingDependencyError, prometheusMetrics, serveRs } from 'rxrpcx/node';
 * const server = await serveRs(undefined, '127.0.0.1', 0);
 * try {
 *   prometheusMetrics(server);
 * } catch (error) {
 *   if (error instanceof MissingDependencyError) console.error(error.code, error.packageName, error.message);
 * }
 * ```
 *
 * @param packageName - the package that is missing
 * @param feature - what needed it
 * @param options - the standard `cause`
 */
export class MissingDependencyError extends Error {
  /** Always `'MissingDependencyError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'MissingDependencyError' as const;
  /** Stable error code. */
  readonly code = 'RXRPCX_ERR_MISSING_DEPENDENCY' as const;

  constructor(
    /** The npm package that is missing (`'prom-client'`). */
    readonly packageName: string,
    feature: string,
    options?: { readonly cause?: unknown },
  ) {
    super(`${feature} needs the optional dependency ${packageName}, which is not installed: npm install ${packageName}`, options);
  }
}
