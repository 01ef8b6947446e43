import { EMPTY, Observable, Subject, type Subscriber, type Unsubscribable } from 'rxjs';
import type { FramerBase } from '../framing/FramerBase.js';
import { replyText } from '../jsonrpc/connectionInternals.js';
import type { RPCHandler } from '../jsonrpc/defineHandler.js';
import { invokeHandler, unexpectedNames, unknownMethod } from '../jsonrpc/invocationInternals.js';
import { IncomingRequest } from '../jsonrpc/IncomingRequest.js';
import { EXCESSIVE_RESOURCE_USAGE, INTERNAL_ERROR, PARSE_ERROR, SERVER_BUSY } from '../jsonrpc/jsonrpcInternals.js';
import type { JSONRPCProtocol } from '../jsonrpc/JSONRPC.js';
import { JSONRPCConnection, type ReceivedMessage } from '../jsonrpc/JSONRPCConnection.js';
import { JSONRPCv2 } from '../jsonrpc/JSONRPCv2.js';
import type {
  CallArgs,
  MethodContract,
  MethodHandlers,
  MethodName,
  NotificationArgs,
  RequestResult,
  ResultOverride,
  UntypedContract,
} from '../jsonrpc/MethodContract.js';
import { Notification } from '../jsonrpc/Notification.js';
import { ReplyAndDisconnect } from '../jsonrpc/ReplyAndDisconnect.js';
import { Request, type RequestArgs } from '../jsonrpc/Request.js';
import { RPCError } from '../jsonrpc/RPCError.js';
import { ExcessiveSessionCostError } from '../tasks/ExcessiveSessionCostError.js';
import { TaskTimeout } from '../tasks/TaskTimeout.js';
import type { Transport } from '../transport/Transport.js';
import { BatchFailures, exceptionLine } from './handlerFailureInternals.js';
import { MalformedMessage } from './malformedInternals.js';
import { cancellationPlug, type CancellationPlug } from './cancellationInternals.js';
import { OutgoingPath, PromiseSink, sessionPath, type ExchangeSink, type OutgoingSender } from './outgoingInternals.js';
import { SessionBase } from './SessionBase.js';
import { rpcSessionDefaults, type RequestOptions, type RPCSessionDefaults, type RPCSessionOptions } from './SessionOptions.js';
import { callOffers, errorText, wholeMessageFramer, type CallOffer } from './sessionInternals.js';
import { countersOf, type SessionCounters } from './statsInternals.js';

/**
 * A method table entry: a handler declared with `defineHandler` (its
 * arguments are checked as the reference checks a Python signature), or a
 * plain function, which takes any positional arguments.
 *
 * ## Example
 * ```ts
 * import { defineHandler, type RPCMethod } from 'rxrpcx';
 * const loose: RPCMethod = (...args: unknown[]) => args.length;
 * const checked: RPCMethod = defineHandler((a: number) => a * 2, { params: ['a'] });
 * ```
 */
export type RPCMethod = RPCHandler | ((...args: never[]) => unknown);

/**
 * Method name → handler, for sessions that dispatch without subclassing.
 *
 * ## Example
 * ```ts
 * import { defineHandler, type RPCMethodTable } from 'rxrpcx';
 * const handlers: RPCMethodTable = {
 *   echo: (text: string) => text,
 *   add: defineHandler((a: number, b: number) => a + b, { params: ['a', 'b'] }),
 * };
 * ```
 */
export type RPCMethodTable = Readonly<Record<string, RPCMethod>>;

/**
 * The options of an {@link RPCSession}; `C`, the session's method contract,
 * types `handlers`.
 *
 * ## Example
 * ```ts
 * import { JSONRPCAutoDetect, type MethodContract, type RPCSessionConfig } from 'rxrpcx';
 * const config: RPCSessionConfig = { protocol: JSONRPCAutoDetect, handlers: { ping: () => 'pong' } };
 *
 * interface Pinger extends MethodContract {
 *   ping: { params: []; result: string };
 * }
 * const typed: RPCSessionConfig<Pinger> = { handlers: { ping: () => 'pong' } }; // { pong: … } would not compile
 * ```
 *
 * @typeParam C - the method contract; default untyped
 */
export interface RPCSessionConfig<C extends MethodContract = UntypedContract> extends RPCSessionOptions {
  /**
   * The framer. Default: the transport's own (`defaultFramer()`: newline
   * framing on sockets and the in-memory pair), or none on a transport that
   * keeps message boundaries; a byte-stream transport with neither throws a TypeError.
   */
  readonly framer?: FramerBase<Uint8Array>;
  /** The JSON-RPC protocol of the default connection. @default JSONRPCv2 */
  readonly protocol?: JSONRPCProtocol;
  /** A connection to use instead of a new one. */
  readonly connection?: JSONRPCConnection;
  /** Handlers for incoming requests and notifications, by method name (typed by the contract: see {@link MethodHandlers}). */
  readonly handlers?: MethodHandlers<C>;
}

/**
 * A JSON-RPC session over any transport: both peers may send requests,
 * notifications and batches, and answer the other's.
 *
 * aiorpcX's `RPCSession`. Outgoing requests are cold Observables (subscribing
 * sends; unsubscribing forgets the request); `sendRequest` is the same
 * request as a Promise. Incoming requests go to `handleRequest` — by default
 * a lookup in the `handlers` table (a plain function takes any positional
 * arguments and no names; a `defineHandler` one is checked by
 * `handlerInvocation`) — under the
 * session's throttle: a concurrency limit that shrinks and a delay that grows
 * as the session's cost rises, a `processingTimeout` (answered 'server
 * busy'), and the excessive-cost disconnect. Replies to our own requests are
 * taken at once, never behind the throttle, so two peers calling each other
 * cannot deadlock.
 *
 * Typed by a method contract (`new RPCSession<Electrum>(…)`), the session
 * checks at compile time the method names, arguments and results of
 * `request`, `sendRequest` and `sendNotification`, and the names,
 * parameters and results of its `handlers`; untyped (the default), any
 * method goes and results are `unknown` unless asked for
 * (`sendRequest<number>(…)`). The contract is a compile-time promise only:
 * nothing checks a peer's replies at run time.
 *
 * ## Example
 * ```ts
 * import { RPCSession, memoryTransportPair, type MethodContract } from 'rxrpcx';
 * const [clientEnd, serverEnd] = memoryTransportPair();
 * new RPCSession(serverEnd, { handlers: { add: (a: number, b: number) => a + b } });
 * const client = new RPCSession(clientEnd);
 * console.log(await client.sendRequest('add', [2, 3])); // 5
 *
 * interface Calculator extends MethodContract {
 *   add: { params: [a: number, b: number]; result: number };
 * }
 * const typed = new RPCSession<Calculator>(clientEnd);
 * const sum: number = await typed.sendRequest('add', [2, 3]); // 'sub', ['2', 3] or [2] would not compile
 * ```
 *
 * @typeParam C - the method contract (a {@link MethodContract}); default {@link UntypedContract}
 */
export class RPCSession<C extends MethodContract = UntypedContract> extends SessionBase<Uint8Array, IncomingRequest | Notification> {
  static override defaults: RPCSessionDefaults = rpcSessionDefaults;

  /** The JSON-RPC state: ids, pending requests, the protocol. */
  readonly connection: JSONRPCConnection;
  /**
   * Handlers by method name, used by the default `handleRequest`. For a
   * typed contract, each declared method may have one (see
   * {@link MethodHandlers}); untyped, it is an {@link RPCMethodTable}.
   *
   * ## Example
   * ```ts
   * import { RPCSession, memoryTransportPair, type MethodContract } from 'rxrpcx';
   * interface Greeter extends MethodContract {
   *   greet: { params: [name: string]; result: string };
   * }
   * const [, serverEnd] = memoryTransportPair();
   * const server = new RPCSession<Greeter>(serverEnd);
   * server.handlers = { greet: (name) => `hello ${name}` };
   * ```
   */
  handlers: MethodHandlers<C>;
  // The tunables are set by SessionBase's constructor, from the options or the defaults.
  /** Seconds an outgoing request should take; outgoing concurrency is tuned toward it. */
  declare targetResponseTime: number;
  /** Outgoing requests timed between two retunings of outgoing concurrency. */
  declare recalibrateCount: number;
  /** Seconds to wait for the answer to an outgoing request (TaskTimeout after it). */
  declare sentRequestTimeout: number;
  /** Log every incoming message (info level). */
  declare logMe: boolean;
  /** Outgoing requests in flight at first: read when the first request or batch goes out. */
  declare initialOutgoingConcurrent: number;

  /** Outgoing requests and batches: slots, recalibration, exchanges. */
  #outgoing: OutgoingPath | undefined;
  /** Made when first asked for: most sessions never are. */
  #notifications: Subject<Notification> | undefined;
  /** What `incomingCalls` does with a request no handler takes; undefined until it is asked for. */
  #offerCall: CallOffer | undefined;
  /** Wire cancellation; undefined when off. */
  readonly #cancel: CancellationPlug | undefined;
  /** Each unanswered member of an incoming batch, to its batch's failure report; made with the first batch. */
  #batchOf: WeakMap<object, BatchFailures> | undefined;
  /** Reports holding a failure while members are still unanswered: logged at the end if they never finish. */
  #openReports: Set<BatchFailures> | undefined;
  /** The session's counters: requests, notifications and error replies are counted here. */
  readonly #counters: SessionCounters = countersOf(this);

  /**
   * @param transport - the connection
   * @param config - tunables, protocol or connection, handlers, framer, scheduler, logger
   */
  constructor(transport: Transport, config: RPCSessionConfig<C> = {}) {
    // Checked before the session starts anything.
    const cancel = cancellationPlug(config.cancellation);
    super(transport, config);
    this.#cancel = cancel;
    this.connection = config.connection ?? this.defaultConnection(config.protocol ?? JSONRPCv2);
    this.handlers = config.handlers ?? ({} as MethodHandlers<C>);
  }

  /** The connection used when none is given. */
  protected defaultConnection(protocol: JSONRPCProtocol): JSONRPCConnection {
    return new JSONRPCConnection(protocol);
  }

  protected override defaultFramer(): FramerBase<Uint8Array> {
    const framer = this.transport.defaultFramer?.() ?? (this.transport.messageBoundaries ? wholeMessageFramer : undefined);
    if (framer === undefined) {
      throw new TypeError('a byte-stream transport needs a framer: pass the framer option');
    }
    return framer;
  }

  /** Incoming notifications, as they arrive (whether or not a handler takes them). */
  get notifications$(): Observable<Notification> {
    if (this.ended && this.#notifications === undefined) return EMPTY;
    return (this.#notifications ??= new Subject<Notification>()).asObservable();
  }

  /** How many outgoing requests may be in flight now. */
  get outgoingConcurrent(): number {
    return this.#outgoing?.target ?? Math.trunc(this.initialOutgoingConcurrent);
  }

  /**
   * Handles one incoming request or notification: returns the result (a
   * value, a Promise or an Observable, whose first value counts), or throws
   * an RPCError to answer with it, or ReplyAndDisconnect. The default looks
   * the method up in `handlers`: a plain function is called with the
   * positional arguments (named ones are refused, as for Python's
   * `def f(*args)`); a handler made by `defineHandler` has its arguments
   * checked by `handlerInvocation`. An unknown method is METHOD_NOT_FOUND,
   * unless {@link incomingCalls} (or, for a notification, `notifications$`) is observed.
   */
  handleRequest(request: Request | Notification): unknown {
    // Whatever the contract, the table is looked up by the name on the wire.
    const table = this.handlers as Readonly<Record<string, RPCMethod | undefined>>;
    const method = Object.hasOwn(table, request.method) ? table[request.method] : undefined;
    if (method === undefined) {
      const offered = this.#offerCall?.(request);
      if (offered !== undefined) return offered;
      if (request instanceof Notification && this.#notifications?.observed === true) return undefined;
      throw unknownMethod(request.method);
    }
    if (typeof method !== 'function') return invokeHandler(method, request)();
    // A plain function takes any number of positional arguments and no names (Python's `def f(*args)`).
    const { args } = request;
    if (Array.isArray(args)) return (method as (...args: unknown[]) => unknown)(...args);
    const names = Object.keys(args);
    if (names.length > 0) throw unexpectedNames(request.method, names);
    return (method as () => unknown)();
  }

  /**
   * A request as a cold Observable: subscribing sends it (under the outgoing
   * concurrency limit); the result emits and completes. Errors with the
   * RPCError of an error reply, the ProtocolError of a malformed reply, a
   * ConnectionError if the connection goes, or TaskTimeout after `timeout`
   * seconds (default `sentRequestTimeout`). Unsubscribing before the reply
   * forgets the request (with the `cancellation` option, and the request
   * written, the peer is told); aborting `options.signal` does the same and
   * fails it with TaskCancelledError.
   *
   * On a typed session the method must be one of the contract's, the
   * arguments its params (optional when it takes none), and the result type
   * is the contract's. Untyped, any method and arguments go, and the result
   * is `unknown` or the type given: `request<number>('add', [1, 2])`. (A
   * typed session takes no result type argument: its results come from the
   * contract.)
   *
   * ## Example
   * ```ts
   * import { firstValueFrom } from 'rxjs';
   * import { RPCSession, memoryTransportPair, type MethodContract } from 'rxrpcx';
   * interface Calculator extends MethodContract {
   *   add: { params: [a: number, b: number]; result: number };
   *   ping: { params: []; result: null };
   * }
   * const [clientEnd, serverEnd] = memoryTransportPair();
   * new RPCSession<Calculator>(serverEnd, { handlers: { add: (a, b) => a + b, ping: () => null } });
   * const client = new RPCSession<Calculator>(clientEnd);
   * const sum = await firstValueFrom(client.request('add', [2, 3], { timeout: 5 })); // number
   * await firstValueFrom(client.request('ping')); // no arguments needed
   *
   * const untyped = new RPCSession(clientEnd);
   * const same = await firstValueFrom(untyped.request<number>('add', [2, 3]));
   * console.log(sum, same); // 5 5
   * ```
   *
   * @typeParam R - untyped sessions only: the result type to assume
   * @typeParam K - the method name, inferred from `method`
   * @param method - the method's name
   * @param rest - the arguments (a tuple, or an object for named arguments), then {@link RequestOptions} (`timeout` in seconds, `signal`)
   * @returns a cold Observable of the result
   */
  request<R extends ResultOverride<C> = never, K extends MethodName<C> = MethodName<C>>(
    method: K,
    ...rest: CallArgs<C, K, RequestOptions>
  ): Observable<RequestResult<C, K, R>> {
    const [args, options = {}] = rest as RequestRest;
    return new Observable<RequestResult<C, K, R>>((subscriber) =>
      this.#openRequest(subscriber as Subscriber<unknown>, method, args, options),
    );
  }

  /**
   * {@link RPCSession.request} as a Promise: the same exchange, its outcome
   * delivered to a Promise instead of a subscriber. Typed by the contract
   * as `request` is.
   *
   * ## Example
   * ```ts
   * import { RPCSession, memoryTransportPair, type MethodContract } from 'rxrpcx';
   * interface Echo extends MethodContract {
   *   echo: { params: [text: string]; result: string };
   * }
   * const [clientEnd, serverEnd] = memoryTransportPair();
   * new RPCSession<Echo>(serverEnd, { handlers: { echo: (text) => text } });
   * const client = new RPCSession<Echo>(clientEnd);
   * const text: string = await client.sendRequest('echo', ['hi']);
   * console.log(text); // hi
   * ```
   *
   * @typeParam R - untyped sessions only: the result type to assume
   * @typeParam K - the method name, inferred from `method`
   * @param method - the method's name
   * @param rest - the arguments, then `{ timeout }` in seconds
   * @returns a Promise of the result
   */
  sendRequest<R extends ResultOverride<C> = never, K extends MethodName<C> = MethodName<C>>(
    method: K,
    ...rest: CallArgs<C, K, RequestOptions>
  ): Promise<RequestResult<C, K, R>> {
    const [args, options = {}] = rest as RequestRest;
    return new Promise<RequestResult<C, K, R>>((resolve, reject) => {
      this.#openRequest(new PromiseSink(resolve as (value: unknown) => void, reject), method, args, options);
    });
  }

  static {
    // BatchRequest sends through the same path, from outside the class.
    sessionPath.bind((session) => (session as RPCSession).#path());
    callOffers.bind((session, offer) => void ((session as RPCSession).#offerCall = offer));
  }

  /** The outgoing path, made with the first request or batch. */
  #path(): OutgoingPath {
    // The path queues and arms deadlines through the session's protected enqueue, deadline and now.
    return (this.#outgoing ??= new OutgoingPath(this, this as unknown as OutgoingSender, this.initialOutgoingConcurrent, this.#cancel));
  }

  /** The one body of `request` and `sendRequest`. */
  #openRequest(sink: ExchangeSink, method: string, args: RequestArgs | undefined, options: RequestOptions): Unsubscribable | undefined {
    return this.#path().open(sink, new Request(method, args), 1, options.timeout ?? this.sentRequestTimeout, options.signal);
  }

  /**
   * Sends a notification; resolves when the transport has taken it, and
   * rejects with ConnectionError if the connection is closing or is lost
   * before — so await it or catch it. To push without waiting (a server
   * notifying every live session from a timer), use
   * {@link RPCSession.notify}, which never rejects. On a typed session the
   * method and arguments are checked against the contract: the method's
   * params, or for a subscribe method the arguments of the notifications it
   * brings (a server pushing a status change).
   *
   * ## Example
   * ```ts
   * import { RPCSession, memoryTransportPair, type MethodContract } from 'rxrpcx';
   * interface Logger extends MethodContract {
   *   log: { params: [line: string] };
   * }
   * const [clientEnd] = memoryTransportPair();
   * const client = new RPCSession<Logger>(clientEnd);
   * await client.sendNotification('log', ['done']);
   * ```
   *
   * @param method - the method's name
   * @param rest - the arguments (optional when the method takes none)
   */
  async sendNotification<K extends MethodName<C>>(method: K, ...rest: NotificationArgs<C, K>): Promise<void> {
    const message = this.#notification(method, rest);
    await this.send(message, message.length);
  }

  /**
   * Sends a notification and forgets it: never throws, never rejects, so a
   * server may push to every live session without awaiting each push. A
   * peer that is gone is normal: the notification is dropped and logged at
   * debug level, and the session's `closed$` tells that it went; arguments
   * the protocol cannot send are logged as a warning. Typed by the contract
   * as {@link RPCSession.sendNotification} is (`RPCClient.notify` is the
   * same for a reconnecting client).
   *
   * ## Example
   * ```ts
   * import { interval } from 'rxjs';
   * import { RPCSession, type MethodContract } from 'rxrpcx';
   * import { serveRs } from 'rxrpcx/node';
   *
   * interface Headers extends MethodContract {
   *   'blockchain.headers.subscribe': { params: []; result: { height: number }; notification: [{ height: number }] };
   * }
   * const live = new Set<RPCSession<Headers>>();
   * const server = await serveRs((transport, options) => new RPCSession<Headers>(transport, options), '127.0.0.1', 0);
   * server.sessions$.subscribe((session) => {
   *   live.add(session);
   *   session.closed$.subscribe(() => live.delete(session));
   * });
   * let height = 0;
   * // Safe as written: a client that leaves mid-push cannot crash the process.
   * interval(1000).subscribe(() => {
   *   height += 1;
   *   for (const session of live) session.notify('blockchain.headers.subscribe', [{ height }]);
   * });
   * ```
   *
   * @param method - the method's name
   * @param rest - the arguments (optional when the method takes none)
   */
  notify<K extends MethodName<C>>(method: K, ...rest: NotificationArgs<C, K>): void {
    if (this.isClosing()) {
      this.logger.debug(`notification ${method} not sent: the connection is closed`);
      return;
    }
    let message: Uint8Array;
    try {
      message = this.#notification(method, rest);
    } catch (error) {
      this.logger.warn(`notification ${method} not sent: ${errorText(error)}`);
      return;
    }
    // Queued for this turn's write with no waiter: a write the lost connection fails ends the session, nothing rejects.
    this.enqueue(message, message.length);
  }

  /** The one encoding of `sendNotification` and `notify`. */
  #notification(method: string, rest: readonly unknown[]): Uint8Array {
    const [args] = rest as RequestRest;
    return this.connection.sendNotification(new Notification(method, args));
  }

  protected override receive(message: Uint8Array): void {
    if (this.logMe) this.logger.info(`processing ${message.length} bytes`);
    let received: ReceivedMessage;
    try {
      received = this.connection.receiveMessage(message);
    } catch (error) {
      this.logger.error(`cannot process message: ${errorText(error)}`, error);
      this.bumpErrors(error);
      return;
    }
    // Counted first, as the reference does: the message whose errors reach the hard limit is itself refused.
    for (const error of received.errors) {
      this.logger.debug(error.message);
      this.bumpErrors(error, error.code === PARSE_ERROR ? this.errorBaseCost * 10 : undefined);
    }
    // A malformed message goes through the dispatcher too (answered at once, with no handler),
    // so that at the hard limit it is refused like a request.
    if (received.reply !== undefined || (received.errors.length > 0 && received.items.length === 0)) {
      this.admit(new MalformedMessage(this.connection.protocol, received.reply, received.errors), undefined, false);
    } else {
      // A batch's error parts go out with its requests' replies.
      for (const error of received.errors) if (error.replyBytes !== undefined) this.#counters.errorReply(error.code);
    }
    const cancel = this.#cancel;
    // A batch's handler exceptions are one log line, so a batch of failing members is not a flood.
    const report = received.items.length > 1 ? new BatchFailures() : undefined;
    const counters = this.#counters;
    for (const item of received.items) {
      if (item instanceof Notification) counters.notifications += 1;
      else counters.requests += 1;
      if (cancel !== undefined && item.method === cancel.method && item instanceof Notification) {
        // Wire cancellation: the session's own message, not a handler's.
        const key = cancel.cancelledKey(item);
        if (key !== undefined) this.cancelItem(key);
        continue;
      }
      if (item instanceof Notification) this.#notifications?.next(item);
      if (report !== undefined) {
        report.size += 1;
        report.pending += 1;
        (this.#batchOf ??= new WeakMap()).set(item, report);
      }
      this.admit(item, cancel?.keyOf(item, message));
    }
    if (report !== undefined) this.#memberDone(report);
  }

  /** A member of a batch is answered (or all were admitted): the last one logs the batch's failures. */
  #memberDone(report: BatchFailures): void {
    report.pending -= 1;
    if (report.pending > 0) return;
    this.#openReports?.delete(report);
    report.report(this.logger);
  }

  protected override handleItem(item: IncomingRequest | Notification): unknown {
    return this.handleRequest(item);
  }

  /** Sends the reply for an outcome, counts an error, and closes after ReplyAndDisconnect or excessive cost (once this turn's replies are written). */
  protected override answerItem(item: IncomingRequest | Notification, failed: boolean, value: unknown): void {
    let result = value;
    let disconnect = false;
    const report = this.#batchOf?.get(item);
    if (failed) ({ result, disconnect } = this.#outcomeOf(value, item, report));
    if (item instanceof IncomingRequest) {
      const reply = replyText(item, result);
      if (reply !== undefined) {
        this.enqueue(reply, typeof reply === 'string' ? undefined : reply.length);
        if (result instanceof RPCError) this.#counters.errorReply(result.code);
        else if (item instanceof MalformedMessage) for (const code of item.codes) this.#counters.errorReply(code);
      }
    }
    if (result instanceof Error) this.bumpErrors(result);
    if (report !== undefined) {
      this.#batchOf!.delete(item);
      this.#memberDone(report);
    }
    if (disconnect) this.closeAfterThisTurn();
  }

  #outcomeOf(error: unknown, item: Request | Notification, report: BatchFailures | undefined): { result: unknown; disconnect: boolean } {
    if (error instanceof RPCError) return { result: error, disconnect: false };
    if (error instanceof ReplyAndDisconnect) return { result: error.result, disconnect: true };
    if (error instanceof TaskTimeout) {
      this.logger.info(`incoming request ${item.toString()} timed out after ${error.seconds} secs`);
      return { result: new RPCError(SERVER_BUSY, 'server busy - request timed out'), disconnect: false };
    }
    if (error instanceof ExcessiveSessionCostError) {
      this.onDisconnectDueToExcessiveSessionCost();
      return { result: new RPCError(EXCESSIVE_RESOURCE_USAGE, 'excessive resource usage'), disconnect: true };
    }
    // A handler's bug, not the peer's fault: a warning, once per message (the batch's report counts members).
    if (report === undefined) this.logger.warn(exceptionLine(item, error), error);
    else {
      report.fail(item, error);
      (this.#openReports ??= new Set()).add(report);
    }
    return { result: new RPCError(INTERNAL_ERROR, 'internal server error'), disconnect: false };
  }

  protected override end(): void {
    if (this.ended) return;
    // Nothing waits for an answer that cannot come.
    this.#outgoing?.close();
    this.connection.cancelPendingRequests();
    this.#notifications?.complete();
    // Batches that will never finish still report their failures.
    for (const report of this.#openReports ?? []) report.report(this.logger);
    this.#openReports = undefined;
    super.end();
  }
}

/** The trailing arguments of `request` and `sendRequest`, whatever the contract. */
type RequestRest = readonly [args?: RequestArgs, options?: RequestOptions];
