/**
 * Framing throughput: how fast each framer's `messages()` operator turns a
 * byte stream into messages, for chunks as a socket delivers them (64 KiB),
 * for a message per chunk, for tiny chunks (every frame split), for a byte
 * per chunk (a dribbling peer), and for `frame()`.
 *
 * Run after a build: `npm run build && npx tsc -p tsconfig.bench.json &&
 * node dist-bench/framing.bench.js` (or through `bench/run.ts`, which can call
 * `runFramingBench`).
 */
import { from } from 'rxjs';
import { BitcoinFramer, ContentLengthFramer, NewlineFramer, type BinaryMessage, type FramerBase } from 'rxrpcx';

/** One measurement. */
export interface FramingBenchResult {
  readonly name: string;
  readonly messages: number;
  readonly megabytesPerSecond: number;
  readonly messagesPerSecond: number;
}

function split(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
  return chunks;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function time(run: () => number): { ms: number; count: number } {
  run(); // warm up
  const start = performance.now();
  let count = 0;
  let rounds = 0;
  do {
    count += run();
    rounds += 1;
  } while (performance.now() - start < 500 || rounds < 3);
  return { ms: (performance.now() - start) / rounds, count: count / rounds };
}

function measureUnframe<M>(name: string, framer: FramerBase<M>, stream: Uint8Array, chunkSize: number): FramingBenchResult {
  return measureChunks(name, framer, split(stream, chunkSize));
}

function measureChunks<M>(name: string, framer: FramerBase<M>, chunks: readonly Uint8Array[]): FramingBenchResult {
  const stream = { length: chunks.reduce((n, chunk) => n + chunk.length, 0) };
  const { ms, count } = time(() => {
    let n = 0;
    from(chunks)
      .pipe(framer.messages())
      .subscribe(() => (n += 1));
    return n;
  });
  return { name, messages: count, megabytesPerSecond: stream.length / 1e6 / (ms / 1000), messagesPerSecond: count / (ms / 1000) };
}

function measureFrame<M>(name: string, framer: FramerBase<M>, messages: readonly M[]): FramingBenchResult {
  let bytes = 0;
  const { ms, count } = time(() => {
    bytes = 0;
    for (const message of messages) bytes += framer.frame(message).length;
    return messages.length;
  });
  return { name, messages: count, megabytesPerSecond: bytes / 1e6 / (ms / 1000), messagesPerSecond: count / (ms / 1000) };
}

/** Runs every framing measurement and returns the results. */
export function runFramingBench(): FramingBenchResult[] {
  const text = new TextEncoder().encode(`{"jsonrpc":"2.0","id":1,"method":"blockchain.scripthash.get_history","params":["${'ab'.repeat(32)}"]}`);
  const lines = Array.from({ length: 20_000 }, () => text);
  const newline = new NewlineFramer();
  const newlineStream = concat(lines.map((m) => newline.frame(m)));
  const contentLength = new ContentLengthFramer();
  const contentLengthStream = concat(lines.map((m) => contentLength.frame(m)));
  const bitcoin = new BitcoinFramer();
  const binary: BinaryMessage[] = Array.from({ length: 5_000 }, (_, i) => ({ command: 'tx', payload: new Uint8Array(250 + (i % 50)) }));
  const bitcoinStream = concat(binary.map((m) => bitcoin.frame(m)));
  const block = bitcoin.frame({ command: 'block', payload: new Uint8Array(16_000_000) });

  // Dribbled: every byte its own chunk (a smaller stream: a chunk per byte is slow by nature).
  const few = 1_000;
  const newlineFew = concat(lines.slice(0, few).map((m) => newline.frame(m)));
  const contentLengthFew = concat(lines.slice(0, few).map((m) => contentLength.frame(m)));
  const bitcoinFew = concat(binary.slice(0, few).map((m) => bitcoin.frame(m)));

  return [
    measureChunks('newline, a message per chunk', newline, lines.map((m) => newline.frame(m))),
    measureChunks('content-length, a message per chunk', contentLength, lines.map((m) => contentLength.frame(m))),
    measureChunks('bitcoin 300-byte tx, a message per chunk', bitcoin, binary.map((m) => bitcoin.frame(m))),
    measureUnframe('newline, 1-byte chunks', newline, newlineFew, 1),
    measureUnframe('content-length, 1-byte chunks', contentLength, contentLengthFew, 1),
    measureUnframe('bitcoin 300-byte tx, 1-byte chunks', bitcoin, bitcoinFew, 1),
    measureUnframe('newline, 64 KiB chunks', newline, newlineStream, 65536),
    measureUnframe('newline, 7-byte chunks', newline, newlineStream, 7),
    measureUnframe('content-length, 64 KiB chunks', contentLength, contentLengthStream, 65536),
    measureUnframe('content-length, 7-byte chunks', contentLength, contentLengthStream, 7),
    measureUnframe('bitcoin 300-byte tx, 64 KiB chunks', bitcoin, bitcoinStream, 65536),
    measureUnframe('bitcoin 16 MB block, 64 KiB chunks', bitcoin, block, 65536),
    measureFrame('newline frame()', newline, lines),
    measureFrame('bitcoin frame() (double SHA-256)', bitcoin, binary),
  ];
}

if (require.main === module) {
  for (const r of runFramingBench()) {
    console.log(
      `${r.name.padEnd(38)} ${r.megabytesPerSecond.toFixed(1).padStart(8)} MB/s ${Math.round(r.messagesPerSecond).toLocaleString('en-US').padStart(12)} msg/s`,
    );
  }
}
