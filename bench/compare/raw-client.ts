/**
 * The ceiling's client, and the common load generator every server is also
 * measured under (scenario e): plain `node:net`, no library, callbacks only.
 *
 * - `--mode pipelined`: `--conns` connections, each keeping `--outstanding`
 *   requests in flight; when a chunk brings k replies, k new requests go out
 *   in one write.
 * - `--mode latency`: one connection, one request at a time.
 *
 * In both modes every request is timed (`process.hrtime.bigint()`): the
 * requests of one write share its send time, kept in a per-connection ring
 * indexed by request id; the replies of one chunk share its arrival time. So
 * timing costs two clock reads per write/chunk, not per request, and the
 * latencies of replies completed inside the window go to a preallocated
 * {@link LatencySample} (p50, p99).
 * - `--mode idle --conns N`: opens N connections (at most 100 connecting at
 *   once), makes one request on each, prints {"event":"ready"} and then holds
 *   them idle until stdin closes.
 *
 * `--framing newline` (default) speaks newline-delimited JSON; `--framing lsp`
 * speaks `Content-Length:` headers (vscode-jsonrpc's framing), so the same
 * generator can drive the vscode-jsonrpc server too. Every reply is
 * JSON.parse'd and checked to be the echoed text.
 */
import { connect, type Socket } from 'node:net';
import {
  ECHO_TEXT,
  LatencySample,
  exitWhenStdinCloses,
  loadOptions,
  numberFlag,
  nowUs,
  parseFlags,
  printJson,
  runMain,
  sleep,
  stringFlag,
  windowEdge,
  windowResult,
  type WindowEdge,
} from './common';

/** Splits a byte stream into message bodies and wraps bodies for sending. */
interface Framing {
  /** The wire form of one message body. */
  frame(body: string): string;
  /** The message bodies completed by this chunk. */
  push(chunk: Buffer): string[];
}

/** Newline-delimited messages. */
class NewlineFraming implements Framing {
  private rest = '';
  frame(body: string): string {
    return `${body}\n`;
  }
  push(chunk: Buffer): string[] {
    const text = this.rest + chunk.toString('utf8');
    const bodies: string[] = [];
    let begin = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', begin)) {
      if (end > begin) bodies.push(text.slice(begin, end));
      begin = end + 1;
    }
    this.rest = text.slice(begin);
    return bodies;
  }
}

/** `Content-Length: N\r\n\r\n` + N bytes of body (the Language Server Protocol's base framing). */
class ContentLengthFraming implements Framing {
  private rest: Buffer = Buffer.alloc(0);
  frame(body: string): string {
    return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  }
  push(chunk: Buffer): string[] {
    let buffer = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const bodies: string[] = [];
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) break;
      const header = buffer.toString('latin1', 0, headerEnd);
      const match = /content-length:\s*(\d+)/i.exec(header);
      if (!match?.[1]) throw new Error(`no Content-Length in ${JSON.stringify(header)}`);
      const length = Number(match[1]);
      const bodyStart = headerEnd + 4;
      if (buffer.length < bodyStart + length) break;
      bodies.push(buffer.toString('utf8', bodyStart, bodyStart + length));
      buffer = buffer.subarray(bodyStart + length);
    }
    this.rest = buffer;
    return bodies;
  }
}

function makeFraming(name: string): Framing {
  if (name === 'newline') return new NewlineFraming();
  if (name === 'lsp') return new ContentLengthFraming();
  throw new Error(`--framing: newline or lsp, not ${name}`);
}

const TEXT_JSON = JSON.stringify(ECHO_TEXT);

/** Send times are kept for this many ids per connection (a power of two, well above any outstanding count). */
const SENT_RING = 4096;

/** One connection's bookkeeping. */
class Connection {
  private nextId = 1;
  /** When each request went out, µs, at index `id % SENT_RING`. */
  readonly sentAt = new Float64Array(SENT_RING);
  constructor(
    readonly socket: Socket,
    readonly framing: Framing,
  ) {}

  /** `count` echo requests, framed, as one string for one write at `now` (µs). */
  requests(count: number, now: number): string {
    let out = '';
    for (let i = 0; i < count; i++) {
      const id = this.nextId++;
      this.sentAt[id & (SENT_RING - 1)] = now;
      out += this.framing.frame(`{"jsonrpc":"2.0","id":${id},"method":"echo","params":[${TEXT_JSON}]}`);
    }
    return out;
  }
}

/** Counts replies, checking each is the echoed text; times them while `timing`. */
class Tally {
  completed = 0;
  wrong = 0;
  timing = false;
  readonly latencies = new LatencySample();
  /** One reply body, received at `now` (µs) on `c`. */
  check(body: string, c: Connection, now: number): void {
    const reply = JSON.parse(body) as { id?: unknown; result?: unknown };
    if (reply.result !== ECHO_TEXT) this.wrong++;
    this.completed++;
    if (this.timing && typeof reply.id === 'number') this.latencies.record(now - (c.sentAt[reply.id & (SENT_RING - 1)] ?? now));
  }
}

function open(port: number, framingName: string): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(new Connection(socket, makeFraming(framingName)));
    });
  });
}

function closeAll(connections: readonly Connection[]): Promise<void> {
  return Promise.all(
    connections.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.socket.once('close', () => resolve());
          c.socket.end();
        }),
    ),
  ).then(() => undefined);
}

async function pipelined(connections: readonly Connection[], outstanding: number, ramp: number, seconds: number, serverPid: number | null): Promise<void> {
  const tally = new Tally();
  let stopped = false;
  let failure: Error | undefined;
  for (const c of connections) {
    if (outstanding > SENT_RING / 2) throw new Error(`--outstanding: at most ${SENT_RING / 2}`);
    c.socket.on('data', (chunk: Buffer) => {
      const now = nowUs();
      const bodies = c.framing.push(chunk);
      for (const body of bodies) tally.check(body, c, now);
      if (!stopped && bodies.length > 0) c.socket.write(c.requests(bodies.length, nowUs()));
    });
    c.socket.on('error', (error: Error) => (failure ??= error));
    c.socket.on('close', () => {
      if (!stopped) failure ??= new Error('the server closed a connection');
    });
    c.socket.write(c.requests(outstanding, nowUs()));
  }
  await sleep(ramp);
  const start: WindowEdge = windowEdge(tally.completed, serverPid);
  tally.timing = true;
  await sleep(seconds);
  const end: WindowEdge = windowEdge(tally.completed, serverPid);
  tally.timing = false;
  stopped = true;
  if (failure) throw failure;
  printJson({ ...windowResult(start, end, tally.wrong), ...tally.latencies.summary() });
}

async function latency(c: Connection, ramp: number, seconds: number, serverPid: number | null): Promise<void> {
  const tally = new Tally();
  let stopped = false;
  let failure: Error | undefined;
  c.socket.on('data', (chunk: Buffer) => {
    const now = nowUs();
    const bodies = c.framing.push(chunk);
    if (bodies.length === 0) return;
    for (const body of bodies) tally.check(body, c, now);
    if (!stopped) c.socket.write(c.requests(1, nowUs()));
  });
  c.socket.on('error', (error: Error) => (failure ??= error));
  c.socket.write(c.requests(1, nowUs()));
  await sleep(ramp);
  const start = windowEdge(tally.completed, serverPid);
  tally.timing = true;
  await sleep(seconds);
  const end = windowEdge(tally.completed, serverPid);
  tally.timing = false;
  stopped = true;
  if (failure) throw failure;
  printJson({ ...windowResult(start, end, tally.wrong), ...tally.latencies.summary() });
}

/** Opens `count` connections, one request each, then holds them. */
async function idle(port: number, framingName: string, count: number): Promise<void> {
  const started = process.hrtime.bigint();
  const held: Connection[] = [];
  const tally = new Tally();
  let next = 0;
  const opener = async (): Promise<void> => {
    while (next < count) {
      next++;
      const c = await open(port, framingName);
      held.push(c);
      await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer): void => {
          const bodies = c.framing.push(chunk);
          for (const body of bodies) tally.check(body, c, 0);
          if (bodies.length > 0) {
            c.socket.off('data', onData);
            c.socket.off('error', reject);
            resolve();
          }
        };
        c.socket.on('data', onData);
        c.socket.once('error', reject);
        c.socket.write(c.requests(1, 0));
      });
      // Idle from now on: a later reset (the server going away) is not our failure.
      c.socket.on('error', () => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(100, count) }, opener));
  printJson({ event: 'ready', connections: held.length, wrongReplies: tally.wrong, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
  // Held until stdin closes (exitWhenStdinCloses) or we are killed.
  await new Promise<never>(() => undefined);
}

runMain(async () => {
  exitWhenStdinCloses();
  const flags = parseFlags(process.argv.slice(2));
  const framingName = stringFlag(flags, 'framing', 'newline');
  if (stringFlag(flags, 'mode', 'pipelined') === 'idle') {
    await idle(numberFlag(flags, 'port'), framingName, numberFlag(flags, 'conns', 1));
    return;
  }
  const options = loadOptions(flags);
  const connections = await Promise.all(Array.from({ length: options.conns }, () => open(options.port, framingName)));
  if (options.mode === 'latency') {
    const [only] = connections;
    if (!only) throw new Error('no connection');
    await latency(only, options.ramp, options.seconds, options.serverPid);
  } else {
    await pipelined(connections, options.outstanding, options.ramp, options.seconds, options.serverPid);
  }
  await closeAll(connections);
});
