/**
 * Checks shared by Request and Notification. Not re-exported.
 *
 * @internal
 */
import { METHOD_NOT_FOUND, isPlainRecord, type RequestArgs } from './jsonrpcInternals.js';
import { ProtocolError, invalidArgsError } from './ProtocolError.js';

/** Checks a method and its arguments as the reference's item constructors do. */
export function validateRequestParts(method: unknown, args: unknown): asserts method is string {
  if (typeof method !== 'string') {
    throw new ProtocolError(METHOD_NOT_FOUND, 'method must be a string');
  }
  if (!Array.isArray(args) && !isPlainRecord(args)) {
    throw invalidArgsError('request arguments must be a list or a dictionary');
  }
}

/**
 * `Kind("method", [args])`, for logs: the kind written out, since a
 * minifier renames classes (`constructor.name` would print `O(…)` in a
 * browser bundle); the args as JSON text, never throwing.
 */
export function itemText(kind: string, item: { readonly method: string; readonly args: RequestArgs }): string {
  let args: string;
  try {
    args = JSON.stringify(item.args) ?? '?';
  } catch {
    args = '?';
  }
  return `${kind}(${JSON.stringify(item.method)}, ${args})`;
}
