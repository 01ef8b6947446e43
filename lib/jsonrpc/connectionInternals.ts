import type { Observable } from 'rxjs';
import { slot } from '../util/slotInternals.js';
import type { Batch } from './Batch.js';
import type { IncomingRequest } from './IncomingRequest.js';
import type { Notification } from './Notification.js';
import type { Request } from './Request.js';

/**
 * The session layer's private way into a {@link JSONRPCConnection}: register
 * a request with a callback instead of an Observable, and forget it; and
 * into an {@link IncomingRequest}: its reply before UTF-8 encoding. Not
 * exported from the package; `JSONRPCConnection` and `IncomingRequest` fill
 * these in from inside their class bodies, so their state stays private to
 * them. This file only imports types, so it is no import cycle.
 */

/** Where the answer to a request goes: `deliver` is called at most once; `error` is undefined for a result. */
export interface ResponseReceiver {
  deliver(error: Error | undefined, result?: unknown): void;
}

/**
 * The key of a pending request (its id) or batch. Shown as `number | string`
 * in the API reference, where a session's protected hooks name it.
 *
 * @inline
 */
export type PendingKey = number | string;

/** Structural view of the connection, so this file needs no import of it. */
type Connection = object;

interface ConnectionFriend {
  sendRequestText(connection: Connection, request: Request, receiver: ResponseReceiver): [text: string, key: PendingKey];
  takeIds(connection: Connection, count: number): number[];
  register(connection: Connection, key: PendingKey, sent: Batch<Request | Notification>, receiver?: ResponseReceiver): Observable<unknown> | undefined;
  forget(connection: Connection, key: PendingKey): boolean;
  answer(connection: Connection, key: PendingKey, result: unknown): boolean;
}

/** Bound once, by `JSONRPCConnection`'s static block. */
export const connectionFriend = slot<ConnectionFriend>('JSONRPCConnection');

/**
 * Registers a request awaiting its answer and returns its message as JSON
 * text (send it UTF-8 encoded) and its key. `receiver.deliver` is called once with
 * the outcome — unless the request is forgotten first.
 * @throws ProtocolError - if the protocol cannot express the request (an id is used up all the same)
 */
export function sendRequestText(
  connection: Connection,
  request: Request,
  receiver: ResponseReceiver,
): [text: string, key: PendingKey] {
  return connectionFriend.get().sendRequestText(connection, request, receiver);
}

/** The next `count` request ids of the connection, in order. */
export function takeIds(connection: Connection, count: number): number[] {
  return connectionFriend.get().takeIds(connection, count);
}

/**
 * Registers a batch awaiting its answers under `key`: the results in batch
 * order go to `receiver`, or, with none, to the Observable returned (the
 * public form, as `sendRequest`'s).
 */
export function registerBatch(
  connection: Connection,
  key: PendingKey,
  batch: Batch<Request | Notification>,
  receiver?: ResponseReceiver,
): Observable<unknown> | undefined {
  return connectionFriend.get().register(connection, key, batch, receiver);
}

/** A batch's key in the pending table: the ids of its requests, ascending. */
export function batchKey(ids: readonly number[]): string {
  return `batch:${ids.join(',')}`;
}

/** Stops waiting for a request or batch; its late answer is dropped quietly. True if it was still waiting. */
export function forgetRequest(connection: Connection, key: PendingKey): boolean {
  return connectionFriend.get().forget(connection, key);
}

/**
 * Delivers `result` to the request or batch awaited under `key`; true if one
 * was (a late answer to an abandoned one is dropped, and counts as taken).
 */
export function answerPending(connection: Connection, key: PendingKey, result: unknown): boolean {
  return connectionFriend.get().answer(connection, key, result);
}

interface IncomingRequestFriend {
  replyText(request: IncomingRequest, result: unknown): Uint8Array | string | undefined;
}

/** Bound once, by `IncomingRequest`'s static block. */
export const incomingRequestFriend = slot<IncomingRequestFriend>('IncomingRequest');

/**
 * `request.reply(result)` without the final encoding, for senders that batch
 * their writes: a lone request's reply comes as JSON text (send it UTF-8
 * encoded), a batch's — and an oversized reply's error — as bytes. Counts as
 * the request's one reply, as `reply` does.
 *
 * ```ts
 * replyText(request, 3); // '{"jsonrpc":"2.0","result":3,"id":7}'
 * ```
 * @returns the unframed message, or undefined (batch not complete, or already answered)
 */
export function replyText(request: IncomingRequest, result: unknown): Uint8Array | string | undefined {
  return incomingRequestFriend.get().replyText(request, result);
}
