import { ConnectionError } from '../jsonrpc/ConnectionError';
import { ConnectError } from '../transport/ConnectError';

/**
 * The default of `ReconnectOptions.retryable`: whether a failed connection
 * attempt is worth repeating. Yes for a `ConnectError` whose reason may pass
 * (`refused`, `dns`, `timeout`, `handshake`, `network`) and for a
 * `ConnectionError`; no for `tls` (a certificate does not fix itself),
 * `unsupported` and `aborted`, and for anything else (a bug, not a network).
 *
 * ## Example
 *
 * ```ts
 * import { ConnectError, connect$, isRetryable } from 'rxrpcx';
 *
 * // also give up when the name does not resolve
 * const client = connect$('wss://example.org/rpc', {
 *   reconnect: { retryable: (error) => isRetryable(error) && !(error instanceof ConnectError && error.reason === 'dns') },
 * });
 * ```
 *
 * @param error - why the attempt failed
 * @returns whether to try again
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof ConnectError) return error.reason !== 'tls' && error.reason !== 'unsupported' && error.reason !== 'aborted';
  return error instanceof ConnectionError;
}
