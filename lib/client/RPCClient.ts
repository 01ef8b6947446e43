import {
  BehaviorSubject,
  Observable,
  Subscription,
  asyncScheduler,
  filter,
  firstValueFrom,
  from,
  lastValueFrom,
  switchMap,
  take,
  type SchedulerLike,
} from 'rxjs';
import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import type { CallArgs, MethodContract, MethodName, NotificationOf, RequestResult, ResultOf, ResultOverride, UntypedContract } from '../jsonrpc/MethodContract.js';
import type { Notification } from '../jsonrpc/Notification.js';
import type { RequestArgs } from '../jsonrpc/Request.js';
import { RPCSession, type RPCSessionConfig } from '../session/RPCSession.js';
import type { SessionLogger } from '../session/SessionLogger.js';
import { defaultLogger } from '../session/setDefaultLogger.js';
import { rpcSessionDefaults } from '../session/SessionOptions.js';
import { TaskCancelledError } from '../tasks/TaskCancelledError.js';
import { TaskTimeout } from '../tasks/TaskTimeout.js';
import { scheduleAfter } from '../tasks/tasksInternals.js';
import type { Transport } from '../transport/Transport.js';
import { browserWakeUps } from './browserWakeUps.js';
import { backoffDelay, describeError, openTransport, resolvePolicy, type ReconnectPolicy } from './clientInternals.js';
import type { ClientOptions, Connector, KeepAliveOptions } from './ClientOptions.js';
import type { ClientState } from './ClientState.js';
import { NotConnectedError } from './NotConnectedError.js';
import { watchSilence } from './silenceWatchInternals.js';
import { SubscriptionTable } from './subscriptionInternals.js';
import type { SubscriptionEvent, SubscriptionOptions } from './SubscriptionOptions.js';

/**
 * Options of one request made through an {@link RPCClient}.
 *
 * ## Example
 *
 * ```ts
 * import { connect$, type ClientRequestOptions } from 'rxrpcx';
 *
 * const options: ClientRequestOptions = { timeout: 5 };
 * connect$('wss://example.org/rpc').request('server.ping', [], options).subscribe();
 * ```
 */
export interface ClientRequestOptions {
  /** Seconds for the whole request, waiting for a session included. @default the client's `requestTimeout` */
  readonly timeout?: number;
  /** Aborting it abandons the call (as unsubscribing does) and fails it with `TaskCancelledError`; a written request is cancelled on the wire if the session has wire cancellation (`wireCancellation`). @default none */
  readonly signal?: AbortSignal;
}

/**
 * A client for apps: it owns one live {@link RPCSession} at a time and keeps
 * one — connecting, reconnecting with backoff across its endpoints,
 * pinging, and dropping a silent connection — while requests,
 * notifications and subscriptions go through it. Made by {@link connect$}
 * (or with your own {@link Connector}).
 *
 * - Requests made while there is no session wait for the next one (up to
 *   `maxWaiting` of them, each within its timeout) or fail at once, by the
 *   `whileDisconnected` option. A request in flight when its session drops
 *   fails with `ConnectionError` (it may or may not have run; the client
 *   never repeats it).
 * - Nothing a caller does through the client closes its session; only
 *   `close()` does.
 * - `subscription$` subscriptions are made again on every new session and
 *   their Observables simply continue.
 *
 * ## Example
 *
 * ```ts
 * import { connect$ } from 'rxrpcx';
 *
 * const client = connect$(['wss://a.example.org:50004', 'wss://b.example.org:50004'], {
 *   keepAlive: { method: 'server.ping', interval: 30 },
 *   livenessTimeout: 75,
 * });
 * client.state$.subscribe((state) => console.log(state.status));
 * client.subscription$('blockchain.headers.subscribe').subscribe((event) => console.log(event));
 * console.log(await client.sendRequest('server.version', ['me', '1.4']));
 * await client.close();
 * ```
 *
 * @typeParam C - the method contract requests, notifications and subscriptions are checked against
 */
export class RPCClient<C extends MethodContract = UntypedContract> {
  /** The endpoints, tried in turn. */
  readonly endpoints: readonly string[];

  readonly #state: BehaviorSubject<ClientState>;
  readonly #connector: Connector;
  readonly #options: ClientOptions;
  readonly #scheduler: SchedulerLike;
  readonly #policy: ReconnectPolicy | undefined;
  readonly #logger: SessionLogger;
  readonly #requestTimeout: number;
  readonly #connectTimeout: number;
  readonly #maxWaiting: number;
  /** What runs now: the attempt in flight, the wait before the next, or the watch over the open session. */
  #step = Subscription.EMPTY;
  readonly #life = new Subscription();
  #endpointIndex = 0;
  #attempt = 0;
  #lastError: unknown;
  #waiting = 0;
  readonly #subscriptions = new SubscriptionTable({
    sessions: () => this.#sessions(true),
    unsubscribe: (method, args) => this.#unsubscribe(method, args),
  });
  #closing: Promise<void> | undefined;

  /**
   * Starts connecting at once.
   *
   * @param endpoints - one URL or a list, tried in turn
   * @param options - see {@link ClientOptions}; `connector` opens the transports
   */
  constructor(endpoints: string | readonly string[], options: ClientOptions & { readonly connector: Connector }) {
    this.endpoints = typeof endpoints === 'string' ? [endpoints] : [...endpoints];
    if (this.endpoints.length === 0) throw new TypeError('an RPCClient needs at least one endpoint');
    this.#options = options;
    this.#connector = options.connector;
    this.#scheduler = options.scheduler ?? options.session?.scheduler ?? asyncScheduler;
    this.#logger = options.logger ?? options.session?.logger ?? defaultLogger();
    this.#requestTimeout = options.requestTimeout ?? options.session?.sentRequestTimeout ?? rpcSessionDefaults.sentRequestTimeout;
    this.#connectTimeout = options.connectTimeout ?? 30;
    this.#maxWaiting = options.maxWaiting ?? 100;
    this.#policy = options.reconnect === false ? undefined : resolvePolicy(options.reconnect ?? {});
    this.#state = new BehaviorSubject<ClientState>({ status: 'connecting', attempt: 1, endpoint: this.endpoints[0]! });
    this.#life.add(
      (options.wakeUps$ ?? browserWakeUps()).subscribe({
        next: () => this.#wakeUp(),
        error: (error: unknown) => this.#logger.warn(`wake-up events ended: ${describeError(error)}`),
      }),
    );
    this.#connect();
  }

  /**
   * What the client is doing (see {@link ClientState}): the current state at
   * once, then each change; completes after `closed`.
   *
   * ## Example
   *
   * ```ts
   * import { connect$ } from 'rxrpcx';
   *
   * connect$('wss://example.org/rpc').state$.subscribe((state) => console.log(state.status)); // connecting, open, …
   * ```
   */
  get state$(): Observable<ClientState> {
    return new Observable<ClientState>((subscriber) => {
      const state = this.#state.value;
      // A finished subject tells late subscribers nothing: they still get the final state.
      if (state.status !== 'closed') return this.#state.subscribe(subscriber);
      subscriber.next(state);
      subscriber.complete();
      return undefined;
    });
  }

  /**
   * The current state (see {@link ClientState}).
   *
   * ## Example
   *
   * ```ts
   * import { connect$ } from 'rxrpcx';
   *
   * const client = connect$('wss://example.org/rpc');
   * if (client.state.status === 'open') console.log('live');
   * ```
   */
  get state(): ClientState {
    return this.#state.value;
  }

  /**
   * The live session (at once, if there is one), then each new one as the
   * client reconnects; completes when the client closes. Unsubscribing never
   * closes a session.
   *
   * ## Example
   *
   * ```ts
   * import { connect$ } from 'rxrpcx';
   *
   * connect$('wss://example.org/rpc').session$.subscribe((session) => console.log('session to', String(session.remoteAddress())));
   * ```
   */
  get session$(): Observable<RPCSession> {
    return this.#sessions(false);
  }

  /**
   * Every notification from the server, across sessions; completes when the
   * client closes.
   *
   * ## Example
   *
   * ```ts
   * import { connect$ } from 'rxrpcx';
   *
   * connect$('wss://example.org/rpc').notifications$.subscribe((n) => console.log(n.method, n.args));
   * ```
   */
  get notifications$(): Observable<Notification> {
    return this.#sessions(false).pipe(switchMap((session) => session.notifications$));
  }

  /**
   * Sends a request on the live session, or on the next one (see the class
   * notes), and emits its result. Cold: subscribing sends; unsubscribing
   * before the answer forgets it. Errors: the session's (`RPCError`,
   * `ConnectionError`, `TaskTimeout`), or `NotConnectedError`.
   *
   * ## Example
   *
   * ```ts
   * import { connect$ } from 'rxrpcx';
   *
   * connect$('wss://example.org/rpc').request<string>('echo', ['hi'], { timeout: 5 }).subscribe((text) => console.log(text));
   * ```
   *
   * @param method - the method name
   * @param rest - its arguments (see the contract), then {@link ClientRequestOptions}
   * @returns the result, then completion
   */
  request<R extends ResultOverride<C> = never, K extends MethodName<C> = MethodName<C>>(
    method: K,
    ...rest: CallArgs<C, K, ClientRequestOptions>
  ): Observable<RequestResult<C, K, R>> {
    const [args, options] = rest;
    const signal = options?.signal;
    // The client checked the call against C; its sessions are untyped underneath.
    return this.#withSession(options, (session, seconds) =>
      session.request(method, args as RequestArgs | undefined, {
        timeout: seconds,
        ...(signal === undefined ? {} : { signal }),
      }),
    ) as Observable<RequestResult<C, K, R>>;
  }

  /**
   * {@link RPCClient.request} as a Promise.
   *
   * ## Example
   *
   * ```ts
   * import { connect$ } from 'rxrpcx';
   *
   * const client = connect$('wss://electrum.example.org:50004');
   * const [software, protocol] = await client.sendRequest<[string, string]>('server.version', ['me', '1.4']);
   * ```
   *
   * @param method - the method name
   * @param rest - its arguments, then {@link ClientRequestOptions}
   * @returns the result
   */
  sendRequest<R extends ResultOverride<C> = never, K extends MethodName<C> = MethodName<C>>(
    method: K,
    ...rest: CallArgs<C, K, ClientRequestOptions>
  ): Promise<RequestResult<C, K, R>> {
    return firstValueFrom(this.request<R, K>(method, ...rest));
  }

  /**
   * Sends a notification on the live session or the next one, and resolves
   * once it is written (see the class notes for what happens while
   * disconnected).
   *
   * ## Example
   *
   * ```ts
   * import { connect$ } from 'rxrpcx';
   *
   * await connect$('wss://example.org/rpc').sendNotification('client.log', ['hello']);
   * ```
   *
   * @param method - the method name
   * @param rest - its arguments, then {@link ClientRequestOptions} (the timeout bounds the wait for a session)
   */
  sendNotification<K extends MethodName<C>>(method: K, ...rest: CallArgs<C, K, ClientRequestOptions>): Promise<void> {
    return lastValueFrom(this.#notification(method, rest[0] as RequestArgs | undefined, rest[1]), { defaultValue: undefined });
  }

  /**
   * Sends a notification and forgets it: never rejects; a failure (no
   * session in time, connection lost) goes to the logger.
   *
   * ## Example
   *
   * ```ts
   * import { connect$ } from 'rxrpcx';
   *
   * connect$('wss://example.org/rpc').notify('client.log', ['fire and forget']);
   * ```
   *
   * @param method - the method name
   * @param rest - its arguments, then {@link ClientRequestOptions}
   */
  notify<K extends MethodName<C>>(method: K, ...rest: CallArgs<C, K, ClientRequestOptions>): void {
    this.#notification(method, rest[0] as RequestArgs | undefined, rest[1]).subscribe({
      error: (error: unknown) => this.#logger.warn(`notification ${method} not sent: ${describeError(error)}`),
    });
  }

  /**
   * A subscription as an Observable: emits the subscribe call's result,
   * then each notification that belongs to it (by `notification` method and
   * `key`, see {@link SubscriptionOptions}). Subscribers to the same method
   * and arguments share one subscription on the wire (a late one first gets
   * the latest event); the last to leave sends `unsubscribe`, if named.
   * After a reconnection the subscription is made again on the new session
   * and the Observable continues with the fresh result. An error answer to
   * the subscribe call errors it; the client closing completes it (errors
   * it with `NotConnectedError` `closed` when reconnection gave up).
   *
   * ## Example
   *
   * ```ts
   * import { connect$ } from 'rxrpcx';
   *
   * const client = connect$('wss://electrum.example.org:50004');
   * client.subscription$('blockchain.headers.subscribe').subscribe((event) =>
   *   console.log(event.kind === 'result' ? event.result : event.args[0]),
   * );
   * ```
   *
   * @param method - the subscribe method
   * @param rest - its arguments, then {@link SubscriptionOptions}
   * @returns the result and the notifications, as {@link SubscriptionEvent}s
   */
  subscription$<K extends MethodName<C>>(
    method: K,
    ...rest: CallArgs<C, K, SubscriptionOptions<C>>
  ): Observable<SubscriptionEvent<ResultOf<C, K>, NotificationOf<C, K>>> {
    const args = (rest[0] ?? []) as RequestArgs;
    return this.#subscriptions.get(method, args, rest[1] ?? {}) as Observable<SubscriptionEvent<ResultOf<C, K>, NotificationOf<C, K>>>;
  }

  /**
   * Closes the client for good: stops reconnecting, closes the live session
   * (its pending requests fail with `ConnectionError`), fails waiting calls
   * with `NotConnectedError` `closed`, completes `state$`, `session$` and
   * every subscription. Resolves when the session has closed.
   *
   * ## Example
   *
   * ```ts
   * import { connect$ } from 'rxrpcx';
   *
   * const client = connect$('wss://example.org/rpc');
   * await client.close();
   * console.log(client.state.status); // closed
   * ```
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const state = this.#state.value;
    this.#finish(undefined);
    this.#closing = state.status === 'open' ? state.session.close() : Promise.resolve();
    return this.#closing;
  }

  #set(state: ClientState): void {
    this.#state.next(state);
  }

  #connect(): void {
    this.#attempt += 1;
    const endpoint = this.endpoints[this.#endpointIndex]!;
    const attempt = this.#attempt;
    this.#set({ status: 'connecting', attempt, endpoint, ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }) });
    // The step is in place before the connector runs: a connector that answers at once moves the client on from inside.
    const step = new Subscription();
    this.#step = step;
    step.add(openTransport(this.#connector, endpoint, { attempt, timeout: this.#connectTimeout, scheduler: this.#scheduler }, {
      opened: (transport) => this.#opened(endpoint, transport),
      failed: (error) => this.#failed(endpoint, error),
    }));
  }

  #opened(endpoint: string, transport: Transport): void {
    let session: RPCSession;
    try {
      // A client's own logger goes to its sessions; without one, each session takes the default with its peer's address.
      const logger = this.#options.logger ?? this.#options.session?.logger;
      const config: RPCSessionConfig = { ...this.#options.session, scheduler: this.#scheduler, ...(logger === undefined ? {} : { logger }) };
      session = this.#options.sessionFactory?.(transport, config) ?? new RPCSession(transport, config);
      session.start();
    } catch (error) {
      transport.abort();
      this.#failed(endpoint, error);
      return;
    }
    this.#attempt = 0;
    this.#lastError = undefined;
    const watch = new Subscription();
    this.#step = watch;
    this.#set({ status: 'open', endpoint, session });
    watch.add(session.closed$.subscribe(() => this.#dropped(endpoint, session)));
    watch.add(
      watchSilence(session, {
        keepAlive: this.#options.keepAlive,
        livenessTimeout: this.#options.livenessTimeout,
        scheduler: this.#scheduler,
        ping: (silentSession, keepAlive) => this.#ping(silentSession, keepAlive),
        silent: (silentSession, seconds) => {
          this.#lastError = new ConnectionError(`nothing from the server for ${seconds} s`);
          silentSession.abort();
        },
      }),
    );
  }

  #dropped(endpoint: string, session: RPCSession): void {
    const state = this.#state.value;
    if (state.status !== 'open' || state.session !== session) return;
    this.#step.unsubscribe();
    const error = this.#lastError ?? new ConnectionError(`the session to ${endpoint} ended`);
    this.#logger.info(`${describeError(error)}; reconnecting`);
    this.#retry(error);
  }

  #failed(endpoint: string, error: unknown): void {
    this.#logger.info(`connecting to ${endpoint} failed: ${describeError(error)}`);
    const policy = this.#policy;
    if (policy === undefined || !policy.retryable(error) || this.#attempt >= policy.maxAttempts) {
      this.#finish(error);
      return;
    }
    this.#endpointIndex = (this.#endpointIndex + 1) % this.endpoints.length;
    this.#retry(error);
  }

  #retry(error: unknown): void {
    this.#lastError = error;
    const policy = this.#policy;
    if (policy === undefined) {
      this.#finish(error);
      return;
    }
    const attempt = this.#attempt + 1;
    const delay = backoffDelay(policy, attempt);
    this.#set({ status: 'reconnecting', attempt, endpoint: this.endpoints[this.#endpointIndex]!, delay, lastError: error });
    this.#step = scheduleAfter(this.#scheduler, delay, () => this.#connect());
  }

  #wakeUp(): void {
    const state = this.#state.value;
    if (state.status === 'reconnecting') {
      this.#step.unsubscribe();
      this.#connect();
    } else if (state.status === 'open' && this.#options.keepAlive !== undefined) {
      this.#ping(state.session, this.#options.keepAlive);
    }
  }

  #finish(error: unknown): void {
    if (this.#state.value.status === 'closed') return;
    this.#step.unsubscribe();
    this.#life.unsubscribe();
    this.#set(error === undefined ? { status: 'closed' } : { status: 'closed', lastError: error });
    this.#state.complete();
  }

  #ping(session: RPCSession, keepAlive: KeepAliveOptions): void {
    session.request(keepAlive.method, keepAlive.params).subscribe({
      error: (error: unknown) => this.#logger.debug(`keep-alive ${keepAlive.method} failed: ${describeError(error)}`),
    });
  }

  /** Each live session as it opens; completes when the client closes (errors, if `failOnGiveUp`, when it gave up). */
  #sessions(failOnGiveUp: boolean): Observable<RPCSession> {
    return new Observable<RPCSession>((subscriber) => {
      let last: RPCSession | undefined;
      return this.state$.subscribe({
        next: (state) => {
          if (state.status === 'open' && state.session !== last) {
            last = state.session;
            subscriber.next(state.session);
          } else if (state.status === 'closed' && failOnGiveUp && state.lastError !== undefined) {
            subscriber.error(gaveUp(state.lastError));
          }
        },
        complete: () => subscriber.complete(),
      });
    });
  }

  /** Runs `use` on the live session, or on the next one within the timeout (the rest of it is the exchange's). */
  #withSession<T>(options: ClientRequestOptions | undefined, use: (session: RPCSession, seconds: number) => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      const seconds = options?.timeout ?? this.#requestTimeout;
      const signal = options?.signal;
      if (signal?.aborted === true) {
        subscriber.error(cancelled(signal));
        return undefined;
      }
      const state = this.#state.value;
      if (state.status === 'open' && !state.session.isClosing()) return use(state.session, seconds).subscribe(subscriber);
      if (state.status === 'closed') {
        subscriber.error(state.lastError === undefined ? new NotConnectedError('closed', 'the client is closed') : gaveUp(state.lastError));
        return undefined;
      }
      if (this.#options.whileDisconnected === 'fail') {
        subscriber.error(new NotConnectedError('disconnected', `not connected (${state.status})`));
        return undefined;
      }
      if (this.#waiting >= this.#maxWaiting) {
        subscriber.error(new NotConnectedError('busy', `${this.#waiting} calls already wait for a session`));
        return undefined;
      }
      this.#waiting += 1;
      let counted = true;
      const stopWaiting = (): void => {
        if (counted) this.#waiting -= 1;
        counted = false;
      };
      const started = this.#scheduler.now();
      const subscription = new Subscription(stopWaiting);
      const timer = scheduleAfter(this.#scheduler, seconds, () => subscriber.error(new TaskTimeout(seconds)));
      subscription.add(timer);
      if (signal !== undefined) {
        const onAbort = (): void => subscriber.error(cancelled(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        subscription.add(() => signal.removeEventListener('abort', onAbort));
      }
      subscription.add(
        this.#state
          .pipe(
            filter((next) => next.status === 'closed' || (next.status === 'open' && !next.session.isClosing())),
            take(1),
          )
          .subscribe((next) => {
          stopWaiting();
          timer.unsubscribe();
          if (next.status === 'open') {
            const left = Math.max(0, seconds - (this.#scheduler.now() - started) / 1000);
            subscription.add(use(next.session, left).subscribe(subscriber));
          } else {
            subscriber.error(next.lastError === undefined ? new NotConnectedError('closed', 'the client is closed') : gaveUp(next.lastError));
          }
        }),
      );
      return subscription;
    });
  }

  #notification(method: string, args: RequestArgs | undefined, options: ClientRequestOptions | undefined): Observable<void> {
    return this.#withSession(options, (session) => from(session.sendNotification(method, args)));
  }

  #unsubscribe(method: string, args: RequestArgs): void {
    const state = this.#state.value;
    if (state.status !== 'open' || state.session.isClosing()) return;
    state.session.request(method, args).subscribe({
      error: (error: unknown) => this.#logger.debug(`${method} failed: ${describeError(error)}`),
    });
  }
}

function cancelled(signal: AbortSignal): TaskCancelledError {
  return new TaskCancelledError('request was cancelled', { cause: signal.reason });
}

function gaveUp(cause: unknown): NotConnectedError {
  return new NotConnectedError('closed', `the client gave up reconnecting: ${describeError(cause)}`, { cause });
}
