import { itemText, validateRequestParts } from './itemInternals.js';
import type { RequestArgs } from './jsonrpcInternals.js';

export type { JSONRecord, RequestArgs } from './jsonrpcInternals.js';

/**
 * A JSON-RPC request: a method name and its arguments, expecting a response.
 *
 * Arguments are positional (an array) or named (a plain object). Build one to
 * send with `JSONRPCConnection.sendRequest`; received requests arrive as
 * {@link IncomingRequest}, a subclass that can produce its reply. The
 * constructor throws a {@link ProtocolError} for a non-string method
 * (`METHOD_NOT_FOUND`) or arguments that are neither an array nor a plain
 * object (`INVALID_ARGS`), as the reference does.
 *
 * ## Example
 *
 * ```ts
 * import { Request } from 'rxrpcx';
 *
 * const byPosition = new Request('blockchain.block.header', [680000]);
 * const byName = new Request('blockchain.block.header', { height: 680000 });
 * ```
 *
 * @param method - the method name
 * @param args - positional (array) or named (object) arguments
 * @default args `[]`
 */
export class Request {
  /** The method name. */
  readonly method: string;
  /** Positional (array) or named (object) arguments. */
  readonly args: RequestArgs;

  constructor(method: string, args: RequestArgs = []) {
    validateRequestParts(method, args);
    this.method = method;
    this.args = args;
  }

  /** `Request("method", [args])`, for logs (a subclass of your own prints as a Request). */
  toString(): string {
    return itemText('Request', this);
  }
}
