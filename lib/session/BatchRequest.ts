import { Observable, defer, firstValueFrom, tap, type Subscriber } from 'rxjs';
import type { MethodContract } from '../jsonrpc/MethodContract.js';
import { Batch } from '../jsonrpc/Batch.js';
import { Notification } from '../jsonrpc/Notification.js';
import { Request, type RequestArgs } from '../jsonrpc/Request.js';
import { BatchError } from './BatchError.js';
import { outgoingPathOf } from './outgoingInternals.js';
import type { RPCSession } from './RPCSession.js';

/** How a built batch is sent, for a {@link BatchRequest} given one instead of a session. *
 * ## Example
 * ```ts
 * import { BatchRequest, type BatchSender } from 'rxrpcx';
 * import { of } from 'rxjs';
 * const offline: BatchSender = (batch) => of(batch.items.map(() => null));
 * const results = await new BatchRequest(offline).addRequest('a').send(); // [null]
 * ```
 */
export type BatchSender = (batch: Batch<Request | Notification>) => Observable<readonly unknown[]>;

/**
 * Builds a batch of requests and notifications, then sends it and gathers
 * the results in the order the requests were added.
 *
 * aiorpcX's `BatchRequest` (`async with session.send_batch() as batch`).
 * Adding an invalid member throws a ProtocolError at once; sending an empty
 * batch errors with one. `results` holds each request's result, or the
 * RPCError / ProtocolError of its error response (notifications have none).
 * With `raiseErrors`, any error response makes the send fail with a
 * {@link BatchError}.
 *
 * ## Example
 * ```ts
 * import { BatchRequest, RPCSession, memoryTransportPair } from 'rxrpcx';
 * const [transport] = memoryTransportPair();
 * const session = new RPCSession(transport);
 * const batch = new BatchRequest(session);
 * batch.addRequest('add', [1, 2]);
 * batch.addNotification('log', ['hi']);
 * batch.addRequest('echo', ['x']);
 * const [sum, echoed] = await batch.send(); // [3, 'x']
 * ```
 */
export class BatchRequest {
  readonly #send: BatchSender;
  readonly #items: Array<Request | Notification> = [];
  /** The batch that was sent, once sent. */
  batch: Batch<Request | Notification> | undefined;
  /** The results, in request order, once answered. */
  results: readonly unknown[] | undefined;

  /**
   * @param session - the session to send through (its outgoing concurrency and `sentRequestTimeout`), or a sender of one's own
   * @param raiseErrors - fail with BatchError when any member fails
   */
  constructor(
    session: RPCSession<MethodContract> | BatchSender,
    readonly raiseErrors = false,
  ) {
    this.#send = typeof session === 'function' ? session : (batch) => sendThrough(session, batch);
  }

  /** Adds a request; throws a ProtocolError if it is invalid. */
  addRequest(method: string, args?: RequestArgs): this {
    this.#items.push(new Request(method, args));
    return this;
  }

  /** Adds a notification; throws a ProtocolError if it is invalid. */
  addNotification(method: string, args?: RequestArgs): this {
    this.#items.push(new Notification(method, args));
    return this;
  }

  /** How many members were added. */
  get length(): number {
    return this.#items.length;
  }

  /** How many results are errors (0 before the results arrive). */
  errorCount(): number {
    return (this.results ?? []).filter((result) => result instanceof Error).length;
  }

  /**
   * Sends the batch when subscribed; emits the results and completes.
   * Errors with a ProtocolError for an empty batch, BatchError (with
   * `raiseErrors`), ConnectionError or TaskTimeout.
   */
  send$(): Observable<readonly unknown[]> {
    return defer(() => {
      const batch = new Batch<Request | Notification>(this.#items);
      this.batch = batch;
      return this.#send(batch).pipe(
        tap((results) => {
          this.results = results;
          if (this.raiseErrors && results.some((result) => result instanceof Error)) throw new BatchError(this);
        }),
      );
    });
  }

  /** {@link BatchRequest.send$} as a Promise. */
  send(): Promise<readonly unknown[]> {
    return firstValueFrom(this.send$());
  }
}

/** A batch through the session's one outgoing path: a slot, `sentRequestTimeout`, the session's end. */
function sendThrough(session: RPCSession<MethodContract>, batch: Batch<Request | Notification>): Observable<readonly unknown[]> {
  return new Observable<readonly unknown[]>((subscriber) =>
    outgoingPathOf(session).open(
      subscriber as Subscriber<unknown>,
      batch,
      // Every member is timed, notifications too, as the reference's len(batch).
      Math.max(1, batch.items.length),
      session.sentRequestTimeout,
    ),
  );
}
