import type { RequestArgs } from './jsonrpcInternals.js';
import { itemText, validateRequestParts } from './itemInternals.js';

/**
 * A JSON-RPC notification: a method and its arguments, with no response.
 *
 * Send one with `JSONRPCConnection.sendNotification`; received ones come out
 * of `receiveMessage` as they are (nothing to reply). The constructor checks
 * its parts like {@link Request}'s.
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPCConnection, JSONRPCv2, Notification } from 'rxrpcx';
 *
 * const connection = new JSONRPCConnection(JSONRPCv2);
 * const bytes = connection.sendNotification(new Notification('headers.subscribe', [{ height: 1 }]));
 * ```
 *
 * @param method - the method name
 * @param args - positional (array) or named (object) arguments
 * @default args `[]`
 */
export class Notification {
  /** The method name. */
  readonly method: string;
  /** Positional (array) or named (object) arguments. */
  readonly args: RequestArgs;

  constructor(method: string, args: RequestArgs = []) {
    validateRequestParts(method, args);
    this.method = method;
    this.args = args;
  }

  /** `Notification("method", [args])`, for logs. */
  toString(): string {
    return itemText('Notification', this);
  }
}
