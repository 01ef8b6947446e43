import { ProtocolError, invalidRequestError } from './ProtocolError.js';
import { Notification } from './Notification.js';
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
    if (items.length === 0) throw invalidRequestError('batch is empty');
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
}
