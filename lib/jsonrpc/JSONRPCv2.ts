import { getOwn, hasOwn, isRecord, type JSONRecord } from './jsonrpcInternals.js';
import { JSONRPC } from './JSONRPC.js';
import { invalidRequestError } from './ProtocolError.js';
import {
  v2ErrorPayload,
  v2MessageId,
  v2RequestArgs,
  v2RequestPayload,
  v2ResponsePayload,
} from './protocolInternals.js';
import { pyStr } from './pythonReprInternals.js';
import { RPCError } from './RPCError.js';

/**
 * JSON-RPC 2.0, strictly.
 *
 * Every message has `"jsonrpc": "2.0"`; an id is a number, string or null
 * (no id makes a notification); arguments are positional or named; a
 * response has exactly one of `"result"` and `"error"`, and an error must be
 * `{code: integer, message: string}`. Batches are allowed.
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPCv2 } from 'rxrpcx';
 *
 * const item = JSONRPCv2.messageToItem(
 *   new TextEncoder().encode('{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1}'),
 * );
 * if (item.kind === 'request') console.log(item.item.method, item.item.args, item.id); // sum [1, 2] 1
 * ```
 */
export abstract class JSONRPCv2 extends JSONRPC {
  protected static override messageId = v2MessageId;

  protected static override validateMessage(payload: JSONRecord): void {
    if (getOwn(payload, 'jsonrpc') !== '2.0') throw invalidRequestError('"jsonrpc" is not "2.0"');
  }

  protected static override requestArgs = v2RequestArgs;

  static override responseValue(payload: JSONRecord): unknown {
    if (hasOwn(payload, 'result')) {
      if (hasOwn(payload, 'error')) {
        throw invalidRequestError('response contains both "result" and "error"');
      }
      return payload['result'];
    }
    if (!hasOwn(payload, 'error')) {
      throw invalidRequestError('response contains neither "result" nor "error"');
    }
    const error = payload['error'];
    if (isRecord(error)) {
      const code = getOwn(error, 'code');
      const message = getOwn(error, 'message');
      if (typeof message === 'string') {
        if (typeof code === 'number' && Number.isInteger(code)) return new RPCError(code, message);
        if (typeof code === 'boolean') return new RPCError(code ? 1 : 0, message); // bool is int in Python
      }
    }
    throw invalidRequestError(`ill-formed response error object: ${pyStr(error)}`);
  }

  static override requestPayload = v2RequestPayload;

  static override responsePayload = v2ResponsePayload;

  static override errorPayload = v2ErrorPayload;
}
