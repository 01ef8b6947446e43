import { AsyncSubject, Observable } from 'rxjs';
import type { Batch } from './Batch.js';
import { ConnectionError } from './ConnectionError.js';
import { IncomingRequest, type Responder } from './IncomingRequest.js';
import { batching, unsentBatch } from './batchInternals.js';
import { connectionFriend, type PendingKey, type ResponseReceiver } from './connectionInternals.js';
import { INVALID_REQUEST, hasOwn, isRecord, numericId, utf8 } from './jsonrpcInternals.js';
import type { JSONRPCProtocol } from './JSONRPC.js';
import { Notification } from './Notification.js';
import { detectionOf, requestText, responseText } from './protocolInternals.js';
import { ProtocolError, invalidRequestError } from './ProtocolError.js';
import { formatCount } from '../util/pythonInternals.js';
import { pyRepr, pyStr, pyStringRepr } from './pythonReprInternals.js';
import { Request } from './Request.js';
import { RPCError } from './RPCError.js';

/**
 * Options for {@link JSONRPCConnection}.
 *
 * ## Example
 * ```ts
 * import { JSONRPCConnection, JSONRPCv2, type JSONRPCConnectionOptions } from 'rxrpcx';
 * const options: JSONRPCConnectionOptions = { maxResponseSize: 1_000_000 };
 * const connection = new JSONRPCConnection(JSONRPCv2, options);
 * ```
 */
export interface JSONRPCConnectionOptions {
  /**
   * Replies longer than this many bytes are replaced by an error reply; 0
   * means no limit. Also settable later through the property.
   * @default 0
   */
  readonly maxResponseSize?: number;
}

/**
 * What {@link JSONRPCConnection.receiveMessage} found in a message: what to
 * process, what to send back at once, and what the peer did wrong.
 *
 * ## Example
 * ```ts
 * import { JSONRPCConnection, JSONRPCv2, type ReceivedMessage } from 'rxrpcx';
 * const connection = new JSONRPCConnection(JSONRPCv2);
 * const received: ReceivedMessage = connection.receiveMessage(new TextEncoder().encode('[7]'));
 * received.items; // []
 * received.errors.map((error) => error.message); // ['request object must be a dictionary']
 * received.reply; // the bytes of [{"jsonrpc":"2.0","error":{"code":-32600,"message":"request object must be a dictionary"},"id":null}]
 * ```
 */
export interface ReceivedMessage {
  /** Incoming requests and notifications, in message order (empty for a response). */
  readonly items: ReadonlyArray<IncomingRequest | Notification>;
  /**
   * Bytes to send back now, if any: the error reply to a malformed message,
   * or the batch of error replies when no request of a batch is left to
   * answer.
   */
  readonly reply: Uint8Array | undefined;
  /**
   * The protocol violations found, each a ProtocolError with its code and
   * message as the reference raises them (empty for a good message). A batch
   * reports each invalid member.
   */
  readonly errors: readonly ProtocolError[];
}

/**
 * What went out and is waiting for an answer. Shown as the union it is in
 * the API reference (`pendingRequests()` returns it).
 *
 * @inline
 */
type Sent = Request | Batch<Request | Notification>;

type Key = PendingKey;

interface Pending {
  readonly key: Key;
  readonly sent: Sent;
  /** Called once: with an error, or with undefined and the result. */
  readonly receiver: ResponseReceiver;
  /** The `cancelPendingRequests` generation the request was sent in. */
  readonly epoch: number;
  observers: number;
  settled: boolean;
}


/**
 * The state of one JSON-RPC connection: request ids, requests awaiting a
 * response, and the reply path of received requests. Bytes in, bytes and
 * items out; it never touches a socket.
 *
 * **Client side.** `sendRequest(request)` returns `[message, response$]`:
 * send the message; `response$` emits the result once and completes, or
 * errors with the {@link RPCError} of an error response, the
 * {@link ProtocolError} of a malformed response that carried the request's id,
 * or a {@link ConnectionError} from `cancelPendingRequests()`. Ids count from
 * 0 per connection. `response$` remembers its outcome, so it may be
 * subscribed after the answer has arrived. Unsubscribing before the answer
 * forgets the request (it leaves `pendingRequests()`); its late answer is then
 * dropped silently, as the reference drops answers to cancelled requests.
 * `sendBatch` works the same way; its `response$` emits the results of the
 * batch's requests in order (an RPCError for each error response).
 *
 * **Server side.** `receiveMessage(bytes)` matches responses to the requests
 * sent and returns a {@link ReceivedMessage}: the incoming
 * {@link IncomingRequest}s and {@link Notification}s in `items`, the bytes to
 * send back at once in `reply`, and the protocol violations in `errors`.
 * Send `reply` if set, then answer each request with `request.reply(result)`
 * (an RPCError for an error) and send the bytes it returns; batch members
 * return undefined until the whole batch is answered, then one batch message
 * (which also carries the error replies of the batch's invalid members).
 * Peer input never makes `receiveMessage` throw.
 *
 * ## Example
 *
 * ```ts
 * import { IncomingRequest, JSONRPCConnection, JSONRPCv2, Request } from 'rxrpcx';
 *
 * const client = new JSONRPCConnection(JSONRPCv2);
 * const server = new JSONRPCConnection(JSONRPCv2);
 *
 * const [message, response$] = client.sendRequest(new Request('add', [2, 3]));
 * response$.subscribe((sum) => console.log(sum)); // 5
 *
 * const { items, reply, errors } = server.receiveMessage(message);
 * for (const error of errors) console.log(error.code, error.message);
 * if (reply) client.receiveMessage(reply); // back to the peer: the error reply to a malformed message
 * for (const item of items) {
 *   if (item instanceof IncomingRequest) {
 *     const [a, b] = item.args as number[];
 *     const answer = item.reply(a + b);
 *     if (answer) client.receiveMessage(answer);
 *   }
 * }
 * ```
 *
 * @param protocol - the protocol class; `JSONRPCAutoDetect` switches to the peer's version on the first message
 * @param options - `maxResponseSize`
 */
export class JSONRPCConnection {
  /** Replies over this many bytes become an error reply; 0 for no limit. */
  maxResponseSize: number;
  #protocol: JSONRPCProtocol;
  /** How the first message picks the protocol (JSONRPCAutoDetect's rule), until one has. */
  #detect: ((message: Uint8Array) => JSONRPCProtocol) | undefined;
  #nextId = 0;
  #epoch = 0;
  /** Awaited requests, in the order sent. */
  #pending: Map<Key, Pending> | undefined;
  /**
   * Keys of requests nobody listens to any more, so that their late answers
   * are dropped quietly rather than counted against the peer. Only the
   * newest {@link ABANDONED_MEMORY} are remembered: a long-lived connection
   * whose peer never answers must not grow.
   */
  #abandoned: Set<Key> | undefined;

  constructor(protocol: JSONRPCProtocol, options: JSONRPCConnectionOptions = {}) {
    this.#protocol = protocol;
    this.#detect = detectionOf(protocol);
    this.maxResponseSize = options.maxResponseSize ?? 0;
  }

  static {
    connectionFriend.bind({
      sendRequestText: (connection, request, receiver) => (connection as JSONRPCConnection).#sendRequestText(request, receiver),
      takeIds: (connection, count) => Array.from({ length: count }, () => (connection as JSONRPCConnection).#nextId++),
      register: (connection, key, sent, receiver) =>
        receiver === undefined ? (connection as JSONRPCConnection).#register(key, sent) : void (connection as JSONRPCConnection).#add(key, sent, receiver),
      forget: (connection, key) => (connection as JSONRPCConnection).#forget(key),
      answer: (connection, key, result) => {
        const entry = (connection as JSONRPCConnection).#lookup(key);
        if (entry) (connection as JSONRPCConnection).#settle(entry, undefined, result);
        return entry !== undefined;
      },
    });
  }

  /** `sendRequest` with a callback instead of an Observable, and the message as text: the session's hot path. */
  #sendRequestText(request: Request, receiver: ResponseReceiver): [text: string, key: Key] {
    const requestId = this.#nextId++;
    const text = requestText(this.#protocol, request, requestId);
    this.#add(requestId, request, receiver);
    return [text, requestId];
  }

  #forget(key: Key): boolean {
    const entry = this.#pending?.get(key);
    if (entry === undefined || entry.settled) return false;
    entry.settled = true;
    this.#pending?.delete(key);
    this.#abandon(key);
    return true;
  }

  /** The protocol in use (after auto-detection, the detected one). */
  get protocol(): JSONRPCProtocol {
    return this.#protocol;
  }

  /**
   * Prepares a request: its message and its response.
   *
   * @param request - the request
   * @returns the unframed message to send, and `response$`, which emits the result once and completes, or errors
   * @throws ProtocolError - if the protocol cannot express the request (named arguments under 1.0) or it cannot be encoded; an id is used up all the same
   */
  sendRequest(request: Request): [message: Uint8Array, response$: Observable<unknown>] {
    const requestId = this.#nextId++;
    const message = this.#protocol.requestMessage(request, requestId);
    return [message, this.#register(requestId, request)];
  }

  /**
   * The message for a notification (nothing to wait for).
   *
   * @throws ProtocolError - as `sendRequest`
   */
  sendNotification(notification: Notification): Uint8Array {
    return this.#protocol.notificationMessage(notification);
  }

  /**
   * Prepares a batch: its message and, if it has requests, its response.
   *
   * @param batch - requests and notifications
   * @returns the unframed message, and `response$` emitting the request results in batch order (an RPCError for each error response), or undefined for a batch of notifications only
   * @throws ProtocolError - if the protocol has no batches (1.0) or a member cannot be expressed
   */
  sendBatch(batch: Batch<Request | Notification>): [message: Uint8Array, response$: Observable<readonly unknown[]> | undefined] {
    const [message, , response$] = batching.get().send(this, batch);
    return [message, response$ as Observable<readonly unknown[]> | undefined];
  }

  /**
   * Takes an unframed message from the peer.
   *
   * Responses are delivered to the `response$` of their requests; a bad
   * response that still carries a request's id errors that `response$` with
   * its ProtocolError. Nothing the peer sends makes this throw: protocol
   * violations come back in `errors`, and the error reply they call for in
   * `reply`.
   *
   * @param message - the unframed message bytes
   * @returns the incoming requests and notifications, the bytes to send back now (if any) and the violations found
   */
  receiveMessage(message: Uint8Array): ReceivedMessage {
    try {
      return this.#receive(message);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return { items: NONE, reply: error.replyBytes, errors: [error] };
    }
  }

  /** `receiveMessage`, where a violation of the whole message is thrown. */
  #receive(message: Uint8Array): ReceivedMessage {
    if (this.#detect !== undefined) {
      // Throws PARSE_ERROR for a message that is not JSON: the next one tries again.
      this.#protocol = this.#detect(message);
      this.#detect = undefined;
    }
    const protocol = this.#protocol;
    let parsed;
    try {
      parsed = protocol.messageToItem(message);
    } catch (error) {
      if (error instanceof ProtocolError && error.inResponse) return this.#receiveResponse(error, error.responseId);
      throw error;
    }
    switch (parsed.kind) {
      case 'request': {
        const { item, id } = parsed;
        const request = new IncomingRequest(item.method, item.args, id, (result) => this.#singleReply(result, id));
        return { items: [request], reply: undefined, errors: NONE };
      }
      case 'notification':
        return { items: [parsed.item], reply: undefined, errors: NONE };
      case 'response':
        return this.#receiveResponse(parsed.item.result, parsed.id);
      case 'batch': {
        const isResponse = (payload: unknown): boolean =>
          isRecord(payload) && (hasOwn(payload, 'result') || hasOwn(payload, 'error'));
        if (!parsed.payloads.every(isResponse)) return this.#receiveRequestBatch(parsed.payloads);
        return batching.peek()?.receive(this, parsed.payloads) ?? unsentBatch();
      }
    }
  }

  /** Errors every pending `response$` with a ConnectionError and forgets them all. */
  cancelPendingRequests(): void {
    const entries = [...(this.#pending?.values() ?? [])];
    this.#abandoned?.clear();
    this.#epoch += 1;
    const error = new ConnectionError();
    for (const entry of entries) this.#settle(entry, error);
  }

  /** The requests and batches sent and still awaited, in the order sent. */
  pendingRequests(): Sent[] {
    return [...(this.#pending?.values() ?? [])].map((entry) => entry.sent);
  }

  // ---- the waiting side: one registration, one settle path ----

  /** The public form: `sent` awaited by whoever subscribes to the returned Observable (none yet). */
  #register(key: Key, sent: Sent): Observable<unknown> {
    const outcome = new AsyncSubject<unknown>();
    const entry = this.#add(key, sent, {
      deliver: (error: Error | undefined, value?: unknown): void => {
        if (error === undefined) {
          outcome.next(value);
          outcome.complete();
        } else {
          outcome.error(error);
        }
      },
    }, 0);
    return new Observable<unknown>((subscriber) => {
      entry.observers += 1;
      // Forgotten, then cancelled with the rest: it can never be answered now.
      if (entry.epoch !== this.#epoch) this.#settle(entry, new ConnectionError());
      if (!entry.settled && this.#pending?.has(key) !== true) {
        this.#abandoned?.delete(key);
        this.#pendingTable().set(key, entry);
      }
      const inner = outcome.subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        entry.observers -= 1;
        if (entry.observers === 0 && !entry.settled && this.#pending?.delete(key) === true) this.#abandon(key);
      };
    });
  }

  /** The one registration: `sent` awaited under `key`, its outcome to `receiver` (the session's, with its one observer). */
  #add(key: Key, sent: Sent, receiver: ResponseReceiver, observers = 1): Pending {
    const entry: Pending = { key, sent, receiver, epoch: this.#epoch, observers, settled: false };
    this.#pendingTable().set(key, entry);
    return entry;
  }

  /** The pending table, made with the first request sent: a server that never sends has none. */
  #pendingTable(): Map<Key, Pending> {
    return (this.#pending ??= new Map());
  }

  #abandon(key: Key): void {
    const abandoned = (this.#abandoned ??= new Set());
    abandoned.add(key);
    if (abandoned.size > ABANDONED_MEMORY) {
      const oldest = abandoned.values().next();
      if (!oldest.done) abandoned.delete(oldest.value);
    }
  }

  #settle(entry: Pending, error: Error | undefined, value?: unknown): void {
    if (entry.settled) return;
    entry.settled = true;
    this.#pending?.delete(entry.key);
    entry.receiver.deliver(error, value);
  }

  /** The pending entry for a reply; null for a late reply to an abandoned request (to be dropped). */
  #lookup(key: Key | undefined): Pending | null | undefined {
    if (key === undefined) return undefined;
    const entry = this.#pending?.get(key);
    if (entry !== undefined) return entry;
    return this.#abandoned?.delete(key) === true ? null : undefined;
  }

  #receiveResponse(result: unknown, requestId: unknown): ReceivedMessage {
    const id = numericId(requestId);
    const entry = this.#lookup(id);
    if (entry === null) return NOTHING;
    if (entry === undefined) {
      const diagnostic = requestId === null && result instanceof RPCError && !(result instanceof ProtocolError);
      throw invalidRequestError(
        diagnostic
          ? `diagnostic error received: (${pyRepr(result.code)}, ${pyStringRepr(result.message)})`
          : `response to unsent request (ID: ${pyStr(requestId)})`,
      );
    }
    if (result instanceof RPCError) this.#settle(entry, result);
    else this.#settle(entry, undefined, result);
    return NOTHING;
  }

  #receiveRequestBatch(payloads: readonly unknown[]): ReceivedMessage {
    const protocol = this.#protocol;
    const parts: Uint8Array[] = [];
    const items: Array<IncomingRequest | Notification> = [];
    const errors: ProtocolError[] = [];
    let expected = 0;
    let size = 0;
    const memberReply = (id: unknown): Responder => (result) => {
      let part = this.#encodeReply(result, id);
      size += part.length + 2;
      if (this.maxResponseSize > 0 && size > this.maxResponseSize) part = this.#oversizedReply(id);
      parts.push(part);
      return parts.length === expected ? protocol.batchMessageFromParts(parts) : undefined;
    };
    for (const payload of payloads) {
      try {
        const parsed = protocol.processRequest(payload);
        if (parsed.kind === 'request') {
          expected += 1;
          items.push(new IncomingRequest(parsed.item.method, parsed.item.args, parsed.id, memberReply(parsed.id)));
        } else {
          items.push(parsed.item);
        }
      } catch (error) {
        if (!(error instanceof ProtocolError) || error.replyBytes === undefined) throw error;
        // Errors are answered first, and the last request answered sends the batch.
        expected += 1;
        parts.push(error.replyBytes);
        errors.push(error);
      }
    }
    // With no request beside the errors, none will send the reply, so it goes
    // now. (The reference never answered such a batch unless every member
    // was bad.)
    const reply = parts.length > 0 && parts.length === expected ? protocol.batchMessageFromParts(parts) : undefined;
    return { items, reply, errors: errors.length === 0 ? NONE : errors };
  }

  // ---- the replying side ----

  /** A lone request's reply: JSON text, or its bytes when it is long enough that they had to be counted. */
  #singleReply(result: unknown, id: unknown): Uint8Array | string {
    const text = this.#encodeReplyText(result, id);
    const limit = this.maxResponseSize;
    // A UTF-16 unit takes at most 3 bytes: shorter text is within the limit.
    if (limit <= 0 || text.length * 3 <= limit) return text;
    const bytes = utf8(text);
    return bytes.length > limit ? this.#oversizedReply(id) : bytes;
  }

  /** The response; a result with no JSON form is answered with its INTERNAL_ERROR. */
  #encodeReply(result: unknown, id: unknown): Uint8Array {
    return utf8(this.#encodeReplyText(result, id));
  }

  #encodeReplyText(result: unknown, id: unknown): string {
    try {
      return responseText(this.#protocol, result, id);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      return responseText(this.#protocol, error, id);
    }
  }

  #oversizedReply(id: unknown): Uint8Array {
    // The reference's message lacks the closing parenthesis; kept for parity.
    const text = `response too large (over ${formatCount(this.maxResponseSize)} bytes`;
    return this.#protocol.responseMessage(new RPCError(INVALID_REQUEST, text), id);
  }
}

/** No items, no errors: one frozen empty list for both. */
const NONE: readonly never[] = Object.freeze([]);
/** What a response, or anything else with nothing to process or send, gives. */
const NOTHING: ReceivedMessage = Object.freeze({ items: NONE, reply: undefined, errors: NONE });

/** How many abandoned requests a connection remembers, to drop their late answers quietly. */
const ABANDONED_MEMORY = 1024;

