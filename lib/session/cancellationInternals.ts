import type { PendingKey } from '../jsonrpc/connectionInternals.js';
import { IncomingRequest } from '../jsonrpc/IncomingRequest.js';
import type { JSONRPCConnection } from '../jsonrpc/JSONRPCConnection.js';
import { isPositionalOnly } from '../jsonrpc/protocolInternals.js';
import { Notification } from '../jsonrpc/Notification.js';
import { TaskCancelledError } from '../tasks/TaskCancelledError.js';
import type { RPCSessionOptions } from './SessionOptions.js';

/**
 * Wire cancellation (the `cancellation` option), outside the core paths:
 * the option read once, the cancel notification made for an abandoned
 * request, and the two questions the incoming side asks — is this item a
 * cancel, and by which key could this request be cancelled. The outgoing
 * path and the dispatcher only carry a method name and a key.
 *
 * Internal to the session layer.
 */

/** The method of the LSP's cancel notification, used when `cancellation` is `true`. */
const DEFAULT_CANCEL_METHOD = '$/cancelRequest';

/**
 * The cancel method of a session, or undefined when cancellation is off.
 * @throws TypeError - if the option names an empty or non-string method (checked before any I/O)
 */
export function cancellationMethod(option: RPCSessionOptions['cancellation']): string | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return DEFAULT_CANCEL_METHOD;
  const method: unknown = option.method ?? DEFAULT_CANCEL_METHOD;
  if (typeof method !== 'string' || method.length === 0) {
    throw new TypeError(`cancellation method must be a non-empty string, got ${JSON.stringify(method)}`);
  }
  return method;
}

/**
 * The cancel notification for our request `id`: `{ id }` as its params, or
 * `[id]` under JSON-RPC 1.0, whose requests carry positional arguments only.
 */
export function cancelMessage(connection: JSONRPCConnection, method: string, id: PendingKey): Uint8Array {
  const v1 = isPositionalOnly(connection.protocol);
  return connection.sendNotification(new Notification(method, v1 ? [id] : { id }));
}

/** The key a cancel notification names — its params `{ id }` or `[id]` — or undefined if it names none we could have. */
export function cancelledKey(cancel: Notification): PendingKey | undefined {
  const args: unknown = cancel.args;
  const id: unknown = Array.isArray(args) ? (args.length === 1 ? args[0] : undefined) : (args as Record<string, unknown>)['id'];
  return asKey(id);
}

/**
 * The key by which an incoming item may be cancelled: a lone request's id.
 * Notifications have none, and neither do members of a batch (the batch is
 * answered as a whole: withholding one member's reply would withhold all).
 * @param message - the message the item came in
 */
export function cancelKeyOf(item: IncomingRequest | Notification, message: Uint8Array): PendingKey | undefined {
  if (!(item instanceof IncomingRequest) || isBatchMessage(message)) return undefined;
  return asKey(item.id);
}

/** What an outgoing request aborted by its signal fails with. */
export function abortError(signal: AbortSignal): TaskCancelledError {
  return new TaskCancelledError('request was cancelled', { cause: signal.reason });
}

/** Ids as pending-table keys: numbers and strings (JSON-RPC's ids); others (null, objects under 1.0) cannot be named. */
function asKey(id: unknown): PendingKey | undefined {
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
}

/** A JSON message that parsed as a batch: its first byte past JSON whitespace is '['. */
function isBatchMessage(message: Uint8Array): boolean {
  for (const byte of message) {
    // Space, tab, newline, carriage return.
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return byte === 0x5b;
  }
  return false;
}
