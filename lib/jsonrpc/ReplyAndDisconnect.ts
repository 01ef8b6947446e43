/**
 * Thrown by a request handler to send a reply and then close the session.
 *
 * The `result` is sent as the request's response — a plain value gives a
 * normal result, an {@link RPCError} an error response — and the session
 * disconnects once it is sent. As in the reference this is not an RPCError
 * itself: it wraps the reply, which may be a success.
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPC, ReplyAndDisconnect, RPCError } from 'rxrpcx';
 *
 * function handleBan(): never {
 *   throw new ReplyAndDisconnect(new RPCError(JSONRPC.EXCESSIVE_RESOURCE_USAGE, 'banned'));
 * }
 * ```
 *
 * @param result - the reply: a JSON-encodable value or an RPCError
 */
export class ReplyAndDisconnect extends Error {
  /** Always `'ReplyAndDisconnect'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'ReplyAndDisconnect' as const;
  /** Stable error code. */
  readonly code = 'RXRPCX_ERR_REPLY_AND_DISCONNECT' as const;
  /** The reply to send before disconnecting: a value or an RPCError. */
  readonly result: unknown;

  constructor(result: unknown) {
    super('reply and disconnect');
    this.result = result;
  }
}
