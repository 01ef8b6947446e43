import type { Batch } from './Batch';
import type { Notification } from './Notification';
import type { Request } from './Request';

/**
 * The session layer's private way into a {@link JSONRPCConnection}: register
 * a request with a callback instead of an Observable, and forget it. Not
 * exported from the package; `JSONRPCConnection` fills these in from inside
 * its class body, so its state stays private to it.
 */

/** Where the answer to a request goes: `error` is undefined for a result. Called at most once. */
export type ResponseCallback = (error: Error | undefined, result?: unknown) => void;

/** The key of a pending request (its id) or batch. */
export type PendingKey = number | string;

/** Structural view of the connection, so this file needs no import of it. */
type Connection = object;

interface ConnectionFriend {
  sendRequestText(connection: Connection, request: Request, deliver: ResponseCallback): [text: string, key: PendingKey];
  sendBatchMessage(
    connection: Connection,
    batch: Batch<Request | Notification>,
    deliver: ResponseCallback,
  ): [message: Uint8Array, key: PendingKey | undefined];
  forget(connection: Connection, key: PendingKey): boolean;
}

let friend: ConnectionFriend | undefined;

/** Called once, by `JSONRPCConnection`'s static block. */
export function bindConnectionFriend(implementation: ConnectionFriend): void {
  friend = implementation;
}

function theFriend(): ConnectionFriend {
  if (friend === undefined) throw new Error('JSONRPCConnection is not loaded');
  return friend;
}

/**
 * Registers a request awaiting its answer and returns its message as JSON
 * text (send it UTF-8 encoded) and its key. `deliver` is called once with
 * the outcome — unless the request is forgotten first.
 * @throws ProtocolError - if the protocol cannot express the request (an id is used up all the same)
 */
export function sendRequestText(
  connection: Connection,
  request: Request,
  deliver: ResponseCallback,
): [text: string, key: PendingKey] {
  return theFriend().sendRequestText(connection, request, deliver);
}

/**
 * Registers a batch awaiting its answers; `deliver` gets the results in
 * batch order. The key is undefined for a batch of notifications only
 * (nothing to wait for: `deliver` is never called).
 * @throws ProtocolError - if the protocol has no batches or cannot express a member
 */
export function sendBatchMessage(
  connection: Connection,
  batch: Batch<Request | Notification>,
  deliver: ResponseCallback,
): [message: Uint8Array, key: PendingKey | undefined] {
  return theFriend().sendBatchMessage(connection, batch, deliver);
}

/** Stops waiting for a request or batch; its late answer is dropped quietly. True if it was still waiting. */
export function forgetRequest(connection: Connection, key: PendingKey): boolean {
  return theFriend().forget(connection, key);
}
