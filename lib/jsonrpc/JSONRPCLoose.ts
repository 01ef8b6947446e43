import { getOwn, hasOwn, type JSONRecord, type RequestArgs } from './jsonrpcInternals.js';
import { JSONRPC } from './JSONRPC.js';
import type { Notification } from './Notification.js';
import { invalidRequestError } from './ProtocolError.js';
import {
  bestEffortError,
  v2ErrorPayload,
  v2MessageId,
  v2RequestArgs,
  v2RequestPayload,
  v2ResponsePayload,
} from './protocolInternals.js';
import type { Request } from './Request.js';
import type { RPCError } from './RPCError.js';

/**
 * A relaxed JSON-RPC that accepts 1.0 and 2.0 messages, and some that are
 * strictly neither.
 *
 * Incoming: ids follow the 2.0 rule (number, string or null); `"jsonrpc"` is
 * not checked; arguments may be positional or named; a response needs a
 * `"result"` or a non-null `"error"` (read as 1.0 does). Outgoing messages are
 * JSON-RPC 2.0, giving the other side the best chance to detect 2.0.
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPCLoose } from 'rxrpcx';
 *
 * const item = JSONRPCLoose.messageToItem(new TextEncoder().encode('{"result":1,"error":null,"id":0}'));
 * item.kind; // 'response'
 * ```
 */
export abstract class JSONRPCLoose extends JSONRPC {
  protected static override messageId(payload: unknown, requireId: boolean): unknown {
    return v2MessageId(payload, requireId);
  }

  protected static override requestArgs(payload: JSONRecord): RequestArgs {
    return v2RequestArgs(payload);
  }

  static override responseValue(payload: JSONRecord): unknown {
    // The result, unless it is null and there is an error.
    const error = getOwn(payload, 'error');
    if (error !== null) {
      if (getOwn(payload, 'result') !== null) {
        throw invalidRequestError('response contains both "result" and "error"');
      }
      return bestEffortError(error);
    }
    if (!hasOwn(payload, 'result')) {
      throw invalidRequestError('response contains neither "result" nor "error"');
    }
    return payload['result'];
  }

  static override requestPayload(request: Request | Notification, requestId: unknown): JSONRecord {
    return v2RequestPayload(request, requestId);
  }

  static override responsePayload(result: unknown, requestId: unknown): JSONRecord {
    return v2ResponsePayload(result, requestId);
  }

  static override errorPayload(error: RPCError, requestId: unknown): JSONRecord {
    return v2ErrorPayload(error, requestId);
  }
}
