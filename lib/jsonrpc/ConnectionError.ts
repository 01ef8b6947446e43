/**
 * The connection was lost (or closed) while a request was waiting for its
 * response.
 *
 * `JSONRPCConnection.cancelPendingRequests()` errors every pending
 * `response$` with one, so nothing is left hanging when a session closes.
 *
 * ## Example
 *
 * ```ts
 * import { ConnectionError, JSONRPCConnection, JSONRPCv2, Request } from 'rxrpcx';
 *
 * const connection = new JSONRPCConnection(JSONRPCv2);
 * const [, response$] = connection.sendRequest(new Request('ping'));
 * response$.subscribe({ error: (e) => console.log(e instanceof ConnectionError) }); // true
 * connection.cancelPendingRequests();
 * ```
 *
 * @param message - what happened
 * @param options - the standard `cause`
 */
export class ConnectionError extends Error {
  /** Always `'ConnectionError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'ConnectionError' as const;
  /** Stable error code. */
  readonly code = 'RXRPCX_ERR_CONNECTION' as const;

  constructor(message = 'connection lost before the response arrived', options?: { readonly cause?: unknown }) {
    super(message, options);
  }
}
