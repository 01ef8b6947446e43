import { INVALID_ARGS, INVALID_REQUEST } from './jsonrpcInternals.js';
import { RPCError, type RPCErrorOptions } from './RPCError.js';

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
}

/**
 * A violation of the JSON-RPC protocol by a message, carrying the reply it
 * calls for.
 *
 * Found when a received message cannot be interpreted: invalid UTF-8 or
 * JSON, a bad request object, a bad response, a response to nothing we sent.
 * If the violation deserves an answer, `replyBytes` holds the complete
 * unframed error response (already in the connection's protocol version).
 * If the violation was found in a response, `inResponse` is true and
 * `responseId` is the id it carried; `JSONRPCConnection` delivers such errors
 * to the matching request's `response$`.
 *
 * The protocol classes (`messageToItem`, `processRequest`, …) throw it;
 * `JSONRPCConnection.receiveMessage` never does: it reports each violation
 * in the `errors` of its {@link ReceivedMessage}, with the bytes to send back
 * in `reply`.
 *
 * It is an {@link RPCError}, so it has the numeric `code`, the `message` and a
 * settable `cost`.
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPCConnection, JSONRPCv2 } from 'rxrpcx';
 *
 * const connection = new JSONRPCConnection(JSONRPCv2);
 * const { errors, reply } = connection.receiveMessage(new TextEncoder().encode('{"jsonrpc":"2.0",'));
 * console.log(errors[0]?.code, errors[0]?.message); // -32700 invalid JSON
 * // '{"jsonrpc":"2.0","error":{"code":-32700,"message":"invalid JSON"},"id":null}'
 * if (reply) console.log(new TextDecoder().decode(reply));
 * ```
 *
 * @param code - the numeric JSON-RPC error code
 * @param message - the error message
 * @param options - `replyBytes`, `inResponse`, `responseId`, `cost`, `cause`
 */
export class ProtocolError extends RPCError {
  /** Always `'ProtocolError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'ProtocolError' as const;
  /** The unframed error response to send to the peer, if any. */
  readonly replyBytes: Uint8Array | undefined;
  /** True if the violation was found in a response message. */
  readonly inResponse: boolean;
  /** The id carried by the bad response (null if unreadable); undefined unless `inResponse`. */
  readonly responseId: unknown;

  constructor(code: number, message: string, options: ProtocolErrorOptions = {}) {
    super(code, message, options);
    this.replyBytes = options.replyBytes;
    this.inResponse = options.inResponse ?? false;
    this.responseId = this.inResponse ? (options.responseId ?? null) : undefined;
  }
}

/**
 * `ProtocolError.invalidRequest` as a plain function, for the library's own
 * many callers: a bundler shortens a function's name, not a static method's.
 * Not re-exported.
 */
export function invalidRequestError(message: string): ProtocolError {
  return new ProtocolError(INVALID_REQUEST, message);
}

/** `ProtocolError.emptyBatch` as a plain function (see {@link invalidRequestError}). Not re-exported. */
export function emptyBatchError(): ProtocolError {
  return ProtocolError.emptyBatch();
}

/** `ProtocolError.invalidArgs` as a plain function (see {@link invalidRequestError}). Not re-exported. */
export function invalidArgsError(message: string): ProtocolError {
  return new ProtocolError(INVALID_ARGS, message);
}

/** The INVALID_REQUEST protocol error for a message (or batch member) that is not a JSON object. Not re-exported. */
export function notAnObjectError(): ProtocolError {
  return invalidRequestError('request object must be a dictionary');
}
