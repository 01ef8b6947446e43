import { incomingRequestFriend } from './connectionInternals.js';
import { itemText } from './itemInternals.js';
import { utf8, type RequestArgs } from './jsonrpcInternals.js';
import { Request } from './Request.js';

/**
 * Turns a request's outcome into the message to send — bytes, or JSON text
 * to be sent UTF-8 encoded — for the handler's result, or an RPCError for an
 * error response. Returns undefined while a batch is still waiting for its
 * other members.
 *
 * ## Example
 * ```ts
 * import type { Responder } from 'rxrpcx';
 * const never: Responder = () => undefined;
 * ```
 */
export type Responder = (result: unknown) => Uint8Array | string | undefined;

/**
 * A request received from the peer, able to produce its own reply.
 *
 * `JSONRPCConnection.receiveMessage` returns these in its `items`, beside
 * notifications. Run the handler, then call `reply(result)` with its value —
 * or with an {@link RPCError} (a {@link ProtocolError} too) to answer with an
 * error — and send the returned bytes, if any:
 *
 * - a lone request: `reply` returns its response message;
 * - a member of a batch: `reply` returns undefined until every request of the
 *   batch has been answered, then the whole batch response (members in the
 *   order they were answered, plus error replies for malformed members).
 *
 * Only the first `reply` counts; later calls return undefined. Replies are
 * checked against the connection's `maxResponseSize`.
 *
 * ## Example
 *
 * ```ts
 * import { IncomingRequest, JSONRPCConnection, JSONRPCv2 } from 'rxrpcx';
 *
 * const connection = new JSONRPCConnection(JSONRPCv2);
 * const incoming = new TextEncoder().encode('{"jsonrpc":"2.0","method":"add","params":[1,2],"id":7}');
 * for (const item of connection.receiveMessage(incoming).items) {
 *   if (item instanceof IncomingRequest) {
 *     const reply = item.reply(3); // {"jsonrpc":"2.0","result":3,"id":7}
 *   }
 * }
 * ```
 *
 * @param method - the method name
 * @param args - the arguments
 * @param id - the request id as received
 * @param responder - produces the reply bytes (the connection supplies it)
 */
export class IncomingRequest extends Request {
  /** The id the peer gave the request (any JSON value under JSON-RPC 1.0). */
  readonly id: unknown;
  #responder: Responder | undefined;

  constructor(method: string, args: RequestArgs, id: unknown, responder: Responder) {
    super(method, args);
    this.id = id;
    this.#responder = responder;
  }

  /** `IncomingRequest("method", [args])`, for logs. */
  override toString(): string {
    return itemText('IncomingRequest', this);
  }

  /** Whether `reply` has been called. */
  get answered(): boolean {
    return this.#responder === undefined;
  }

  static {
    incomingRequestFriend.bind({ replyText: (request, result) => (request as IncomingRequest).#take(result) });
  }

  /**
   * The reply to send for this request's outcome.
   *
   * @param result - the handler's result, or an RPCError for an error response
   * @returns the unframed message to send, or undefined (batch not complete, or already answered)
   */
  reply(result: unknown): Uint8Array | undefined {
    const message = this.#take(result);
    return typeof message === 'string' ? utf8(message) : message;
  }

  /** The first call's reply, as the responder makes it (text or bytes); undefined after. */
  #take(result: unknown): Uint8Array | string | undefined {
    const responder = this.#responder;
    if (responder === undefined) return undefined;
    this.#responder = undefined;
    return responder(result);
  }
}
