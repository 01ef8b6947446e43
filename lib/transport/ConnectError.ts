/**
 * Why a connection could not be opened.
 *
 * - `'refused'` — nothing listens there (`ECONNREFUSED`).
 * - `'dns'` — the host name did not resolve (`ENOTFOUND`, `EAI_AGAIN` …).
 * - `'timeout'` — the connection, TLS or WebSocket handshake took longer than the `timeout` option.
 * - `'tls'` — the TLS handshake failed (certificate not trusted, wrong host name, protocol error).
 * - `'handshake'` — the WebSocket upgrade was refused or malformed (an HTTP status other than 101).
 * - `'aborted'` — the caller's `AbortSignal` fired.
 * - `'unsupported'` — the platform has no WebSocket constructor.
 * - `'network'` — any other failure (unreachable host, reset during connect …).
 *
 * ## Example
 * ```ts
 * import type { ConnectFailure } from 'rxrpcx';
 * const retryable = (reason: ConnectFailure) => reason === 'refused' || reason === 'timeout' || reason === 'network';
 * ```
 */
export type ConnectFailure = 'refused' | 'dns' | 'timeout' | 'tls' | 'handshake' | 'aborted' | 'unsupported' | 'network';

/**
 * A connection could not be opened: no byte was ever exchanged with a session.
 *
 * Raised (as a rejection) by `openSocket`, `openWebSocket` (in `rxrpcx/node`)
 * and {@link openBrowserWebSocket}. It is distinct from `ConnectionError`,
 * which reports an *established* connection that was lost. `reason` says what
 * went wrong in a stable, switchable form; `cause` holds the platform's own
 * error (a Node `ErrnoException` with its `code`, a TLS verification error, a
 * `ws` error) when there is one; `target` names what was dialled (`host:port`
 * or the URL), never with credentials.
 *
 * ## Example
 * ```ts
 * import { ConnectError } from 'rxrpcx';
 * import { openSocket } from 'rxrpcx/node';
 * try {
 *   await openSocket('127.0.0.1', 1, { timeout: 5 });
 * } catch (error) {
 *   if (error instanceof ConnectError) console.log(error.code, error.reason); // RXRPCX_ERR_CONNECT refused
 * }
 * ```
 *
 * @param reason - the kind of failure
 * @param target - `host:port` or URL that was dialled
 * @param message - what happened
 * @param options - the standard `cause`
 */
export class ConnectError extends Error {
  /** Always `'ConnectError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'ConnectError' as const;
  /** Stable error code. */
  readonly code = 'RXRPCX_ERR_CONNECT' as const;

  constructor(
    /** What went wrong, in a stable, switchable form. */
    readonly reason: ConnectFailure,
    /** What was dialled: `host:port` or the URL, never with credentials. */
    readonly target: string,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
