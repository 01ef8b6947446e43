import type { Observable } from 'rxjs';
import { slot } from '../util/slotInternals.js';
import type { Batch } from './Batch.js';
import type { PendingKey, ResponseReceiver } from './connectionInternals.js';
import type { JSONRPCProtocol } from './JSONRPC.js';
import type { ReceivedMessage } from './JSONRPCConnection.js';
import type { Notification } from './Notification.js';
import { invalidRequestError } from './ProtocolError.js';
import type { Request } from './Request.js';

/**
 * Outgoing batches: the encoding of a batch and its registration with a
 * connection, filled in by {@link Batch}'s static block. Only a bundle that
 * makes batches carries them — and whoever holds a Batch has loaded its
 * module, so `JSONRPC.batchMessage`, `JSONRPCConnection.sendBatch` and the
 * session's batches always find them. So do the responses to batches: a
 * connection that never sent one has no batch to match a response batch
 * with, and refuses it as unsent without reading its members. (Incoming
 * batches of requests are every connection's business, and stay in
 * JSONRPCConnection.)
 *
 * Not re-exported.
 */
export interface Batching {
  /** `JSONRPC.batchMessage`: one message of the members' messages, the requests taking `ids` in order. */
  message(protocol: JSONRPCProtocol, batch: Batch<Request | Notification>, ids: Iterable<unknown>): Uint8Array;
  /**
   * Sends a batch through a connection: its message, its key (undefined for
   * notifications only: nothing to wait for) and, without a `receiver`, the
   * Observable of its results; with one, the results go to it.
   */
  send(
    connection: object,
    batch: Batch<Request | Notification>,
    receiver?: ResponseReceiver,
  ): [message: Uint8Array, key: PendingKey | undefined, response$: Observable<unknown> | undefined];
  /** A batch of responses, for the batch they answer (see `receiveResponses` in Batch.ts). */
  receive(connection: object, payloads: readonly unknown[]): ReceivedMessage;
}

/** The one wording of a response batch that answers no batch we are waiting for. */
export function unsentBatch(): never {
  throw invalidRequestError('response to unsent batch');
}

/** Bound once, by `Batch`'s static block; only a batch's holder asks, so it is bound. */
export const batching = slot<Batching>('Batch');
