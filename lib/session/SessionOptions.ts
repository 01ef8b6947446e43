import type { SchedulerLike } from 'rxjs';
import type { CostGroups } from './CostGroups.js';
import type { SessionLogger } from './SessionLogger.js';
import type { WireCancellation } from './wireCancellation.js';

/**
 * The cost model and protection knobs every session has, with the reference's
 * names (camelCase) and defaults ({@link sessionDefaults}).
 *
 * Cost is a number that grows with bytes sent and received and with errors,
 * and decays with time. Above `costSoftLimit`, incoming requests are delayed
 * and fewer run at once; at `costHardLimit` the session is disconnected.
 *
 * ## Example
 * ```ts
 * import { RPCSession, memoryTransportPair, type SessionOptions } from 'rxrpcx';
 * const options: SessionOptions = { costSoftLimit: 500, processingTimeout: 10 };
 * const [transport] = memoryTransportPair();
 * const session = new RPCSession(transport, options);
 * ```
 */
export interface SessionOptions {
  /** Cost per byte sent or received. @default 1 / 100000 */
  readonly bwCostPerByte?: number;
  /** Above this cost, requests are delayed and concurrency is reduced. @default 2000 */
  readonly costSoftLimit?: number;
  /** At this cost the session is disconnected; 0 or less disables it (client sessions always). @default 10000 */
  readonly costHardLimit?: number;
  /** Cost refunded per second. @default costHardLimit / 3600 */
  readonly costDecayPerSec?: number;
  /** The longest delay, in seconds, put before a request, reached at the hard limit. @default 2 */
  readonly costSleep?: number;
  /** Cost of an error; errors that took work to find add their own cost. @default 100 */
  readonly errorBaseCost?: number;
  /** How many incoming requests may be processed at once while cost is low. @default 20 */
  readonly initialConcurrent?: number;
  /** Seconds an incoming request may take before it is answered 'server busy'. @default 30 */
  readonly processingTimeout?: number;
  /**
   * Seconds writes may stay blocked without progress before the connection is
   * aborted, counted from the stall: the last progress seen (a write settling,
   * or the transport holding fewer bytes than before) or the write that found
   * the transport holding bytes. @default 20
   */
  readonly maxSendDelay?: number;
  /**
   * The most incoming requests unanswered at once. At the limit the session
   * stops reading from the transport; messages it had already read (the
   * rest of a chunk) wait in the session unprocessed, and everything resumes
   * as answers go out. The bound is exact.
   * @default 1000
   */
  readonly maxPendingRequests?: number;
  /** Drives every timer, delay and clock reading of the session. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Where log lines go, as they are. @default the default logger ({@link setDefaultLogger}; `console` for `warn` and `error`), each line prefixed with the peer's address */
  readonly logger?: SessionLogger;
  /** How much debug logging: 0 none; 2 adds received data; 4 adds sent messages. @default 0 */
  readonly verbosity?: number;
  /**
   * The registry whose group this session joins when it starts (by the
   * registry's key, by default its remote subnet): the session is then
   * throttled, delayed and disconnected by its own cost plus its share of
   * the group's (see {@link CostGroups}). `serveRs` and `serveWs` pass one
   * to the session factory with their `costGroups` option.
   * @default none: the session is charged alone
   */
  readonly costGroups?: CostGroups;
}

/**
 * The tunables of an {@link RPCSession}, on top of {@link SessionOptions}.
 *
 * ## Example
 * ```ts
 * import type { RPCSessionOptions } from 'rxrpcx';
 * const options: RPCSessionOptions = { sentRequestTimeout: 10, targetResponseTime: 1 };
 * ```
 */
export interface RPCSessionOptions extends SessionOptions {
  /** Outgoing concurrency is tuned so replies come back within this many seconds. @default 3 */
  readonly targetResponseTime?: number;
  /** Retune outgoing concurrency after this many replies. @default 30 */
  readonly recalibrateCount?: number;
  /** A request with no reply after this many seconds errors with TaskTimeout. @default 30 */
  readonly sentRequestTimeout?: number;
  /** Outgoing requests in flight at first. @default 50 */
  readonly initialOutgoingConcurrent?: number;
  /** Log every incoming message at info level. @default false */
  readonly logMe?: boolean;
  /**
   * Wire cancellation, an extension aiorpcX does not have: made by
   * {@link wireCancellation}, which says what it does. Off when not given,
   * so the wire stays the reference's; give it at both ends.
   *
   * ## Example
   * ```ts
   * import { RPCSession, memoryTransportPair, wireCancellation } from 'rxrpcx';
   * const [clientEnd] = memoryTransportPair();
   * const client = new RPCSession(clientEnd, { cancellation: wireCancellation({ method: 'cancel' }) });
   * ```
   * @default none (off)
   */
  readonly cancellation?: WireCancellation;
}

/**
 * The per-call options of {@link RPCSession.request} and `sendRequest`.
 *
 * ## Example
 * ```ts
 * import { RPCSession, memoryTransportPair, type RequestOptions } from 'rxrpcx';
 * const [clientEnd] = memoryTransportPair();
 * const client = new RPCSession(clientEnd);
 * const controller = new AbortController();
 * const options: RequestOptions = { timeout: 5, signal: controller.signal };
 * const answer = client.sendRequest('ping', [], options);
 * controller.abort(); // answer rejects with TaskCancelledError
 * ```
 */
export interface RequestOptions {
  /** Seconds to wait for the answer before failing with TaskTimeout. @default sentRequestTimeout */
  readonly timeout?: number;
  /**
   * Aborting it abandons the request as unsubscribing does — the request is
   * forgotten (and, with `cancellation` on, the peer told) — and fails it
   * with a `TaskCancelledError` whose `cause` is the signal's reason.
   * An already aborted signal fails the request at once, unsent.
   */
  readonly signal?: AbortSignal;
}

/**
 * Every tunable of {@link SessionOptions} with a value: the type of
 * {@link sessionDefaults} and of a subclass's `static defaults`.
 *
 * ## Example
 * ```ts
 * import { sessionDefaults, type SessionDefaults } from 'rxrpcx';
 * const strict: SessionDefaults = { ...sessionDefaults, costHardLimit: 5000 };
 * ```
 */
export type SessionDefaults = Readonly<Required<Omit<SessionOptions, 'scheduler' | 'logger' | 'costGroups'>>>;

/**
 * Every tunable of {@link RPCSessionOptions} with a value.
 *
 * ## Example
 * ```ts
 * import { rpcSessionDefaults, type RPCSessionDefaults } from 'rxrpcx';
 * const patient: RPCSessionDefaults = { ...rpcSessionDefaults, sentRequestTimeout: 120 };
 * ```
 */
export type RPCSessionDefaults = Readonly<Required<Omit<RPCSessionOptions, 'scheduler' | 'logger' | 'costGroups' | 'cancellation'>>>;

/**
 * The defaults of {@link SessionOptions}, the reference's values.
 *
 * ## Example
 * ```ts
 * import { sessionDefaults } from 'rxrpcx';
 * console.log(sessionDefaults.costSoftLimit); // 2000
 * ```
 */
export const sessionDefaults: SessionDefaults = /* @__PURE__ */ Object.freeze({
  bwCostPerByte: 1 / 100000,
  costSoftLimit: 2000,
  costHardLimit: 10000,
  costDecayPerSec: 10000 / 3600,
  costSleep: 2.0,
  errorBaseCost: 100.0,
  initialConcurrent: 20,
  processingTimeout: 30.0,
  maxSendDelay: 20.0,
  maxPendingRequests: 1000,
  verbosity: 0,
});

/**
 * The defaults of {@link RPCSessionOptions}, the reference's values.
 *
 * ## Example
 * ```ts
 * import { rpcSessionDefaults } from 'rxrpcx';
 * console.log(rpcSessionDefaults.sentRequestTimeout); // 30
 * ```
 */
export const rpcSessionDefaults: RPCSessionDefaults = /* @__PURE__ */ Object.freeze({
  ...sessionDefaults,
  targetResponseTime: 3.0,
  recalibrateCount: 30,
  sentRequestTimeout: 30.0,
  initialOutgoingConcurrent: 50,
  logMe: false,
});
