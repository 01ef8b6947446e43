import { CODES } from './jsonrpcInternals';
import type { Notification } from './Notification';
import { RPCError, type RPCErrorOptions } from './RPCError';

/**
 * Options for {@link ProtocolError}.
 *
 * ## Example
 * ```ts
 * import { JSONRPC, ProtocolError, type ProtocolErrorOptions } from 'rxrpcx';
 * const options: ProtocolErrorOptions = { inResponse: true, responseId: 7 };
 * const error = new ProtocolError(JSONRPC.INVALID_REQUEST, 'bad response', options);
 * ```
 */
export interface ProtocolErrorOptions extends RPCErrorOptions {
  /** The unframed message to send back to the peer, if the error deserves a reply. */
  readonly replyBytes?: Uint8Array;
  /**
   * Set when the violation was found in a response message.
   * @default false
   */
  readonly inResponse?: boolean;
  /** With `inResponse`: the id the bad response carried (null if none could be read). */
  readonly responseId?: unknown;
  /** Well-formed notifications of the same batch, still to be processed. @default [] */
  readonly items?: readonly Notification[];
}

/**
 * A violation of the JSON-RPC protocol by a message, carrying the reply it
 * calls for.
 *
 * Raised when a received message cannot be interpreted: invalid UTF-8 or
 * JSON, a bad request object, a bad response, a response to nothing we sent.
 * If the violation deserves an answer, `replyBytes` holds the complete
 * unframed error response (already in the connection's protocol version) —
 * send it as is. If the violation was found in a response, `inResponse` is
 * true and `responseId` is the id it carried; `JSONRPCConnection` delivers such
 * errors to the matching request's `response$` instead of throwing them.
 *
 * A batch whose members are all invalid except for notifications throws a
 * ProtocolError whose `replyBytes` answers the invalid members and whose
 * `items` holds the notifications: send the reply, then process the items as
 * if `receiveMessage` had returned them. (The reference returned the
 * notifications and never answered the invalid members.)
 *
 * It is an {@link RPCError}, so it has the numeric `code`, the `message` and a
 * settable `cost`.
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPCConnection, JSONRPCv2, ProtocolError } from 'rxrpcx';
 *
 * const connection = new JSONRPCConnection(JSONRPCv2);
 * try {
 *   connection.receiveMessage(new TextEncoder().encode('{"jsonrpc":"2.0",'));
 * } catch (error) {
 *   if (error instanceof ProtocolError && error.replyBytes) {
 *     // '{"jsonrpc":"2.0","error":{"code":-32700,"message":"invalid JSON"},"id":null}'
 *     console.log(new TextDecoder().decode(error.replyBytes));
 *   }
 * }
 * ```
 *
 * @param code - the numeric JSON-RPC error code
 * @param message - the error message
 * @param options - `replyBytes`, `inResponse`, `responseId`, `items`, `cost`, `cause`
 */
export class ProtocolError extends RPCError {
  override readonly name = 'ProtocolError' as const;
  /** The unframed error response to send to the peer, if any. */
  readonly replyBytes: Uint8Array | undefined;
  /** True if the violation was found in a response message. */
  readonly inResponse: boolean;
  /** The id carried by the bad response (null if unreadable); undefined unless `inResponse`. */
  readonly responseId: unknown;
  /** Notifications of the same batch that are well formed: process them too (usually empty). */
  readonly items: readonly Notification[];

  constructor(code: number, message: string, options: ProtocolErrorOptions = {}) {
    super(code, message, options);
    this.replyBytes = options.replyBytes;
    this.inResponse = options.inResponse ?? false;
    this.responseId = this.inResponse ? (options.responseId ?? null) : undefined;
    this.items = Object.freeze([...(options.items ?? [])]);
  }

  /** An `INVALID_ARGS` (−32602) protocol error. */
  static override invalidArgs(message: string): ProtocolError {
    return new ProtocolError(CODES.INVALID_ARGS, message);
  }

  /** An `INVALID_REQUEST` (−32600) protocol error. */
  static override invalidRequest(message: string): ProtocolError {
    return new ProtocolError(CODES.INVALID_REQUEST, message);
  }

  /** The `INVALID_REQUEST` protocol error `'batch is empty'`. */
  static override emptyBatch(): ProtocolError {
    return ProtocolError.invalidRequest('batch is empty');
  }
}
