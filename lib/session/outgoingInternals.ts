import type { Unsubscribable } from 'rxjs';
import type { Batch } from '../jsonrpc/Batch.js';
import { batching } from '../jsonrpc/batchInternals.js';
import { forgetRequest, sendRequestText, type PendingKey, type ResponseReceiver } from '../jsonrpc/connectionInternals.js';
import type { Notification } from '../jsonrpc/Notification.js';
import { Request } from '../jsonrpc/Request.js';
import type { JSONRPCConnection } from '../jsonrpc/JSONRPCConnection.js';
import { TaskTimeout } from '../tasks/TaskTimeout.js';
import { slot } from '../util/slotInternals.js';
import { abortError, type CancellationPlug } from './cancellationInternals.js';
import type { SessionLogger } from './SessionLogger.js';
import { connectionClosed } from './sessionInternals.js';

/** The most outgoing requests in flight, however fast replies come (the reference's cap). */
const OUTGOING_CAP = 250;

/** What the outgoing path reads from its session, live. */
export interface OutgoingHost {
  readonly connection: JSONRPCConnection;
  readonly targetResponseTime: number;
  readonly recalibrateCount: number;
  readonly logger: SessionLogger;
  isClosing(): boolean;
}

/** What the outgoing path does through its session (protected there). */
export interface OutgoingSender {
  /** Queues a message for this turn's write. */
  enqueue(message: Uint8Array | string, unframedSize?: number): void;
  /** Arms a deadline in the session's one deadline queue. */
  deadline(seconds: number, target: { expire(): void }): { cancel(): void };
  /** The clock in seconds. */
  now(): number;
}

/**
 * Where an exchange's outcome goes: a Subscriber (the Observable form) or a
 * Promise's settle functions (the Promise form) — the same exchange either way.
 */
export interface ExchangeSink {
  next(value: unknown): void;
  error(error: unknown): void;
  complete(): void;
}

/** The Promise form's sink. */
export class PromiseSink implements ExchangeSink {
  readonly #resolve: (value: unknown) => void;
  readonly #reject: (error: unknown) => void;

  constructor(
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;}

  next(value: unknown): void {
    this.#resolve(value);
  }

  error(error: unknown): void {
    this.#reject(error);
  }

  complete(): void {
    // Settled by next.
  }
}

/** What an exchange sends: a request, or a batch. */
export type Sent = Request | Batch<Request | Notification>;

/** What an exchange asks of its path. */
interface Slots {
  readonly host: OutgoingHost;
  readonly sender: OutgoingSender;
  /** The exchange took a slot. */
  took(): void;
  /** The exchange settled: `taken` seconds for `count` requests if it was sent, its slot back if `held`. */
  finished(taken: number | undefined, count: number, held: boolean): void;
  /** The exchange left before its turn. */
  left(exchange: Exchange): void;
  /** A written request was abandoned unanswered. */
  cancelled(sent: Sent, key: PendingKey): void;
}

/**
 * One request or batch from subscription to its one outcome: waits for a
 * slot, registers with the connection and queues its message, then settles
 * once — answer, timeout, end of the connection, unsubscription or its
 * signal's abort — giving the slot back and timing the outcome. One object
 * per exchange, whose methods are the connection's receiver, the deadline's
 * target, the subscription's teardown and the signal's listener.
 */
class Exchange implements ResponseReceiver, Unsubscribable {
  #key: PendingKey | undefined = undefined;
  #deadline: { cancel(): void } | undefined = undefined;
  #sentAt = -1;
  #holding = false;
  #settled = false;
  /** The signal listened to, until the exchange settles. */
  #signal: AbortSignal | undefined;
  readonly #slots: Slots;
  readonly #sink: ExchangeSink;
  readonly #sent: Sent;
  readonly #requestCount: number;
  readonly #timeout: number;

  constructor(slots: Slots, sink: ExchangeSink, sent: Sent, requestCount: number, timeout: number, signal: AbortSignal | undefined) {
    this.#slots = slots;
    this.#sink = sink;
    this.#sent = sent;
    this.#requestCount = requestCount;
    this.#timeout = timeout;
    this.#signal = signal;
    signal?.addEventListener('abort', this);
  }

  /** A slot is ours: send. */
  go(): void {
    const slots = this.#slots;
    this.#holding = true;
    slots.took();
    const connection = slots.host.connection;
    let message: Uint8Array | string;
    try {
      [message, this.#key] =
        this.#sent instanceof Request ? sendRequestText(connection, this.#sent, this) : batching.get().send(connection, this.#sent, this);
    } catch (error) {
      this.deliver(error as Error);
      return;
    }
    this.#sentAt = slots.sender.now();
    slots.sender.enqueue(message, typeof message === 'string' ? undefined : message.length);
    // A batch of notifications only: nothing to wait for.
    if (this.#key === undefined) this.deliver(undefined, Object.freeze([]));
    else this.#deadline = slots.sender.deadline(this.#timeout, this);
  }

  /** The answer (or the connection's end). */
  deliver(error: Error | undefined, result?: unknown): void {
    if (this.#settled) return;
    this.#finish();
    if (error === undefined) {
      this.#sink.next(result);
      this.#sink.complete();
    } else {
      this.#sink.error(error);
    }
  }

  /** No answer within the timeout: forget the request. */
  expire(): void {
    if (this.#key !== undefined) forgetRequest(this.#slots.host.connection, this.#key);
    this.deliver(new TaskTimeout(this.#timeout));
  }

  /**
   * The subscriber left: forget the request (telling the peer, with wire
   * cancellation on, if it was written and not yet answered), or leave the queue.
   */
  unsubscribe(): void {
    this.#slots.left(this);
    if (this.#settled) return;
    if (this.#key !== undefined && forgetRequest(this.#slots.host.connection, this.#key)) this.#slots.cancelled(this.#sent, this.#key);
    this.#finish();
  }

  /** The signal aborted: abandoned as by unsubscribing, and failed with TaskCancelledError. */
  handleEvent(): void {
    if (this.#settled) return;
    const signal = this.#signal as AbortSignal;
    this.unsubscribe();
    this.#sink.error(abortError(signal));
  }

  #finish(): void {
    this.#settled = true;
    this.#signal?.removeEventListener('abort', this);
    this.#signal = undefined;
    this.#deadline?.cancel();
    const held = this.#holding;
    this.#holding = false;
    const slots = this.#slots;
    slots.finished(this.#sentAt >= 0 ? Math.max(0, slots.sender.now() - this.#sentAt) : undefined, this.#requestCount, held);
  }
}

/**
 * A session's one outgoing path, for requests and batches: slots under the
 * outgoing concurrency limit (a free slot sends now, else the exchange waits
 * in order), and the limit retuned toward `targetResponseTime` from every
 * outcome — reply, error, timeout, unsubscription — as the reference's
 * `_send_concurrent` does in its `finally`.
 *
 * Internal to the session layer.
 */
export class OutgoingPath implements Slots {
  #target: number;
  #active = 0;
  /** Exchanges waiting for a slot, oldest first; made when one first waits. */
  #waiting: Set<Exchange> | undefined;
  #timeSum = 0;
  #timeCount = 0;
  readonly #cancel: CancellationPlug | undefined;

  /**
   * @param host - the session
   * @param sender - the session's protected enqueue, deadline and now
   * @param initialTarget - the outgoing limit at first
   * @param cancel - wire cancellation: tells the peer of an abandoned request; undefined: off
   */
  constructor(
    readonly host: OutgoingHost,
    readonly sender: OutgoingSender,
    initialTarget: number,
    cancel?: CancellationPlug,
  ) {
    this.#target = Math.trunc(initialTarget);
    this.#cancel = cancel;
  }

  /** How many may be in flight. */
  get target(): number {
    return this.#target;
  }

  /**
   * Starts an exchange whose outcome goes to `sink`; returns its teardown
   * (unsubscribing forgets it). Aborting `signal` abandons it the same way
   * and fails it with TaskCancelledError.
   */
  open(sink: ExchangeSink, sent: Sent, requestCount: number, timeout: number, signal?: AbortSignal): Unsubscribable | undefined {
    if (this.host.isClosing()) {
      sink.error(connectionClosed());
      return undefined;
    }
    if (signal?.aborted === true) {
      sink.error(abortError(signal));
      return undefined;
    }
    const exchange = new Exchange(this, sink, sent, requestCount, timeout, signal);
    if (this.#active < this.#target && (this.#waiting === undefined || this.#waiting.size === 0)) exchange.go();
    else (this.#waiting ??= new Set()).add(exchange);
    return exchange;
  }

  /** The connection has ended: waiting exchanges fail with ConnectionError. */
  close(): void {
    const waiting = [...(this.#waiting ?? [])];
    this.#waiting = undefined;
    for (const exchange of waiting) exchange.deliver(connectionClosed());
  }

  took(): void {
    this.#active += 1;
  }

  finished(taken: number | undefined, count: number, held: boolean): void {
    if (taken !== undefined) {
      // The reference keeps taken/count once per request; only their sum and number matter.
      this.#timeSum += taken;
      this.#timeCount += count;
      if (this.#timeCount >= this.host.recalibrateCount) this.#recalibrate();
    }
    if (held) {
      this.#active -= 1;
      this.#drain();
    }
  }

  left(exchange: Exchange): void {
    this.#waiting?.delete(exchange);
  }

  /** Batches are not cancelled (the peer answers them whole). */
  cancelled(sent: Sent, key: PendingKey): void {
    const cancel = this.#cancel;
    if (cancel === undefined || !(sent instanceof Request) || this.host.isClosing()) return;
    // A validated method name and our own numeric id: encoding cannot fail.
    const message = cancel.notice(this.host.connection, key);
    this.sender.enqueue(message, message.length);
  }

  /** Starts waiting exchanges while slots are free. */
  #drain(): void {
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    for (const exchange of waiting) {
      if (this.#active >= this.#target) return;
      waiting.delete(exchange);
      exchange.go();
    }
  }

  /** Moves the limit toward `targetResponseTime`, within the reference's cap and floor. */
  #recalibrate(): void {
    const avg = this.#timeSum / this.#timeCount;
    this.#timeSum = 0;
    this.#timeCount = 0;
    const current = this.#target;
    const cap = Math.min(current + Math.max(3, current * 0.1), OUTGOING_CAP);
    const floor = Math.max(1, Math.min(current * 0.8, current - 1));
    const raw = avg !== 0 ? Math.max(floor, Math.min(cap, (current * this.host.targetResponseTime) / avg)) : cap;
    const target = Math.trunc(0.5 + raw);
    if (target !== current) {
      this.host.logger.info(`changing outgoing request concurrency to ${target} from ${current}`);
      this.#target = target;
      this.#drain();
    }
  }
}

/** Bound once, by `RPCSession`'s static block. */
export const sessionPath = slot<(session: object) => OutgoingPath>('RPCSession');

/** A session's outgoing path, for what sends through it from outside the class (`BatchRequest`). */
export function outgoingPathOf(session: object): OutgoingPath {
  return sessionPath.get()(session);
}

