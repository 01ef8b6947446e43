import type { SchedulerLike, Subscription } from 'rxjs';
import type { FramerBase } from '../framing/FramerBase.js';
import { textFraming } from '../framing/framingInternals.js';
import { utf8 } from '../jsonrpc/jsonrpcInternals.js';
import { TaskTimeout } from '../tasks/TaskTimeout.js';
import { scheduleWith } from '../tasks/tasksInternals.js';
import type { Transport } from '../transport/Transport.js';
import { Waiters, textWriting, type TextWritable } from '../transport/transportInternals.js';
import type { SessionLogger } from './SessionLogger.js';
import { connectionClosed, errorText } from './sessionInternals.js';

/** What the writer reads from its session, live. */
export interface WriterHost<M> {
  readonly transport: Transport;
  readonly framer: FramerBase<M>;
  /** Runs the send watchdog. */
  readonly scheduler: SchedulerLike;
  readonly logger: SessionLogger;
  readonly verbosity: number;
  readonly maxSendDelay: number;
  /** Writes made no progress for `maxSendDelay`. */
  abort(): void;
}

/**
 * A session's outgoing side: an outbox that collects what the session sends
 * in one turn and hands it to the transport in one write (one per message
 * where the transport keeps message boundaries), on the session's deferral
 * scheduler; and one watchdog over every write, which aborts the connection
 * when writes have been blocked for `maxSendDelay`.
 *
 * Messages may be queued as JSON text: consecutive text messages are framed
 * as text (where the framer can) and encoded once.
 *
 * Internal to the session layer.
 */
export class SessionWriter<M> {
  #outbox: Array<M | string> = [];
  #sizes: Array<number | undefined> = [];
  #flushAction: Subscription | undefined;
  /** Who waits for the outbox's write to be taken; made only when someone does. */
  #waiters: Waiters | undefined;
  #writesPending = 0;
  /** When the writer last saw progress: the start of a stall, if writes are blocked now. */
  #lastProgress = 0;
  /** What the transport held at the writer's last look, to see it go down. */
  #held = 0;
  #stalled = false;
  #watchdog: Subscription | undefined;
  #closed = false;
  readonly #textFraming: ((text: string) => string) | undefined;
  /** Counts the UTF-8 bytes of text, for a transport that takes text (and a framer that frames it). */
  readonly #textBytes: ((text: string) => number) | undefined;

  /**
   * @param host - the session
   * @param deferScheduler - runs the flush, later in the same turn (asap by default)
   * @param listener - told when messages are handed to the transport: `count` of them, `bytes` unframed
   */
  readonly #host: WriterHost<M>;
  readonly #deferScheduler: SchedulerLike;
  readonly #listener: { sent(count: number, bytes: number): void };

  constructor(
    host: WriterHost<M>,
    deferScheduler: SchedulerLike,
    listener: { sent(count: number, bytes: number): void },
  ) {
    this.#host = host;
    this.#deferScheduler = deferScheduler;
    this.#listener = listener;
    this.#textFraming = host.transport.messageBoundaries ? undefined : textFraming(host.framer);
    this.#textBytes = this.#textFraming === undefined ? undefined : textWriting(host.transport);
  }

  /**
   * Queues one message for this turn's write.
   * @param message - the message, or (for sessions whose messages are bytes) its JSON text
   * @param unframedSize - the size counted in statistics (default: its byte length)
   */
  enqueue(message: M | string, unframedSize?: number): void {
    if (this.#closed) return;
    if (this.#flushAction === undefined) this.#flushAction = this.#deferScheduler.schedule(runFlush, 0, this);
    this.#outbox.push(message);
    this.#sizes.push(unframedSize);
  }

  /**
   * Queues one message and resolves when the transport has taken its write;
   * rejects with ConnectionError if the connection ends first, or TaskTimeout
   * if the write stalled past `maxSendDelay`.
   */
  send(message: M | string, unframedSize?: number): Promise<void> {
    if (this.#closed) return Promise.reject(connectionClosed());
    this.enqueue(message, unframedSize);
    return (this.#waiters ??= new Waiters()).add();
  }

  /** Writes what is queued: the deferred flush (see `runFlush`), or at once before closing. */
  flush(): void {
    this.#flushAction?.unsubscribe();
    this.#flushAction = undefined;
    const messages = this.#outbox;
    if (messages.length === 0 || this.#closed) return;
    const sizes = this.#sizes;
    const waiters = this.#waiters;
    this.#outbox = [];
    this.#sizes = [];
    this.#waiters = undefined;
    this.#write(messages, sizes, waiters);
  }

  /** The connection has ended: nothing more is written, waiters fail, the watchdog stops. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#flushAction?.unsubscribe();
    this.#flushAction = undefined;
    this.#watchdog?.unsubscribe();
    this.#watchdog = undefined;
    this.#outbox = [];
    this.#sizes = [];
    this.#waiters?.rejectAll(connectionClosed());
    this.#waiters = undefined;
  }

  #write(messages: Array<M | string>, sizes: Array<number | undefined>, waiters: Waiters | undefined): void {
    const transport = this.#host.transport;
    // A transport holding nothing, or less than at the last look, has passed bytes on: that is
    // progress, whether or not their Promises have settled yet (they never do inside TestScheduler.run).
    this.#look();
    let written: Promise<void>;
    const { framed, total, unframed, text } = this.#frame(messages, sizes);
    // All text, to a transport that takes text: one string, encoded by the socket itself.
    if (text !== undefined) written = (transport as unknown as TextWritable).writeText(text);
    else if (framed.length === 1) written = transport.write(framed[0] as Uint8Array);
    else if (!transport.messageBoundaries) written = transport.write(concatBytes(framed, total));
    else written = Promise.all(framed.map((bytes) => transport.write(bytes))).then(() => undefined);
    // Counted when handed over, as the reference counts before its write.
    this.#listener.sent(messages.length, unframed);
    this.#writesPending += 1;
    this.#held = transport.bufferedAmount();
    this.#armWatchdog();
    written.then(
      () => {
        this.#progress();
        waiters?.resolveAll();
      },
      (error: unknown) => {
        this.#progress();
        const failure = this.#stalled ? new TaskTimeout(this.#host.maxSendDelay) : error;
        if (waiters) waiters.rejectAll(failure);
        else if (this.#host.verbosity >= 1) this.#host.logger.debug(`write failed: ${errorText(failure)}`);
      },
    );
  }

  /**
   * Frames the messages: consecutive text messages as one text, encoded once;
   * when everything is one text and the transport takes text, it stays text.
   */
  #frame(
    messages: Array<M | string>,
    sizes: Array<number | undefined>,
  ): { framed: Uint8Array[]; total: number; unframed: number; text: string | undefined } {
    const { framer, logger, verbosity } = this.#host;
    const textFraming = this.#textFraming;
    const framed: Uint8Array[] = [];
    let total = 0;
    let unframed = 0;
    // Consecutive text messages, framed as text and encoded at once; framing adds ASCII only.
    let run = '';
    let runFraming = 0;
    const endRun = (): void => {
      if (run === '') return;
      const bytes = utf8(run);
      framed.push(bytes);
      total += bytes.length;
      unframed += bytes.length - runFraming;
      run = '';
      runFraming = 0;
    };
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i] as M | string;
      if (verbosity >= 4) logger.debug(`sending message of ${sizes[i] ?? sizeOf(message)} bytes`);
      if (typeof message === 'string' && textFraming !== undefined) {
        const text = textFraming(message);
        run += text;
        runFraming += text.length - message.length;
        continue;
      }
      endRun();
      const raw = typeof message === 'string' ? (utf8(message) as M) : message;
      const bytes = framer.frame(raw);
      framed.push(bytes);
      total += bytes.length;
      unframed += sizes[i] ?? (raw instanceof Uint8Array ? raw.length : bytes.length);
    }
    const textBytes = this.#textBytes;
    if (framed.length === 0 && textBytes !== undefined) return { framed, total, unframed: textBytes(run) - runFraming, text: run };
    endRun();
    return { framed, total, unframed, text: undefined };
  }

  #progress(): void {
    this.#writesPending -= 1;
    this.#lastProgress = this.#host.scheduler.now();
    this.#held = this.#host.transport.bufferedAmount();
  }

  /**
   * Looks at what the transport holds: nothing, or less than at the last
   * look, is progress, dated now (the transport says nothing in between).
   *
   * @returns what it holds
   */
  #look(): number {
    const held = this.#host.transport.bufferedAmount();
    if (held === 0 || held < this.#held) this.#lastProgress = this.#host.scheduler.now();
    this.#held = held;
    return held;
  }

  /**
   * One timer watches every write, and aborts the connection exactly
   * `maxSendDelay` after the stall began: the last progress the writer saw —
   * a write settling, or the transport found holding less than before (at a
   * write, or at the timer's check) — or, when no timer was running, the
   * write that found the transport holding bytes. A stall is a write not yet
   * settled while the transport still holds bytes. On progress the timer
   * re-arms for `maxSendDelay` after that progress, not after its check, so a
   * busy session has one timer action per `maxSendDelay`, not one per write.
   */
  #armWatchdog(): void {
    if (this.#watchdog !== undefined || this.#closed || this.#writesPending === 0) return;
    // A write the transport passed on at once needs no watching (the common case: no timer per burst).
    if (this.#held === 0) return;
    // Nothing was being watched: the stall begins with this write at the earliest.
    this.#lastProgress = this.#host.scheduler.now();
    this.#scheduleCheck();
  }

  #scheduleCheck(): void {
    // Clamped: a maxSendDelay of Infinity arms nothing, and one over 24.8 days is reached in
    // steps (check() looks again and re-arms), where a bare delay would fire every millisecond.
    // Armed with every write the transport holds on to: the writer is the state, no closure.
    this.#watchdog = scheduleWith(this.#host.scheduler, this.#lastProgress + this.#host.maxSendDelay * 1000, runWatchdog, this);
  }

  /** The watchdog's check: abort if no progress since `maxSendDelay` ago, else watch on from the last progress. */
  check(): void {
    this.#watchdog = undefined;
    if (this.#writesPending === 0 || this.#closed) return;
    // Nothing held by the transport means nothing is blocked (a taken write may still be settling).
    if (this.#look() === 0) return;
    if (this.#host.scheduler.now() - this.#lastProgress >= this.#host.maxSendDelay * 1000) {
      this.#host.logger.warn(`no write progress for ${this.#host.maxSendDelay} secs, aborting the connection`);
      this.#stalled = true;
      this.#host.abort();
      return;
    }
    this.#scheduleCheck();
  }
}

/** The watchdog action: a plain function with the writer as state, as `runFlush`. */
function runWatchdog(this: unknown, writer?: SessionWriter<unknown>): void {
  writer?.check();
}

/** The flush action: a plain function with the writer as state, so scheduling makes no closure. */
function runFlush(this: unknown, writer?: SessionWriter<unknown>): void {
  writer?.flush();
}

function sizeOf(message: unknown): number {
  return typeof message === 'string' ? utf8(message).length : message instanceof Uint8Array ? message.length : 0;
}

/** One buffer holding `parts` in order. */
function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
