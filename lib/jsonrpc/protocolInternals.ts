/**
 * Rules shared by several protocol classes (JSONRPCLoose borrows from both
 * versions), and the text forms of their messages for senders that encode
 * many messages at once. Not re-exported.
 *
 * @internal
 */
import { ERROR_CODE_UNAVAILABLE, INTERNAL_ERROR, asPythonInt, encodeJSONText, getOwn, hasOwn, isRecord, isValidV2Id, type JSONRecord, type RequestArgs } from './jsonrpcInternals.js';
import type { JSONRPCProtocol } from './JSONRPC.js';
import type { Notification } from './Notification.js';
import { ProtocolError, invalidRequestError, invalidArgsError, notAnObjectError } from './ProtocolError.js';
import { pyStr } from './pythonReprInternals.js';
import type { Request } from './Request.js';
import { RPCError } from './RPCError.js';

/** JSON-RPC 2.0's id rule (also JSONRPCLoose's). */
export function v2MessageId(payload: unknown, requireId: boolean): unknown {
  if (!isRecord(payload)) throw notAnObjectError();
  if (hasOwn(payload, 'id')) {
    const id = payload['id'];
    if (!isValidV2Id(id)) throw invalidRequestError(`invalid "id": ${pyStr(id)}`);
    return id;
  }
  if (requireId) throw invalidRequestError('request has no "id"');
  return null;
}

/** JSON-RPC 2.0's arguments rule: `params` absent means `[]`. */
export function v2RequestArgs(payload: JSONRecord): RequestArgs {
  const args = hasOwn(payload, 'params') ? payload['params'] : [];
  if (!Array.isArray(args) && !isRecord(args)) {
    throw invalidArgsError(`invalid request arguments: ${pyStr(args)}`);
  }
  return args;
}

/** JSON-RPC 2.0 request or notification (id null) object. */
export function v2RequestPayload(request: Request | Notification, requestId: unknown): JSONRecord {
  const payload: Record<string, unknown> = { jsonrpc: '2.0', method: request.method };
  if (requestId !== null && requestId !== undefined) payload['id'] = requestId;
  // Empty positional arguments are left out; an empty object is kept, since a
  // missing "params" reads as an empty array.
  const args = request.args;
  if (!Array.isArray(args) || args.length > 0) payload['params'] = args;
  return payload;
}

/** JSON-RPC 2.0 success object. */
export function v2ResponsePayload(result: unknown, requestId: unknown): JSONRecord {
  return { jsonrpc: '2.0', result: result === undefined ? null : result, id: requestId };
}

/** JSON-RPC 2.0 error object. */
export function v2ErrorPayload(error: RPCError, requestId: unknown): JSONRecord {
  return { jsonrpc: '2.0', error: { code: error.code, message: error.message }, id: requestId };
}

/** JSON-RPC 1.0's reading of whatever came in `"error"`. */
export function bestEffortError(error: unknown): RPCError {
  let code: number = ERROR_CODE_UNAVAILABLE;
  let message = 'no error message provided';
  if (typeof error === 'string') {
    message = error;
  } else if (asPythonInt(error) !== undefined) {
    code = asPythonInt(error) ?? code;
  } else if (isRecord(error)) {
    const text = getOwn(error, 'message');
    if (typeof text === 'string') message = text;
    code = asPythonInt(getOwn(error, 'code')) ?? code;
  }
  return new RPCError(code, message);
}

/**
 * `protocol.requestMessage(item, requestId)` as JSON text, before UTF-8
 * encoding: `'{"jsonrpc":"2.0","method":"sum","id":0,"params":[1,2]}'`.
 * @throws ProtocolError - as `requestMessage`
 */
export function requestText(protocol: JSONRPCProtocol, item: Request, requestId: unknown): string {
  return encodePayloadText(protocol.requestPayload(item, requestId));
}

/**
 * `protocol.responseMessage(result, requestId)` as JSON text, before UTF-8
 * encoding: `'{"jsonrpc":"2.0","result":3,"id":7}'`.
 * @throws ProtocolError - as `responseMessage`
 */
export function responseText(protocol: JSONRPCProtocol, result: unknown, requestId: unknown): string {
  const payload =
    result instanceof RPCError ? protocol.errorPayload(result, requestId) : protocol.responsePayload(result, requestId);
  return encodePayloadText(payload);
}

/**
 * `JSONRPC.encodePayload(payload)` as JSON text, before UTF-8 encoding.
 * @throws ProtocolError - INTERNAL_ERROR `'JSON payload encoding error: …'` if it has no JSON form
 */
export function encodePayloadText(payload: unknown): string {
  const text = encodeJSONText(payload);
  if (text === undefined) {
    throw new ProtocolError(INTERNAL_ERROR, `JSON payload encoding error: ${pyStr(payload)}`);
  }
  return text;
}

/**
 * Per-protocol traits that the connection and the session read without
 * importing the protocol classes that have them, so that a bundle holds only
 * the protocols it uses. A protocol class declares its trait in a static
 * block; the lookups below are the only readers.
 */
const detectors = new WeakMap<object, (message: Uint8Array) => JSONRPCProtocol>();
const positionalOnly = new WeakSet<object>();

/** Declares that a connection on `protocol` takes its real protocol from the first message, by `detect`. */
export function defineDetection(protocol: object, detect: (message: Uint8Array) => JSONRPCProtocol): void {
  detectors.set(protocol, detect);
}

/** How a connection on exactly `protocol` finds its real one, or undefined if `protocol` is the real one. */
export function detectionOf(protocol: object): ((message: Uint8Array) => JSONRPCProtocol) | undefined {
  return detectors.get(protocol);
}

/** Declares that requests under `protocol` (and its subclasses) carry positional arguments only. */
export function definePositionalOnly(protocol: object): void {
  positionalOnly.add(protocol);
}

/** Whether `protocol`, or a protocol it extends, carries positional arguments only (JSON-RPC 1.0). */
export function isPositionalOnly(protocol: object): boolean {
  for (let p: object | null = protocol; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    if (positionalOnly.has(p)) return true;
  }
  return false;
}
