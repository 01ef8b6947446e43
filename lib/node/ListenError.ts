/**
 * A server could not start listening: the port is taken, not allowed, or the
 * host is not an address of this machine.
 *
 * Raised (as a rejection) by `listenSockets` and `listenWebSockets`; `cause`
 * is Node's error, whose `code` is `'EADDRINUSE'`, `'EACCES'`,
 * `'EADDRNOTAVAIL'` …
 *
 * ## Example
 * ```ts
 * import { ListenError, listenSockets } from 'rxrpcx/node';
 * try {
 *   await listenSockets('127.0.0.1', 50001);
 * } catch (error) {
 *   if (error instanceof ListenError) console.error(error.code, error.target, error.message);
 * }
 * ```
 *
 * @param target - the `host:port` asked for
 * @param message - what happened
 * @param options - the standard `cause`
 */
export class ListenError extends Error {
  /** Always `'ListenError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'ListenError' as const;
  /** Stable error code. */
  readonly code = 'RXRPCX_ERR_LISTEN' as const;

  constructor(
    /** The `host:port` asked for. */
    readonly target: string,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
