import { INVALID_ARGS, hasOwn, isRecord, type JSONRecord, type RequestArgs } from './jsonrpcInternals.js';
import { JSONRPC } from './JSONRPC.js';
import type { Notification } from './Notification.js';
import { ProtocolError, invalidRequestError, invalidArgsError, notAnObjectError } from './ProtocolError.js';
import { bestEffortError, definePositionalOnly } from './protocolInternals.js';
import { pyStr } from './pythonReprInternals.js';
import type { Request } from './Request.js';
import type { RPCError } from './RPCError.js';

/**
 * JSON-RPC 1.0, strictly.
 *
 * Every message has an `"id"` (null for a notification, any JSON value
 * otherwise); arguments are positional only; responses carry both `"result"`
 * and `"error"`; there are no batches. An error that is not an object is read
 * as well as possible (a string is the message, an integer the code; otherwise
 * code `ERROR_CODE_UNAVAILABLE` and `'no error message provided'`).
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPCv1, Request } from 'rxrpcx';
 *
 * JSONRPCv1.requestMessage(new Request('echo', ['hi']), 0);
 * // {"method":"echo","params":["hi"],"id":0}
 * ```
 */
export abstract class JSONRPCv1 extends JSONRPC {
  static override readonly allowBatches: boolean = false;

  static {
    definePositionalOnly(this);
  }

  protected static override messageId(payload: unknown, _requireId: boolean): unknown {
    // 1.0 needs an id always, of any type; batches never get this far.
    if (!isRecord(payload)) throw notAnObjectError();
    if (!hasOwn(payload, 'id')) throw invalidRequestError('request has no "id"');
    return payload['id'];
  }

  protected static override requestArgs(payload: JSONRecord): RequestArgs {
    const args = hasOwn(payload, 'params') ? payload['params'] : null;
    if (!Array.isArray(args)) throw invalidArgsError(`invalid request arguments: ${pyStr(args)}`);
    return args;
  }

  static override responseValue(payload: JSONRecord): unknown {
    if (!hasOwn(payload, 'result') || !hasOwn(payload, 'error')) {
      throw invalidRequestError('response must contain both "result" and "error"');
    }
    const result = payload['result'];
    const error = payload['error'];
    if (error === null) return result; // null is a valid result
    if (result !== null) throw invalidRequestError('response has a "result" and an "error"');
    return bestEffortError(error);
  }

  static override requestPayload(request: Request | Notification, requestId: unknown): JSONRecord {
    if (!Array.isArray(request.args)) {
      throw new ProtocolError(INVALID_ARGS, 'JSONRPCv1 does not support named arguments');
    }
    return { method: request.method, params: request.args, id: requestId ?? null };
  }

  static override responsePayload(result: unknown, requestId: unknown): JSONRecord {
    return { result: result === undefined ? null : result, error: null, id: requestId };
  }

  static override errorPayload(error: RPCError, requestId: unknown): JSONRecord {
    return { result: null, error: { code: error.code, message: error.message }, id: requestId };
  }
}
