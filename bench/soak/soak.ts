/**
 * `npm run soak`: a soak benchmark of abuse. One server (soakServer.ts, its
 * own process) for `--seconds` (60), under a mix of well-behaved clients and
 * every abuser issue 13 names — each reconnecting when the server throws it
 * out — while the server's RSS and heap (after GC) are sampled each second
 * and the well-behaved clients' round trips are timed. Prints a table every
 * 5 s and a summary; never a pass/fail verdict on figures (that is what the
 * README's table is for). Loopback only; every loop is bounded by the
 * duration.
 *
 *   npm run soak                     # 60 s
 *   npm run soak -- --seconds 20     # shorter
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect$ } from 'rxrpcx/node';

interface Sample {
  readonly rss: number;
  readonly heap: number;
  readonly buffers: number;
  readonly sessions: number;
}

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] ?? 60) || 60;
const deadline = Date.now() + seconds * 1000;
const running = (): boolean => Date.now() < deadline;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const MB = 1024 * 1024;

/** Counters of what the abusers did and how they were answered. */
const counts: Record<string, number> = {};
const count = (name: string, n = 1): void => void (counts[name] = (counts[name] ?? 0) + n);

/** One raw TCP connection: resolves when it has closed, for any reason. */
function rawConnection(port: number, use: (socket: Socket, closed: () => boolean) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let isClosed = false;
    socket.on('error', () => undefined);
    socket.on('close', () => {
      isClosed = true;
      resolve();
    });
    socket.on('data', () => undefined); // read what the server answers, so it never blocks on us
    socket.once('connect', () => {
      use(socket, () => isClosed || !running())
        .catch(() => undefined)
        .finally(() => socket.destroy());
    });
  });
}

/** Runs `once` again and again until the end, counting rounds as `name`. */
async function loop(name: string, once: () => Promise<void>): Promise<void> {
  while (running()) {
    count(`${name} connections`);
    await once();
    await sleep(10);
  }
}

/** A well-behaved client: one echo at a time, ~50 a second, through connect$. */
async function wellBehaved(port: number, latencies: number[]): Promise<void> {
  const client = connect$(`tcp://127.0.0.1:${port}`, { reconnect: { initialDelay: 0.05, maxDelay: 0.5 } });
  const text = 'x'.repeat(100);
  while (running()) {
    const started = performance.now();
    try {
      await client.sendRequest('echo', [text], { timeout: 10 });
      latencies.push(performance.now() - started);
    } catch {
      count('well-behaved failures');
    }
    await sleep(20);
  }
  await client.close();
}

/** A line dribbled one byte per write, never ended: what the framer holds. */
const dribbler = (port: number) => () =>
  rawConnection(port, async (socket, closed) => {
    while (!closed()) {
      for (let i = 0; i < 16 && !closed(); i++) socket.write('a');
      count('dribbled bytes', 16);
      await sleep(1);
    }
  });

/** One request that never answers, then a flood of answered 1 KiB requests behind it. */
const pinner = (port: number) => () =>
  rawConnection(port, async (socket, closed) => {
    socket.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'hang', id: 0 })}\n`);
    const big = 'y'.repeat(1024);
    let id = 1;
    while (!closed()) {
      let batch = '';
      for (let i = 0; i < 20; i++) batch += `${JSON.stringify({ jsonrpc: '2.0', method: 'echo', params: [big], id: id++ })}\n`;
      if (!socket.write(batch)) await new Promise((resolve) => socket.once('drain', resolve));
      count('pinned requests', 20);
      await sleep(2);
    }
  });

/** Only invalid messages: bad JSON, wrong versions, scalar params, empty batches. */
const invalid = (port: number) => () =>
  rawConnection(port, async (socket, closed) => {
    const lines = ['{bad json', '{"jsonrpc":"1.5","method":"x","id":1}', '{"jsonrpc":"2.0","method":5,"id":2}', '{"jsonrpc":"2.0","method":"x","params":3,"id":3}', '[]'];
    let i = 0;
    while (!closed()) {
      socket.write(`${lines[i++ % lines.length]}\n`);
      count('invalid lines');
      await sleep(1);
    }
  });

/** Subscribes to the pushes, then resets mid-push. */
const leaver = (port: number) => () =>
  rawConnection(port, async (socket) => {
    socket.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'subscribe', id: 0 })}\n`);
    await sleep(50 + Math.random() * 100);
    count('resets mid-push');
    socket.resetAndDestroy();
  });

/** Slowloris: a byte every second, never a newline. */
const slowloris = (port: number) => () =>
  rawConnection(port, async (socket, closed) => {
    while (!closed()) {
      socket.write('z');
      await sleep(1000);
    }
  });

/** Garbage: random bytes, 4 KiB at a time. */
const garbage = (port: number) => () =>
  rawConnection(port, async (socket, closed) => {
    while (!closed()) {
      const chunk = randomBytes(4096);
      if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
      count('garbage KiB', 4);
      await sleep(5);
    }
  });

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const server = spawn(process.execPath, ['--expose-gc', join(__dirname, 'soakServer.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const samples: Sample[] = [];
  let unhandled = 0;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`the soak server exited with ${code}`)));
    createInterface({ input: server.stdout }).on('line', (line) => {
      const value = JSON.parse(line) as Partial<Sample> & { port?: number; unhandledRejection?: string };
      if (value.port !== undefined) resolve(value.port);
      else if (value.unhandledRejection !== undefined) unhandled += 1;
      else samples.push(value as Sample);
    });
  });
  console.log(`soak: ${seconds} s against 127.0.0.1:${port} (server pid ${server.pid})`);
  console.log('  t(s)  RSS(MB)  heap(MB)  buffers(MB)  sessions  good p99(ms)  good calls');

  // The well-behaved clients run in a process of their own, so the abusers' work here does not delay their timings.
  const good = spawn(process.execPath, [__filename, '--role', 'good', '--port', String(port), '--seconds', String(seconds)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const latencies: number[] = [];
  createInterface({ input: good.stdout }).on('line', (line) => {
    const value = JSON.parse(line) as { latencies?: number[]; failures?: number };
    latencies.push(...(value.latencies ?? []));
    if (value.failures) count('well-behaved failures', value.failures);
  });
  const goodDone = new Promise((resolve) => good.once('exit', resolve));
  let reported = 0;
  const report = setInterval(() => {
    const last = samples[samples.length - 1];
    if (last === undefined) return;
    const window = latencies.splice(0);
    reported += window.length;
    const t = Math.round(seconds - (deadline - Date.now()) / 1000);
    console.log(
      `  ${String(t).padStart(4)}  ${(last.rss / MB).toFixed(1).padStart(7)}  ${(last.heap / MB).toFixed(1).padStart(8)}  ${(last.buffers / MB).toFixed(1).padStart(11)}  ${String(last.sessions).padStart(8)}  ${percentile(window, 99).toFixed(1).padStart(12)}  ${String(window.length).padStart(10)}`,
    );
    allLatencies.push(...window);
  }, 5000);
  const allLatencies: number[] = [];

  const tasks: Promise<void>[] = [];
  for (let i = 0; i < 10; i++) tasks.push(loop('dribbler', dribbler(port)));
  for (let i = 0; i < 2; i++) tasks.push(loop('pinner', pinner(port)));
  for (let i = 0; i < 4; i++) tasks.push(loop('invalid', invalid(port)));
  for (let i = 0; i < 20; i++) tasks.push(loop('leaver', leaver(port)));
  for (let i = 0; i < 50; i++) tasks.push(loop('slowloris', slowloris(port)));
  for (let i = 0; i < 2; i++) tasks.push(loop('garbage', garbage(port)));
  await Promise.all(tasks);
  await goodDone;
  clearInterval(report);
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));

  const rss = samples.map((s) => s.rss / MB);
  const half = Math.floor(rss.length / 2);
  const firstHalfMax = Math.max(...rss.slice(0, half));
  const secondHalfMax = Math.max(...rss.slice(half));
  console.log('');
  console.log(`RSS: first half max ${firstHalfMax.toFixed(1)} MB, second half max ${secondHalfMax.toFixed(1)} MB, last ${rss[rss.length - 1]!.toFixed(1)} MB`);
  console.log(`heap after GC: max ${Math.max(...samples.map((s) => s.heap / MB)).toFixed(1)} MB, last ${(samples[samples.length - 1]!.heap / MB).toFixed(1)} MB`);
  console.log(`well-behaved: ${reported} calls, p50 ${percentile(allLatencies, 50).toFixed(2)} ms, p99 ${percentile(allLatencies, 99).toFixed(2)} ms, failures ${counts['well-behaved failures'] ?? 0}`);
  console.log(`server unhandled rejections: ${unhandled}`);
  console.log(`abusers: ${Object.entries(counts).filter(([name]) => !name.startsWith('well')).map(([name, n]) => `${name} ${n}`).join(', ')}`);
}

/** The well-behaved side: 20 clients, reporting their round trips every second. */
async function goodClients(port: number): Promise<void> {
  const latencies: number[] = [];
  const flush = setInterval(() => {
    process.stdout.write(`${JSON.stringify({ latencies: latencies.splice(0), failures: counts['well-behaved failures'] ?? 0 })}\n`);
    counts['well-behaved failures'] = 0;
  }, 1000);
  await Promise.all(Array.from({ length: 20 }, () => wellBehaved(port, latencies)));
  clearInterval(flush);
  process.stdout.write(`${JSON.stringify({ latencies, failures: counts['well-behaved failures'] ?? 0 })}\n`);
}

const role = args.includes('--role') ? args[args.indexOf('--role') + 1] : 'driver';
const run = role === 'good' ? goodClients(Number(args[args.indexOf('--port') + 1])) : main();
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
