import { RPCError } from './RPCError.js';

/**
 * A JSON-RPC response: the `result` of a request, or its error.
 *
 * `JSONRPC.messageToItem` returns one for a response message. An error
 * response has an {@link RPCError} as its `result` (as in the reference);
 * `error` gives it typed, and is undefined for a success.
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPCv2 } from 'rxrpcx';
 *
 * const parsed = JSONRPCv2.messageToItem(new TextEncoder().encode('{"jsonrpc":"2.0","result":5,"id":0}'));
 * if (parsed.kind === 'response') console.log(parsed.item.result, parsed.id); // 5 0
 * ```
 *
 * @param result - the result value, or an RPCError
 */
export class Response {
  /** The result value, or an RPCError for an error response. */
  readonly result: unknown;

  constructor(result: unknown) {
    this.result = result;
  }

  /** The error of an error response; undefined for a success. */
  get error(): RPCError | undefined {
    return this.result instanceof RPCError ? this.result : undefined;
  }
}
