import type { Batch } from './Batch.js';
import { ERROR_CODE_UNAVAILABLE, EXCESSIVE_RESOURCE_USAGE, INTERNAL_ERROR, INVALID_ARGS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, SERVER_BUSY, decodeJSONMessage, hasOwn, isRecord, utf8, type JSONRecord, type RequestArgs } from './jsonrpcInternals.js';
import { batching } from './batchInternals.js';
import { Notification } from './Notification.js';
import { ProtocolError, emptyBatchError, notAnObjectError } from './ProtocolError.js';
import { encodePayloadText, requestText, responseText } from './protocolInternals.js';
import { Request } from './Request.js';
import { Response } from './Response.js';
import { RPCError } from './RPCError.js';

/**
 * A received request, with its id.
 *
 * ## Example
 * ```ts
 * import { JSONRPCv2 } from 'rxrpcx';
 * const found = JSONRPCv2.messageToItem(new TextEncoder().encode('{"jsonrpc":"2.0","method":"ping","id":1}'));
 * if (found.kind === 'request') console.log(found.item.method, found.id);
 * ```
 */
export interface RequestMessageItem {
  /** The discriminant: a request, which expects a response. */
  readonly kind: 'request';
  /** The request, its method and arguments validated. */
  readonly item: Request;
  /** The request id (any JSON value under JSON-RPC 1.0; never null). */
  readonly id: unknown;
}

/**
 * A received notification.
 *
 * ## Example
 * ```ts
 * import { JSONRPCv2 } from 'rxrpcx';
 * const found = JSONRPCv2.messageToItem(new TextEncoder().encode('{"jsonrpc":"2.0","method":"ping"}'));
 * if (found.kind === 'notification') console.log(found.item.method);
 * ```
 */
export interface NotificationMessageItem {
  /** The discriminant: a notification, which gets no response. */
  readonly kind: 'notification';
  /** The notification, its method and arguments validated. */
  readonly item: Notification;
}

/**
 * A received response, with the id it answers.
 *
 * ## Example
 * ```ts
 * import { JSONRPCv2 } from 'rxrpcx';
 * const found = JSONRPCv2.messageToItem(new TextEncoder().encode('{"jsonrpc":"2.0","result":5,"id":1}'));
 * if (found.kind === 'response') console.log(found.item.result, found.id);
 * ```
 */
export interface ResponseMessageItem {
  /** The discriminant: a response to one of our requests. */
  readonly kind: 'response';
  /** The response: its `result` is the value, or an {@link RPCError} for an error response. */
  readonly item: Response;
  /** The id of the request it answers, as it came on the wire (null when the peer could not read the request's id). */
  readonly id: unknown;
}

/**
 * A received batch, not yet interpreted: one decoded JSON value per member.
 *
 * ## Example
 * ```ts
 * import { JSONRPCv2 } from 'rxrpcx';
 * const found = JSONRPCv2.messageToItem(new TextEncoder().encode('[{"jsonrpc":"2.0","method":"ping","id":1}]'));
 * if (found.kind === 'batch') console.log(found.payloads.length);
 * ```
 */
export interface BatchMessageItem {
  /** The discriminant: a batch, whose members are interpreted one by one (`processRequest`, `processResponse`). */
  readonly kind: 'batch';
  /**
   * The members, each a decoded JSON value, in the order received; never empty
   * (an empty batch is a protocol error).
   */
  readonly payloads: readonly unknown[];
}

/**
 * What `messageToItem` finds in a message.
 *
 * ## Example
 * ```ts
 * import { JSONRPCv2, type MessageItem } from 'rxrpcx';
 * const found: MessageItem = JSONRPCv2.messageToItem(new TextEncoder().encode('[{"jsonrpc":"2.0","method":"ping","id":1}]'));
 * ```
 */
export type MessageItem = RequestMessageItem | NotificationMessageItem | ResponseMessageItem | BatchMessageItem;

/**
 * A protocol class: `JSONRPCv1`, `JSONRPCv2`, `JSONRPCLoose` or `JSONRPCAutoDetect`.
 *
 * ## Example
 * ```ts
 * import { JSONRPCAutoDetect, JSONRPCConnection, type JSONRPCProtocol } from 'rxrpcx';
 * const protocol: JSONRPCProtocol = JSONRPCAutoDetect;
 * const connection = new JSONRPCConnection(protocol);
 * ```
 */
export type JSONRPCProtocol = typeof JSONRPC;

/**
 * The JSON-RPC protocol base: error codes, and static methods that interpret
 * and build messages (bytes).
 *
 * Never instantiated: use a concrete protocol class's static methods —
 * {@link JSONRPCv1}, {@link JSONRPCv2}, {@link JSONRPCLoose},
 * {@link JSONRPCAutoDetect} — or hand the class to a `JSONRPCConnection`.
 * Call them on the class (`JSONRPCv2.messageToItem(bytes)`): they dispatch on
 * `this`. Malformed input gives a {@link ProtocolError} with the reference's
 * code and message (and, when the error deserves an answer, `replyBytes`);
 * nothing else is thrown for bad bytes.
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPC, JSONRPCv2, Request } from 'rxrpcx';
 *
 * JSONRPC.METHOD_NOT_FOUND; // -32601
 * const bytes = JSONRPCv2.requestMessage(new Request('sum', [1, 2]), 0);
 * // {"jsonrpc":"2.0","method":"sum","id":0,"params":[1,2]}
 * ```
 */
export abstract class JSONRPC {
  /** Invalid JSON or invalid UTF-8. */
  static readonly PARSE_ERROR: -32700 = PARSE_ERROR;
  /** The message is not a valid request or response object. */
  static readonly INVALID_REQUEST: -32600 = INVALID_REQUEST;
  /** No such method (or the method is not a string). */
  static readonly METHOD_NOT_FOUND: -32601 = METHOD_NOT_FOUND;
  /** The arguments do not fit the method. */
  static readonly INVALID_ARGS: -32602 = INVALID_ARGS;
  /** An internal error, e.g. a result that cannot be encoded as JSON. */
  static readonly INTERNAL_ERROR: -32603 = INTERNAL_ERROR;
  /** An error response that carried no usable code (this library's own code). */
  static readonly ERROR_CODE_UNAVAILABLE: -100 = ERROR_CODE_UNAVAILABLE;
  /** The peer used too many resources (this library's own code). */
  static readonly EXCESSIVE_RESOURCE_USAGE: -101 = EXCESSIVE_RESOURCE_USAGE;
  /** The server is too busy, e.g. the request timed out (this library's own code). */
  static readonly SERVER_BUSY: -102 = SERVER_BUSY;

  /** Whether the protocol has batches. */
  static readonly allowBatches: boolean = true;

  // ---- protocol hooks, overridden by each version ----

  /**
   * Checks the payload is an object and returns its id: null if it has none
   * and `requireId` is false. Throws a ProtocolError otherwise.
   */
  protected static messageId: (payload: unknown, requireId: boolean) => unknown = abstractHook;

  /** Checks what `messageId` does not (e.g. the `"jsonrpc"` member). */
  protected static validateMessage(_payload: JSONRecord): void {}

  /** The arguments of a request object, checked. */
  protected static requestArgs: (payload: JSONRecord) => RequestArgs = abstractHook;

  /** The result of a response object: a value, or an RPCError for an error response. */
  static responseValue: (payload: JSONRecord) => unknown = abstractHook;

  /** The JSON object of a request (id given) or a notification (id null). */
  static requestPayload: (request: Request | Notification, requestId: unknown) => JSONRecord = abstractHook;

  /** The JSON object of a successful response. */
  static responsePayload: (result: unknown, requestId: unknown) => JSONRecord = abstractHook;

  /** The JSON object of an error response. */
  static errorPayload: (error: RPCError, requestId: unknown) => JSONRecord = abstractHook;

  // ---- interpretation ----

  /**
   * Interprets one decoded request object (a whole message, or a batch
   * member). A bad one throws a ProtocolError whose `replyBytes` is the error
   * response to send.
   */
  static processRequest(payload: unknown): RequestMessageItem | NotificationMessageItem {
    let requestId: unknown = null;
    try {
      requestId = this.messageId(payload, false);
      const record = payload as JSONRecord; // messageId has checked it is an object
      this.validateMessage(record);
      const method = hasOwn(record, 'method') ? record['method'] : null;
      // The arguments are checked before the method, as in the reference.
      const args = this.requestArgs(record);
      if (requestId === null) {
        return { kind: 'notification', item: new Notification(method as string, args) };
      }
      return { kind: 'request', item: new Request(method as string, args), id: requestId };
    } catch (error) {
      throw this.rethrow(error, true, requestId);
    }
  }

  /**
   * Interprets one decoded response object. A bad one throws a ProtocolError
   * with `inResponse` set and the id it carried.
   */
  static processResponse(payload: unknown): ResponseMessageItem {
    let requestId: unknown = null;
    try {
      requestId = this.messageId(payload, true);
      const record = payload as JSONRecord;
      this.validateMessage(record);
      return { kind: 'response', item: new Response(this.responseValue(record)), id: requestId };
    } catch (error) {
      throw this.rethrow(error, false, requestId);
    }
  }

  /**
   * Interprets an unframed message: a request, a notification, a response
   * (an error response has an RPCError result) or a batch of payloads.
   *
   * @param message - the unframed message bytes
   * @returns what the message holds
   * @throws ProtocolError - for invalid UTF-8 or JSON, a bad request or response object, an empty batch, or a batch where the protocol has none
   */
  static messageToItem(message: Uint8Array): MessageItem {
    const payload = this.decodePayload(message);
    if (isRecord(payload)) {
      return hasOwn(payload, 'method') ? this.processRequest(payload) : this.processResponse(payload);
    }
    if (Array.isArray(payload) && this.allowBatches) {
      if (payload.length === 0) throw this.rethrow(emptyBatchError(), true, null);
      return { kind: 'batch', payloads: payload };
    }
    throw this.rethrow(notAnObjectError(), true, null);
  }

  /** The decoded JSON of a message, or a PARSE_ERROR ProtocolError with its reply. */
  protected static decodePayload(message: Uint8Array): unknown {
    const decoded = decodeJSONMessage(message);
    if (decoded.ok) return decoded.value;
    const text = decoded.failure === 'utf8' ? 'messages must be encoded in UTF-8' : 'invalid JSON';
    throw this.protocolError(PARSE_ERROR, text, true, null);
  }

  /**
   * A ProtocolError that either carries the error reply to send (`send`) or,
   * for a violation found in a response, the id that response carried.
   */
  protected static protocolError(code: number, message: string, send: boolean, id: unknown): ProtocolError {
    if (!send) return new ProtocolError(code, message, { inResponse: true, responseId: id });
    return new ProtocolError(code, message, { replyBytes: this.responseMessage(new RPCError(code, message), id) });
  }

  private static rethrow(error: unknown, send: boolean, id: unknown): unknown {
    return error instanceof ProtocolError ? this.protocolError(error.code, error.message, send, id) : error;
  }

  // ---- construction ----

  /**
   * The message for a request.
   *
   * @param item - the request
   * @param requestId - its id
   * @throws ProtocolError - if the protocol cannot express it (named arguments under 1.0) or it cannot be encoded
   */
  static requestMessage(item: Request, requestId: unknown): Uint8Array {
    return utf8(requestText(this, item, requestId));
  }

  /**
   * The message for a notification.
   *
   * @throws ProtocolError - as `requestMessage`
   */
  static notificationMessage(item: Notification): Uint8Array {
    return this.encodePayload(this.requestPayload(item, null));
  }

  /**
   * The response message for a result, or an error response for an RPCError
   * (or ProtocolError).
   *
   * @param result - a JSON-encodable value (undefined is sent as null), or an RPCError
   * @param requestId - the id of the request answered
   * @throws ProtocolError - INTERNAL_ERROR if the result cannot be encoded
   */
  static responseMessage(result: unknown, requestId: unknown): Uint8Array {
    return utf8(responseText(this, result, requestId));
  }

  /**
   * The message for a batch of requests and notifications.
   *
   * @param batch - the batch
   * @param requestIds - one id per Request member, in order
   * @throws ProtocolError - if the protocol has no batches, or a member cannot be expressed
   */
  static batchMessage(batch: Batch<Request | Notification>, requestIds: Iterable<unknown>): Uint8Array {
    return batching.get().message(this, batch, requestIds);
  }

  /**
   * Joins messages, one per batch member, into a batch message
   * (`[m1, m2, …]`).
   *
   * @throws ProtocolError - `'batch is empty'` if there is nothing to join
   */
  static batchMessageFromParts(messages: Iterable<Uint8Array>): Uint8Array {
    const parts = [...messages];
    const middle = parts.reduce((total, part) => total + part.length, 0) + 2 * Math.max(0, parts.length - 1);
    if (middle === 0) throw emptyBatchError();
    const out = new Uint8Array(middle + 2);
    out[0] = 0x5b;
    let offset = 1;
    parts.forEach((part, index) => {
      if (index > 0) {
        out[offset++] = 0x2c;
        out[offset++] = 0x20;
      }
      out.set(part, offset);
      offset += part.length;
    });
    out[offset] = 0x5d;
    return out;
  }

  /**
   * A value as compact JSON in UTF-8.
   *
   * @throws ProtocolError - INTERNAL_ERROR `'JSON payload encoding error: …'` if it has no JSON form (cycles, BigInt, undefined)
   */
  static encodePayload(payload: unknown): Uint8Array {
    return utf8(encodePayloadText(payload));
  }
}

/**
 * Every hook of the abstract base, until a version overrides it: the
 * protocol class lacks its version's rules (the reference's
 * NotImplementedError). One function, shared.
 */
function abstractHook(this: { readonly name: string }): never {
  throw new TypeError(`${this.name} is abstract: use a concrete JSON-RPC protocol class`);
}
