import type { SchedulerLike, Subscription } from 'rxjs';
import type { FramerBase } from '../framing/FramerBase.js';
import { textFraming } from '../framing/framingInternals.js';
import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import { utf8 } from '../jsonrpc/jsonrpcInternals.js';
import { TaskTimeout } from '../tasks/TaskTimeout.js';
import type { Transport } from '../transport/Transport.js';
import { textWriting, type TextWritable } from '../transport/transportInternals.js';
import type { SessionLogger } from './SessionLogger.js';
import { errorText } from './sessionInternals.js';

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

interface WriteWaiter {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
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
export interface SessionWriter<M> {
  /**
   * Queues one message for this turn's write.
   * @param message - the message, or (for sessions whose messages are bytes) its JSON text
   * @param unframedSize - the size counted in statistics (default: its byte length)
   */
  enqueue(message: M | string, unframedSize?: number): void;
  /**
   * Queues one message and resolves when the transport has taken its write;
   * rejects with ConnectionError if the connection ends first, or TaskTimeout
   * if the write stalled past `maxSendDelay`.
   */
  send(message: M | string, unframedSize?: number): Promise<void>;
  /** Writes what is queued: the deferred flush, or at once before closing. */
  flush(): void;
  /** The connection has ended: nothing more is written, waiters fail, the watchdog stops. */
  close(): void;
}

/**
 * A session's writer (see {@link SessionWriter}); its state lives in this
 * closure, as the dispatcher's does.
 * @param host - the session
 * @param deferScheduler - runs the flush, later in the same turn (asap by default)
 * @param listener - told when messages are handed to the transport: `count` of them, `bytes` unframed
 */
export function sessionWriter<M>(
  host: WriterHost<M>,
  deferScheduler: SchedulerLike,
  listener: { sent(count: number, bytes: number): void },
): SessionWriter<M> {
  let outbox: Array<M | string> = [];
  let sizes: Array<number | undefined> = [];
  let flushAction: Subscription | undefined;
  /** Settles when the outbox's write is taken; made only when someone waits. */
  let waiter: WriteWaiter | undefined;
  let writesPending = 0;
  /** When the writer last saw progress: the start of a stall, if writes are blocked now. */
  let lastProgress = 0;
  /** What the transport held at the writer's last look, to see it go down. */
  let held = 0;
  let stalled = false;
  let watchdog: Subscription | undefined;
  let closed = false;
  const textFramingOf = host.transport.messageBoundaries ? undefined : textFraming(host.framer);
  /** Counts the UTF-8 bytes of text, for a transport that takes text (and a framer that frames it). */
  const textBytes = textFramingOf === undefined ? undefined : textWriting(host.transport);

  const enqueue = (message: M | string, unframedSize?: number): void => {
    if (closed) return;
    // The flush is one function per writer: scheduling it makes no closure.
    flushAction ??= deferScheduler.schedule(flush);
    outbox.push(message);
    sizes.push(unframedSize);
  };

  function flush(): void {
    flushAction?.unsubscribe();
    flushAction = undefined;
    const messages = outbox;
    if (messages.length === 0 || closed) return;
    const messageSizes = sizes;
    const taken = waiter;
    outbox = [];
    sizes = [];
    waiter = undefined;
    write(messages, messageSizes, taken);
  }

  const write = (messages: Array<M | string>, messageSizes: Array<number | undefined>, taken: WriteWaiter | undefined): void => {
    const transport = host.transport;
    // A transport holding nothing, or less than at the last look, has passed bytes on: that is
    // progress, whether or not their Promises have settled yet (they never do inside TestScheduler.run).
    look();
    let written: Promise<void>;
    const { framed, total, unframed, text } = frame(messages, messageSizes);
    // All text, to a transport that takes text: one string, encoded by the socket itself.
    if (text !== undefined) written = (transport as unknown as TextWritable).writeText(text);
    else if (framed.length === 1) written = transport.write(framed[0] as Uint8Array);
    else if (!transport.messageBoundaries) written = transport.write(concatBytes(framed, total));
    else written = Promise.all(framed.map((bytes) => transport.write(bytes))).then(() => undefined);
    // Counted when handed over, as the reference counts before its write.
    listener.sent(messages.length, unframed);
    writesPending += 1;
    held = transport.bufferedAmount();
    armWatchdog();
    written.then(
      () => {
        progress();
        taken?.resolve();
      },
      (error: unknown) => {
        progress();
        const failure = stalled ? new TaskTimeout(host.maxSendDelay) : error;
        if (taken) taken.reject(failure);
        else if (host.verbosity >= 1) host.logger.debug(`write failed: ${errorText(failure)}`);
      },
    );
  };

  /**
   * Frames the messages: consecutive text messages as one text, encoded once;
   * when everything is one text and the transport takes text, it stays text.
   */
  const frame = (
    messages: Array<M | string>,
    messageSizes: Array<number | undefined>,
  ): { framed: Uint8Array[]; total: number; unframed: number; text: string | undefined } => {
    const { framer, logger, verbosity } = host;
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
      if (verbosity >= 4) logger.debug(`sending message of ${messageSizes[i] ?? sizeOf(message)} bytes`);
      if (typeof message === 'string' && textFramingOf !== undefined) {
        const text = textFramingOf(message);
        run += text;
        runFraming += text.length - message.length;
        continue;
      }
      endRun();
      const raw = typeof message === 'string' ? (utf8(message) as M) : message;
      const bytes = framer.frame(raw);
      framed.push(bytes);
      total += bytes.length;
      unframed += messageSizes[i] ?? (raw instanceof Uint8Array ? raw.length : bytes.length);
    }
    if (framed.length === 0 && textBytes !== undefined) return { framed, total, unframed: textBytes(run) - runFraming, text: run };
    endRun();
    return { framed, total, unframed, text: undefined };
  };

  const progress = (): void => {
    writesPending -= 1;
    lastProgress = host.scheduler.now();
    held = host.transport.bufferedAmount();
  };

  /**
   * Looks at what the transport holds: nothing, or less than at the last
   * look, is progress, dated now (the transport says nothing in between).
   *
   * @returns what it holds
   */
  const look = (): number => {
    const holding = host.transport.bufferedAmount();
    if (holding === 0 || holding < held) lastProgress = host.scheduler.now();
    held = holding;
    return holding;
  };

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
  const armWatchdog = (): void => {
    if (watchdog !== undefined || closed || writesPending === 0) return;
    // A write the transport passed on at once needs no watching (the common case: no timer per burst).
    if (held === 0) return;
    // Nothing was being watched: the stall begins with this write at the earliest.
    lastProgress = host.scheduler.now();
    scheduleCheck();
  };

  const scheduleCheck = (): void => {
    const scheduler = host.scheduler;
    const due = lastProgress + host.maxSendDelay * 1000;
    watchdog = scheduler.schedule(check, Math.max(0, due - scheduler.now()));
  };

  /** The watchdog's check: abort if no progress since `maxSendDelay` ago, else watch on from the last progress. */
  function check(): void {
    watchdog = undefined;
    if (writesPending === 0 || closed) return;
    // Nothing held by the transport means nothing is blocked (a taken write may still be settling).
    if (look() === 0) return;
    if (host.scheduler.now() - lastProgress >= host.maxSendDelay * 1000) {
      host.logger.warn(`no write progress for ${host.maxSendDelay} secs, aborting the connection`);
      stalled = true;
      host.abort();
      return;
    }
    scheduleCheck();
  }

  return {
    enqueue,
    send(message, unframedSize) {
      if (closed) return Promise.reject(new ConnectionError('connection is closed'));
      enqueue(message, unframedSize);
      if (waiter === undefined) {
        let resolve!: () => void;
        let reject!: (error: unknown) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        waiter = { promise, resolve, reject };
      }
      return waiter.promise;
    },
    flush,
    close() {
      if (closed) return;
      closed = true;
      flushAction?.unsubscribe();
      flushAction = undefined;
      watchdog?.unsubscribe();
      watchdog = undefined;
      outbox = [];
      sizes = [];
      waiter?.reject(new ConnectionError('connection is closed'));
      waiter = undefined;
    },
  };
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
