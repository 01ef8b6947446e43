import { getOwn, hasOwn, type JSONRecord } from './jsonrpcInternals.js';
import { JSONRPC } from './JSONRPC.js';
import { invalidRequestError } from './ProtocolError.js';
import {
  bestEffortError,
  v2ErrorPayload,
  v2MessageId,
  v2RequestArgs,
  v2RequestPayload,
  v2ResponsePayload,
} from './protocolInternals.js';

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
  protected static override messageId = v2MessageId;

  protected static override requestArgs = v2RequestArgs;

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

  static override requestPayload = v2RequestPayload;

  static override responsePayload = v2ResponsePayload;

  static override errorPayload = v2ErrorPayload;
}
