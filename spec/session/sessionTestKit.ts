/**
 * The session test kit: sessions over an in-memory pair, made inside
 * `TestScheduler.run`, where everything a session does later — the start of
 * reading, each flush of writes, the transport's deliveries, every timeout
 * and cost sleep — runs in virtual time. Promises do not (they settle in
 * microtasks, after the run): marble specs use handlers that return values
 * or Observables, and the Observable API (`request`, not `sendRequest`).
 */
import { Observable, ReplaySubject, Subject, catchError, map, throwError, timer, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  MessageSession,
  NewlineFramer,
  RPCSession,
  memoryTransportPair,
  type MemoryTransport,
  type MemoryTransportOptions,
  type BinaryMessage,
  type MessageSessionConfig,
  type RPCSessionConfig,
  type SessionLogger,
} from 'rxrpcx';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A TestScheduler comparing with `toEqual` (errors by their own fields). */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** What `TestScheduler.run` hands its callback: `cold`, `hot`, `expectObservable`, `flush`, … */
export type RunHelpers = Parameters<Parameters<TestScheduler['run']>[0]>[0];

/** A logger that keeps its lines as `level: message`. */
export function capturingLogger(): SessionLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A JSON-RPC 2.0 request line. */
export function req(id: number, method: string, params: unknown[] = []): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params, id });
}

/** A JSON-RPC 2.0 notification line. */
export function note(method: string, params: unknown[] = []): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params });
}

/** A batch of request and notification lines, as one line. */
export function batch(...items: string[]): string {
  return `[${items.join(',')}]`;
}

/** Several lines in one write (one chunk), for `RawPeer.send`: the framer takes them out together. */
export function lines(...texts: string[]): string {
  return texts.join('\n');
}

/** The JSON-RPC 2.0 reply carrying `result`. */
export function ok(id: number, result: unknown): object {
  return { jsonrpc: '2.0', result, id };
}

/** The JSON-RPC 2.0 error reply. */
export function err(id: number | null, code: number, message: string): object {
  return { jsonrpc: '2.0', error: { code, message }, id };
}

/** Both ends of a session pair. */
export interface Pair<S> {
  readonly client: S;
  readonly server: S;
  readonly clientEnd: MemoryTransport;
  readonly serverEnd: MemoryTransport;
}

/** A client and a server RPCSession over a memory pair. */
export function pair(
  serverConfig: RPCSessionConfig = {},
  clientConfig: RPCSessionConfig = {},
  transport: MemoryTransportOptions = {},
): Pair<RPCSession> {
  const [clientEnd, serverEnd] = memoryTransportPair(transport);
  return { client: new RPCSession(clientEnd, clientConfig), server: new RPCSession(serverEnd, serverConfig), clientEnd, serverEnd };
}

/** Two MessageSessions over a memory pair. */
export function messagePair(
  serverConfig: MessageSessionConfig = {},
  clientConfig: MessageSessionConfig = {},
): Pair<MessageSession> {
  const [clientEnd, serverEnd] = memoryTransportPair();
  return {
    client: new MessageSession(clientEnd, clientConfig),
    server: new MessageSession(serverEnd, serverConfig),
    clientEnd,
    serverEnd,
  };
}

/** Sends each message `messages$` emits from `session` (a write refused by a closing connection is ignored). */
export function sendMessages(session: MessageSession, messages$: Observable<BinaryMessage>): Subscription {
  return messages$.subscribe((message) => void session.sendMessage(message).catch(() => undefined));
}

/** A server session and the peer as raw newline-framed JSON. */
export interface RawPeer {
  readonly server: RPCSession;
  readonly peerEnd: MemoryTransport;
  readonly serverEnd: MemoryTransport;
  /** Every line the server wrote, parsed, replayed to each subscriber; completes when the server hangs up. */
  readonly replies$: Observable<unknown>;
  /** Every write the server made, as the number of messages it held, replayed. */
  readonly writes$: Observable<number>;
  /** Writes each line `lines$` emits (a string as it is, anything else as JSON). */
  send(lines$: Observable<unknown>): Subscription;
}

/** A server RPCSession whose peer is raw bytes: what a misbehaving client sends, and what it reads back. */
export function rawPeer(config: RPCSessionConfig = {}, transport: MemoryTransportOptions = {}): RawPeer {
  const [peerEnd, serverEnd] = memoryTransportPair(transport);
  const server = new RPCSession(serverEnd, config);
  const chunks = new ReplaySubject<Uint8Array>();
  peerEnd.incoming.subscribe({ next: (chunk) => chunks.next(chunk), error: () => chunks.complete(), complete: () => chunks.complete() });
  const replies$ = chunks.pipe(
    new NewlineFramer().messages(),
    map((line) => JSON.parse(decoder.decode(line)) as unknown),
  );
  const writes$ = chunks.pipe(map((chunk) => decoder.decode(chunk).split('\n').length - 1));
  const send = (lines$: Observable<unknown>): Subscription =>
    lines$.subscribe((line) => {
      const text = typeof line === 'string' ? line : JSON.stringify(line);
      peerEnd.write(encoder.encode(`${text}\n`)).catch(() => undefined);
    });
  return { server, peerEnd, serverEnd, replies$, writes$, send };
}

/** Runs `action` after `ms` on the default async scheduler: inside a run, at frame `ms`. */
export function at(ms: number, action: () => void): Subscription {
  return timer(ms).subscribe(() => action());
}

/**
 * Reads the session's state at each value of `ticks$`: a marble
 * (`cold('-a 9ms b')`) says when, and `expectObservable` what it was then.
 */
export function probe<T>(ticks$: Observable<unknown>, read: () => T): Observable<T> {
  return ticks$.pipe(map(() => read()));
}

/**
 * The transport's `pauseReading` ('p') and `resumeReading` ('r') calls, as
 * they happen (the calls still go through): a session's read backpressure
 * as a marble.
 */
export function readingCalls(transport: MemoryTransport): Observable<'p' | 'r'> {
  const calls = new Subject<'p' | 'r'>();
  const pause = transport.pauseReading.bind(transport);
  const resume = transport.resumeReading.bind(transport);
  transport.pauseReading = () => {
    calls.next('p');
    pause();
  };
  transport.resumeReading = () => {
    calls.next('r');
    resume();
  };
  return calls.asObservable();
}

/** What a test compares of an error: its name and its stable code. */
export interface ErrorFields {
  readonly name: string;
  readonly code: unknown;
}

/** An error as its name and code, so a marble can compare it without message text. */
export function errorFields(error: unknown): ErrorFields {
  const { name, code } = error as { name?: unknown; code?: unknown };
  return { name: String(name), code };
}

/** Rethrows the source's error as its {@link errorFields}: `expectObservable(x$.pipe(asErrorFields())).toBe('-#', undefined, { name, code })`. */
export function asErrorFields<T>(): MonoTypeOperatorFunction<T> {
  return catchError((error: unknown) => throwError(() => errorFields(error)));
}

/**
 * Every write made on `transport` from now on, as the number of newline-framed
 * messages it held, at the frame it was made (a spy on `transport.write`).
 */
export function writesOf(transport: MemoryTransport): Observable<number> {
  const writes = new ReplaySubject<number>();
  const write = transport.write.bind(transport);
  jest.spyOn(transport, 'write').mockImplementation((bytes: Uint8Array) => {
    writes.next(decoder.decode(bytes).split('\n').length - 1);
    return write(bytes);
  });
  return writes;
}

/**
 * At each emission of `at$`, how many actions `scheduler` still holds
 * (timers, deliveries, marbles not yet run): 0 once a session has torn
 * everything down and `at$` is the last thing scheduled.
 */
export function pendingActions(scheduler: TestScheduler, at$: Observable<unknown>): Observable<number> {
  return at$.pipe(map(() => scheduler.actions.length));
}
