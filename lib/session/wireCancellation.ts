import type { PendingKey } from '../jsonrpc/connectionInternals.js';
import { IncomingRequest } from '../jsonrpc/IncomingRequest.js';
import type { JSONRPCConnection } from '../jsonrpc/JSONRPCConnection.js';
import { Notification } from '../jsonrpc/Notification.js';
import { isPositionalOnly } from '../jsonrpc/protocolInternals.js';
import type { CancellationPlug } from './cancellationInternals.js';

/**
 * Wire cancellation for a session (its `cancellation` option): made by
 * {@link wireCancellation}.
 *
 * ## Example
 * ```ts
 * import { wireCancellation, type WireCancellation } from 'rxrpcx';
 * const lsp: WireCancellation = wireCancellation();
 * console.log(lsp.method); // $/cancelRequest
 * ```
 */
export interface WireCancellation {
  /** The cancel notification's method. */
  readonly method: string;
}

/** Options of {@link wireCancellation}. */
export interface WireCancellationOptions {
  /** The cancel notification's method. @default '$/cancelRequest' */
  readonly method?: string;
}

/**
 * Wire cancellation, an extension aiorpcX does not have, for a session's
 * `cancellation` option. Off unless given, so the wire stays the
 * reference's; give it at both ends. The method is LSP's `'$/cancelRequest'`
 * unless you name another. A function to import, not a flag: bundles of
 * sessions that never cancel on the wire carry none of it.
 *
 * With it, a lone request abandoned before its answer — its subscriber
 * unsubscribed, or the `signal` given to `sendRequest` aborted — after it
 * was written sends the notification `{ method, params: { id } }` (`[id]`
 * under JSON-RPC 1.0, which has no named arguments). A request still
 * waiting for an outgoing slot was never written, and sends nothing; a
 * timeout, the end of the connection and batches send nothing either.
 * Incoming, such a notification is taken by the session, not by handlers or
 * `notifications$`: the lone request with that id ends with no reply — a
 * running handler's Observable is unsubscribed, a Promise handler's answer
 * is dropped, a request waiting for a slot leaves the queue — and its slot
 * goes to the next. An unknown, answered or batch member's id is ignored.
 * Without it, such a notification is an ordinary one.
 *
 * ## Example
 * ```ts
 * import { RPCSession, memoryTransportPair, wireCancellation } from 'rxrpcx';
 * const [clientEnd, serverEnd] = memoryTransportPair();
 * new RPCSession(serverEnd, { cancellation: wireCancellation(), handlers: { slow: () => new Promise(() => undefined) } });
 * const client = new RPCSession(clientEnd, { cancellation: wireCancellation() });
 * const signal = AbortSignal.timeout(1000);
 * await client.sendRequest('slow', [], { signal }).catch((error: Error) => console.log(error.name)); // TaskCancelledError
 * ```
 *
 * @param options - the method
 * @throws TypeError - if the method is empty or not a string
 */
export function wireCancellation(options: WireCancellationOptions = {}): WireCancellation {
  const method: unknown = options.method ?? '$/cancelRequest';
  if (typeof method !== 'string' || method.length === 0) {
    throw new TypeError(`cancellation method must be a non-empty string, got ${JSON.stringify(method)}`);
  }
  const plug: CancellationPlug = {
    method,
    notice(connection: JSONRPCConnection, id: PendingKey): Uint8Array {
      // JSON-RPC 1.0's requests carry positional arguments only.
      const args = isPositionalOnly(connection.protocol) ? [id] : { id };
      return connection.sendNotification(new Notification(method, args));
    },
    cancelledKey(cancel: Notification): PendingKey | undefined {
      const args: unknown = cancel.args;
      return asKey(Array.isArray(args) ? (args.length === 1 ? args[0] : undefined) : (args as Record<string, unknown>)['id']);
    },
    keyOf(item: IncomingRequest | Notification, message: Uint8Array): PendingKey | undefined {
      // Members of a batch have none: the batch is answered whole, so withholding one reply would withhold all.
      return item instanceof IncomingRequest && !isBatchMessage(message) ? asKey(item.id) : undefined;
    },
  };
  return plug;
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
