import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import { ConnectError } from '../transport/ConnectError.js';

/**
 * The default of `ReconnectOptions.retryable`: whether a failed connection
 * attempt is worth repeating. Yes for a `ConnectError` whose reason may pass
 * (`refused`, `dns`, `timeout`, `handshake`, `network`), for a
 * `ConnectionError`, and for a `SOCKSFailure` at stage `request` (the proxy
 * could not reach the server: it may be back later) unless the proxy forbids
 * the connection (SOCKS5 replies 2, 7, 8); no for `tls` (a certificate does
 * not fix itself), `unsupported` and `aborted`, for a proxy that refuses the
 * credentials or does not speak SOCKS, and for anything else (a bug, not a
 * network).
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
  return error instanceof ConnectionError || isProxyRequestFailure(error);
}

/** SOCKS5 replies that no retry changes: not allowed by the ruleset (2), command (7) or address type (8) not supported. */
const PERMANENT_SOCKS5_REPLIES = new Set([2, 7, 8]);

/**
 * A `SOCKSFailure` (`rxrpcx/node`, known here by its code) at stage `request`:
 * the proxy is fine but could not reach the server (refused, unreachable…).
 */
function isProxyRequestFailure(error: unknown): boolean {
  const failure = error as { readonly code?: unknown; readonly stage?: unknown; readonly replyCode?: unknown } | null;
  return (
    typeof failure === 'object' &&
    failure !== null &&
    failure.code === 'RXRPCX_ERR_SOCKS_FAILURE' &&
    failure.stage === 'request' &&
    !PERMANENT_SOCKS5_REPLIES.has(failure.replyCode as number)
  );
}
