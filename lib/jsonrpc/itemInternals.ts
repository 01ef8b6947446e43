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

/** The args as JSON text for `toString`, never throwing. */
export function safeArgsText(args: RequestArgs): string {
  try {
    return JSON.stringify(args) ?? '?';
  } catch {
    return '?';
  }
}
