import type { Observable } from 'rxjs';
import { batching, unsentBatch } from './batchInternals.js';
import { answerPending, batchKey, registerBatch, takeIds, type PendingKey, type ResponseReceiver } from './connectionInternals.js';
import { numericId } from './jsonrpcInternals.js';
import type { JSONRPCProtocol } from './JSONRPC.js';
import type { JSONRPCConnection, ReceivedMessage } from './JSONRPCConnection.js';
import { Notification } from './Notification.js';
import { emptyBatchError, invalidRequestError, ProtocolError } from './ProtocolError.js';
import { Request } from './Request.js';
import { Response } from './Response.js';

/**
 * What a batch can hold: requests and notifications, or responses.
 *
 * ## Example
 * ```ts
 * import { Notification, Request, type BatchItem } from 'rxrpcx';
 * const items: BatchItem[] = [new Request('add', [1, 2]), new Notification('log', ['hi'])];
 * ```
 */
export type BatchItem = Request | Notification | Response;

/**
 * A JSON-RPC batch: several requests and notifications sent as one message
 * (or several responses).
 *
 * Build one and send it with `JSONRPCConnection.sendBatch`; the batch's
 * `response$` emits the results of its requests in the order they were added.
 * The constructor throws a {@link ProtocolError} (`INVALID_REQUEST`) if
 * `items` is not an array (`'items must be a list'`), is empty (`'batch is
 * empty'`) or mixes requests with responses (`'batch must be homogeneous'`).
 *
 * ## Example
 *
 * ```ts
 * import { Batch, Notification, Request } from 'rxrpcx';
 *
 * const batch = new Batch([new Request('add', [1, 2]), new Notification('log', ['hi'])]);
 * batch.length; // 2
 * ```
 *
 * @param items - the members, in order
 */
export class Batch<T extends BatchItem = Request | Notification> implements Iterable<T> {
  /** The members, in order. */
  readonly items: readonly T[];

  constructor(items: readonly T[]) {
    if (!Array.isArray(items)) throw invalidRequestError('items must be a list');
    if (items.length === 0) throw emptyBatchError();
    const members: readonly unknown[] = items;
    const requests = members.every((item) => item instanceof Request || item instanceof Notification);
    if (!requests && !members.every((item) => item instanceof Response)) {
      throw invalidRequestError('batch must be homogeneous');
    }
    this.items = Object.freeze([...items]);
  }

  /** The number of members. */
  get length(): number {
    return this.items.length;
  }

  /** The items in order, so a batch spreads (`[...batch]`) and works in `for … of`. */
  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }

  /** `Batch(n items)`, for logs. */
  toString(): string {
    return `Batch(${this.items.length} items)`;
  }

  static {
    batching.bind({ message: batchMessage, send: sendBatch, receive: receiveResponses });
  }
}

/** `JSONRPC.batchMessage`: the members' messages joined, each request with the next of `requestIds`. */
function batchMessage(protocol: JSONRPCProtocol, batch: Batch<Request | Notification>, requestIds: Iterable<unknown>): Uint8Array {
  if (!protocol.allowBatches) throw invalidRequestError('protocol does not permit batches');
  const ids = requestIds[Symbol.iterator]();
  const parts = batch.items.map((member) => {
    if (!(member instanceof Request)) return protocol.notificationMessage(member);
    const next = ids.next();
    if (next.done === true) throw new TypeError('batchMessage needs one request id per request');
    return protocol.requestMessage(member, next.value);
  });
  return protocol.batchMessageFromParts(parts);
}

/** A batch sent through a connection: ids for its requests, its message, and its registration (see `Batching.send`). */
function sendBatch(
  connection: object,
  batch: Batch<Request | Notification>,
  receiver?: ResponseReceiver,
): [message: Uint8Array, key: PendingKey | undefined, response$: Observable<unknown> | undefined] {
  const ids = takeIds(connection, batch.items.filter((item) => item instanceof Request).length);
  const message = (connection as JSONRPCConnection).protocol.batchMessage(batch, ids);
  if (ids.length === 0) return [message, undefined, undefined];
  const key = batchKey(ids);
  return [message, key, registerBatch(connection, key, batch, receiver)];
}

/**
 * A batch of responses: the results, in the order of the batch's requests,
 * to the batch they answer. A bad member spoils the batch (nothing is
 * delivered, as in the reference); a batch nobody waits for is refused.
 */
function receiveResponses(connection: object, payloads: readonly unknown[]): ReceivedMessage {
  const protocol = (connection as JSONRPCConnection).protocol;
  const answers: Array<{ id: number | undefined; result: unknown }> = [];
  const errors: ProtocolError[] = [];
  for (const payload of payloads) {
    try {
      const { item, id } = protocol.processResponse(payload);
      answers.push({ id: numericId(id), result: item.result });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length > 0) return { items: [], reply: undefined, errors };
  // Our batches' keys list their request ids in order; the peer may answer in any order.
  if (answers.every((answer) => answer.id !== undefined)) {
    answers.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    const key = batchKey(answers.map((answer) => answer.id ?? 0));
    if (answerPending(connection, key, Object.freeze(answers.map((answer) => answer.result)))) return { items: [], reply: undefined, errors: [] };
  }
  return unsentBatch();
}
