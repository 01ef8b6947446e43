import { Observable, asyncScheduler, type SchedulerLike, type Subscriber } from 'rxjs';
import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import { Fifo, scheduleAfter } from '../tasks/tasksInternals.js';
import { NetAddress } from '../util/NetAddress.js';
import { ConnectError, type ConnectFailure } from './ConnectError.js';

/**
 * The incoming side of a transport: one reader at a time, what arrives
 * while nobody reads (or while reading is paused) kept in a backlog, and the
 * end remembered until a reader comes to hear it. An orderly end waits behind
 * the backlog; an error (a reset) overtakes it, dropping what was not read.
 *
 * The transport keeps the backlog small by stopping reads from its socket
 * whenever {@link wantsData} is false; `onFlowChange` tells it when that
 * may have flipped.
 *
 * Once the connection is gone for good ({@link close}), a paused reader is
 * no longer waited for: nothing it read now could be answered, so its
 * backlog is dropped and it hears the end at once (as after a reset). An
 * absent reader still finds the backlog, then the end, when it comes.
 */
/**
 * What a waiting chunk costs beyond its bytes: a small ArrayBuffer and its
 * view take about this much heap, so a backlog of 1-byte messages is
 * bounded by what it holds, not by its byte count (~100× less).
 */
export const BACKLOG_CHUNK_COST = 128;

export class IncomingChannel {
  readonly observable: Observable<Uint8Array>;
  #reader: Subscriber<Uint8Array> | undefined;
  #backlog = new Fifo<Uint8Array>();
  #backlogCost = 0;
  #paused = false;
  #gone = false;
  #ending: { readonly error: ConnectionError | undefined } | undefined;

  readonly #onFlowChange: () => void;

  constructor(onFlowChange: () => void) {
    this.#onFlowChange = onFlowChange;
    this.observable = new Observable<Uint8Array>((subscriber) => {
      if (this.#reader) {
        subscriber.error(new ConnectionError('a transport has one reader'));
        return undefined;
      }
      this.#reader = subscriber;
      this.#drain();
      if (this.#reader === subscriber) this.#onFlowChange();
      return () => {
        if (this.#reader !== subscriber) return;
        this.#reader = undefined;
        if (!this.#ending) this.#onFlowChange();
      };
    });
  }

  /** True while a reader takes chunks as they come. */
  wantsData(): boolean {
    return this.#reader !== undefined && !this.#paused && !this.#ending;
  }

  /** Memory held by what waits for a reader: its bytes plus {@link BACKLOG_CHUNK_COST} per chunk. */
  backlogSize(): number {
    return this.#backlogCost;
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#onFlowChange();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#drain();
    if (!this.#ending) this.#onFlowChange();
  }

  push(chunk: Uint8Array): void {
    if (this.#ending) return;
    if (this.#reader && !this.#paused && this.#backlog.length === 0) {
      this.#reader.next(chunk);
      return;
    }
    this.#backlog.push(chunk);
    this.#backlogCost += chunk.length + BACKLOG_CHUNK_COST;
  }

  /** Ends the stream: completes after the backlog, or errors with `error` at once. First call wins. */
  end(error?: ConnectionError): void {
    if (this.#ending) return;
    this.#ending = { error };
    if (error) this.#dropBacklog();
    this.#drain();
  }

  /**
   * The connection is gone (the socket closed): ends the stream as {@link end}
   * does, and a reader that is paused now hears the end at once instead of
   * waiting for a resume that may never come (a session paused by its
   * pending requests, then aborted).
   */
  close(error?: ConnectionError): void {
    this.#gone = true;
    this.end(error);
    this.#drain();
  }

  #dropBacklog(): void {
    this.#backlog = new Fifo();
    this.#backlogCost = 0;
  }

  #drain(): void {
    while (this.#reader && !this.#paused && this.#backlog.length > 0) {
      const chunk = this.#backlog.shift() as Uint8Array;
      this.#backlogCost -= chunk.length + BACKLOG_CHUNK_COST;
      this.#reader.next(chunk);
    }
    const reader = this.#reader;
    if (!reader || !this.#ending) return;
    if (this.#paused && this.#gone) this.#dropBacklog();
    if (this.#backlog.length > 0) return;
    const { error } = this.#ending;
    if (!error && this.#paused && !this.#gone) return;
    this.#reader = undefined;
    if (error) reader.error(error);
    else reader.complete();
  }
}

/**
 * Callers waiting for one event (a transport taking more bytes, a write
 * taken, a close done): each `add()` is a Promise, and the event settles
 * them all at once.
 */
export class Waiters {
  #waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];

  add(): Promise<void> {
    return new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  resolveAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const { resolve } of waiters) resolve();
  }

  rejectAll(error: unknown): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const { reject } of waiters) reject(error);
  }
}

/**
 * A socket's view of its peer as a NetAddress: IPv6 brackets stripped,
 * IPv4-mapped IPv6 (`::ffff:127.0.0.1`) shown as the IPv4 address. Undefined
 * when either part is missing or unreadable.
 */
export function toNetAddress(host: string | undefined, port: number | string | undefined): NetAddress | undefined {
  if (!host || port === undefined || port === '' || port === 0) return undefined;
  let text = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(text);
  if (mapped) text = mapped[1]!;
  try {
    return new NetAddress(text, port);
  } catch {
    return undefined;
  }
}

/** The URL without user name and password, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** The address a `ws:`/`wss:` (or `http:`/`https:`) URL points at. */
export function urlNetAddress(url: string): NetAddress | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const secure = parsed.protocol === 'wss:' || parsed.protocol === 'https:';
  return toNetAddress(parsed.hostname, parsed.port || (secure ? 443 : 80));
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
/**
 * Certificate and TLS failures, as Node (OpenSSL) names them: ERR_TLS_*,
 * ERR_SSL_*, CERT_*, UNABLE_TO_* (verification), self-signed certificates
 * and a host name mismatch.
 */
const TLS_CODE = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_)|SELF_SIGNED|^HOSTNAME_MISMATCH$/;

/** The platform error's `code` property, if it has a string one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  return typeof code === 'string' ? code : undefined;
}

/** Classifies a connect failure by its platform error code; `fallback` when the code says nothing. */
export function connectFailureOf(error: unknown, fallback: ConnectFailure = 'network'): ConnectFailure {
  const code = errorCode(error);
  if (code === undefined) return fallback;
  if (code === 'ECONNREFUSED') return 'refused';
  if (DNS_CODES.has(code)) return 'dns';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (code === 'ABORT_ERR') return 'aborted';
  if (TLS_CODE.test(code)) return 'tls';
  return fallback;
}

/** `error.message` for an Error, else its string form. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Close codes a WebSocket peer ends with in order: normal, going away, no status given. */
const ORDERLY_CLOSE_CODES = new Set([1000, 1001, 1005]);

/** The failure a WebSocket close code means, or undefined for an orderly close. */
export function webSocketCloseError(code: number, reason: string): ConnectionError | undefined {
  if (ORDERLY_CLOSE_CODES.has(code)) return undefined;
  return new ConnectionError(`websocket closed abnormally (code ${code}${reason ? `: ${reason}` : ''})`);
}

/** `writeText` methods of transports that take text, with how they count its UTF-8 bytes. */
const textWriters = new WeakMap<object, (text: string) => number>();

/** Called once per transport class that takes text with `writeText(text)`. */
export function defineTextWriting(writeText: object, byteLength: (text: string) => number): void {
  textWriters.set(writeText, byteLength);
}

/** A transport that takes text: its `writeText`. */
export interface TextWritable {
  writeText(text: string): Promise<void>;
}

/**
 * How to count the UTF-8 bytes of text for a transport that takes text
 * itself (a socket: cheaper than encoding first); undefined for one that
 * takes only bytes.
 */
export function textWriting(transport: object): ((text: string) => number) | undefined {
  const writeText = (transport as Partial<TextWritable>).writeText;
  return writeText === undefined ? undefined : textWriters.get(writeText);
}

/** What bounds one connection attempt besides its own outcome. */
export interface AttemptLimits {
  readonly signal?: AbortSignal | undefined;
  /** Seconds; undefined or not finite for no limit. */
  readonly timeout?: number | undefined;
  /** Runs the timeout; `asyncScheduler` by default. */
  readonly scheduler?: SchedulerLike | undefined;
}

/** How the work of an attempt settles it: the first call wins, later ones do nothing. */
export interface Attempt<T> {
  /** Resolves the attempt, and stops its timer and abort listener. */
  succeed(value: T): void;
  /** Abandons the work, then rejects the attempt. */
  fail(error: Error): void;
  /** True once the attempt has an outcome. */
  readonly settled: boolean;
}

/**
 * One connection attempt and its single outcome: the work's own success or
 * failure, the abort signal, or the timeout, whichever comes first. Every
 * way of connecting (TCP, TLS, WebSocket, SOCKS) is one of these, so an
 * abort or timeout ends each the same way: the work abandoned, a
 * `ConnectError` (`aborted` or `timeout`) worded by `phase` as the attempt
 * stands then ("connect to h:p", "TLS handshake with h:p").
 *
 * An already aborted signal rejects before `start` runs, so nothing is
 * dialled. `start` begins the work and returns how to abandon it, which
 * runs once, on the first failure.
 */
export function connectAttempt<T>(
  target: string,
  limits: AttemptLimits,
  phase: () => string,
  start: (attempt: Attempt<T>) => () => void,
): Promise<T> {
  const { signal, timeout } = limits;
  return new Promise<T>((resolve, reject) => {
    const aborted = (): ConnectError => new ConnectError('aborted', target, `${phase()} aborted`, { cause: signal!.reason });
    if (signal?.aborted === true) {
      reject(aborted());
      return;
    }
    let abandon: (() => void) | undefined;
    let failed = false;
    const onAbort = (): void => attempt.fail(aborted());
    const timer =
      timeout === undefined
        ? undefined
        : scheduleAfter(limits.scheduler ?? asyncScheduler, timeout, () =>
            attempt.fail(new ConnectError('timeout', target, `${phase()} timed out after ${timeout}s`)),
          );
    const settle = (): boolean => {
      if (attempt.settled) return false;
      attempt.settled = true;
      timer?.unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const attempt = {
      settled: false,
      succeed: (value: T): void => {
        if (settle()) resolve(value);
      },
      fail: (error: Error): void => {
        if (!settle()) return;
        failed = true;
        abandon?.();
        reject(error);
      },
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      abandon = start(attempt);
    } catch (error) {
      // Invalid arguments (a bad port, a bad URL) are the caller's error, not a failure to connect.
      if (settle()) reject(error);
      return;
    }
    // The work failed before it could say how to abandon it.
    if (failed) abandon();
  });
}
