/**
 * Session throughput: request/reply round trips through the whole hot path
 * (bytes → frames → JSON → dispatch → reply → write), over the in-memory pair
 * and over TCP on loopback. Bounded: a fixed number of requests per run.
 *
 * Also the memory an idle session pair costs. Run with `npm run bench` (or,
 * after a build, `node --expose-gc dist-bench/sessions.bench.js`). Profile with
 * `node --cpu-prof dist-bench/sessions.bench.js`.
 */
import { RPCSession, memoryTransportPair } from 'rxrpcx';
import { connectRs, serveRs } from 'rxrpcx/node';

/** One measurement. */
export interface SessionBenchResult {
  readonly name: string;
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** Heap retained after the run and a GC (needs --expose-gc). */
  readonly heapDeltaMB: number;
}

const REQUESTS = 20_000;
const IN_FLIGHT = 200;

async function drive(client: RPCSession, total: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const n = next++;
      const reply = await client.sendRequest<number>('echo', [n, 'some text to carry']);
      if (reply !== n) throw new Error(`wrong reply ${String(reply)} for ${n}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

async function measure(name: string, client: RPCSession): Promise<SessionBenchResult> {
  await drive(client, 2_000); // warm up
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  await drive(client, REQUESTS);
  const seconds = (performance.now() - start) / 1000;
  // What the run left behind once garbage is collected: it should be ~0.
  await new Promise((resolve) => setImmediate(resolve));
  global.gc?.();
  const heapDeltaMB = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
  return { name, requests: REQUESTS, requestsPerSecond: Math.round(REQUESTS / seconds), heapDeltaMB: Number(heapDeltaMB.toFixed(1)) };
}

const handlers = { echo: (n: number) => n };

/** Runs every session benchmark once. */
export async function runSessionBench(): Promise<SessionBenchResult[]> {
  const results: SessionBenchResult[] = [];

  const [clientEnd, serverEnd] = memoryTransportPair();
  new RPCSession(serverEnd, { handlers, initialConcurrent: IN_FLIGHT });
  const memoryClient = new RPCSession(clientEnd, { initialOutgoingConcurrent: IN_FLIGHT });
  results.push(await measure('in-memory pair', memoryClient));
  await memoryClient.close();

  const server = await serveRs((t, o) => new RPCSession(t, { ...o, handlers, initialConcurrent: IN_FLIGHT }), '127.0.0.1', 0);
  const tcpClient = await connectRs('127.0.0.1', server.address.port, {
    sessionFactory: (t, o) => new RPCSession(t, { ...o, initialOutgoingConcurrent: IN_FLIGHT }),
  });
  results.push(await measure('TCP loopback', tcpClient));
  await tcpClient.close();
  await server.close({ closeSessions: true });
  return results;
}

/** One memory measurement. */
export interface SessionMemoryResult {
  readonly name: string;
  readonly pairs: number;
  readonly kilobytesPerPair: number;
}

/** The heap an idle client/server session pair over the in-memory transport holds. */
export async function runSessionMemoryBench(pairs = 2_000): Promise<SessionMemoryResult> {
  const settle = async (): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve));
    global.gc?.();
  };
  await settle();
  const before = process.memoryUsage().heapUsed;
  const sessions: RPCSession[] = [];
  for (let i = 0; i < pairs; i++) {
    const [clientEnd, serverEnd] = memoryTransportPair();
    sessions.push(new RPCSession(serverEnd, { handlers }), new RPCSession(clientEnd));
  }
  await settle();
  const perPair = (process.memoryUsage().heapUsed - before) / pairs / 1024;
  await Promise.all(sessions.filter((_, i) => i % 2 === 1).map((client) => client.close()));
  return { name: 'idle RPCSession pair (in-memory)', pairs, kilobytesPerPair: Number(perPair.toFixed(1)) };
}

if (require.main === module) {
  runSessionBench().then(
    async (results) => {
      console.table(results);
      console.table([await runSessionMemoryBench()]);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
