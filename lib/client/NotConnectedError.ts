/**
 * Why an {@link RPCClient} could not take a request or notification:
 * `disconnected` (it is between sessions and its `whileDisconnected` option is
 * `'fail'`), `busy` (`maxWaiting` calls already wait for a session), `closed`
 * (the client is closed, or reconnection gave up; then `cause` is the last
 * error).
 *
 * ## Example
 *
 * ```ts
 * import type { NotConnectedReason } from 'rxrpcx';
 *
 * const retryLater = (reason: NotConnectedReason): boolean => reason !== 'closed';
 * ```
 */
export type NotConnectedReason = 'disconnected' | 'busy' | 'closed';

/**
 * A call made through an {@link RPCClient} that has no session to give it:
 * see {@link NotConnectedReason}. Never sent to the wire, so it is always
 * safe to retry.
 *
 * ## Example
 *
 * ```ts
 * import { NotConnectedError, connect$ } from 'rxrpcx';
 *
 * const client = connect$('wss://example.org/rpc', { whileDisconnected: 'fail' });
 * client.sendRequest('server.ping').catch((error: unknown) => {
 *   if (error instanceof NotConnectedError) console.log(error.code, error.reason); // RXRPCX_ERR_NOT_CONNECTED disconnected
 * });
 * ```
 */
export class NotConnectedError extends Error {
  /** Always `'NotConnectedError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'NotConnectedError' as const;
  /** Stable code: `'RXRPCX_ERR_NOT_CONNECTED'`. */
  readonly code = 'RXRPCX_ERR_NOT_CONNECTED' as const;

  /**
   * @param reason - why there is no session for the call
   * @param message - a human-readable description
   * @param options - `cause`: the client's last error, when it gave up
   */
  constructor(
    readonly reason: NotConnectedReason,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
