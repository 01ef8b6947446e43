import type { PendingKey } from '../jsonrpc/connectionInternals.js';
import type { IncomingRequest } from '../jsonrpc/IncomingRequest.js';
import type { JSONRPCConnection } from '../jsonrpc/JSONRPCConnection.js';
import type { Notification } from '../jsonrpc/Notification.js';
import { TaskCancelledError } from '../tasks/TaskCancelledError.js';
import type { WireCancellation } from './wireCancellation.js';

/**
 * What a session asks of its wire cancellation (made by `wireCancellation`,
 * whose module holds all of it): the core paths only carry a method name and
 * a key.
 *
 * Internal to the session layer.
 */
export interface CancellationPlug extends WireCancellation {
  /** The cancel notification for our request `id`. */
  notice(connection: JSONRPCConnection, id: PendingKey): Uint8Array;
  /** The key a cancel notification names — its params `{ id }` or `[id]` — or undefined if it names none we could have. */
  cancelledKey(cancel: Notification): PendingKey | undefined;
  /**
   * The key by which an incoming item may be cancelled: a lone request's id.
   * @param message - the message the item came in
   */
  keyOf(item: IncomingRequest | Notification, message: Uint8Array): PendingKey | undefined;
}

/**
 * A session's `cancellation` option as the plug it is, or undefined.
 * @throws TypeError - if it was not made by `wireCancellation` (checked before any I/O)
 */
export function cancellationPlug(option: WireCancellation | undefined): CancellationPlug | undefined {
  if (option !== undefined && typeof (option as Partial<CancellationPlug>).keyOf !== 'function') {
    throw new TypeError('the cancellation option takes wireCancellation()');
  }
  return option as CancellationPlug | undefined;
}

/** What an outgoing request aborted by its signal fails with. */
export function abortError(signal: AbortSignal): TaskCancelledError {
  return new TaskCancelledError('request was cancelled', { cause: signal.reason });
}
