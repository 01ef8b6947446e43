/**
 * One request that is never answered, then many answered ones over a memory
 * pair: prints how much heap plus ArrayBuffers grew after GC, and how many of
 * the answered requests' objects are still reachable on each side (weakly
 * referenced, one request in 20: the params the server's handler saw, the
 * params the client sent, and the results the client got). Arguments: the
 * count of answered requests, then `no-hang` to leave the unanswered one out.
 */
import { RPCSession } from '../../../lib/session/RPCSession';
import { memoryTransportPair } from '../../../lib/transport/memoryTransportPair';
import { heldMemory } from './heap';

interface Payload {
  readonly data: string;
}

const count = Number(process.argv[2] ?? '20000');
const hang = process.argv[3] !== 'no-hang';
const serverSaw: Array<WeakRef<object>> = [];
const clientSent: Array<WeakRef<object>> = [];
const clientGot: Array<WeakRef<object>> = [];
let recording = false;
/** One request in this many is watched: the WeakRefs themselves must not be what the heap grows by. */
const SAMPLE = 20;
let sequence = 0;

const [clientEnd, serverEnd] = memoryTransportPair();
const limits = { costSoftLimit: 1e12, costHardLimit: 0 };
const server = new RPCSession(serverEnd, {
  ...limits,
  handlers: {
    hang: () => new Promise<never>(() => undefined),
    // Async: the request holds a processing deadline until it is answered.
    echo: async (payload: Payload) => {
      if (recording && payload.data.startsWith('w')) serverSaw.push(new WeakRef(payload));
      return { data: payload.data };
    },
  },
});
const client = new RPCSession(clientEnd, limits);

async function exchange(n: number): Promise<void> {
  for (let done = 0; done < n; ) {
    const round = Math.min(40, n - done);
    await Promise.all(
      Array.from({ length: round }, async () => {
        const watched = recording && sequence++ % SAMPLE === 0;
        const params = { data: (watched ? 'w' : 'x').repeat(1024) };
        if (watched) clientSent.push(new WeakRef(params));
        const result = (await client.sendRequest('echo', [params])) as object;
        if (watched) clientGot.push(new WeakRef(result));
      }),
    );
    done += round;
  }
}

const alive = (refs: ReadonlyArray<WeakRef<object>>): number => refs.filter((ref) => ref.deref() !== undefined).length;

async function main(): Promise<void> {
  // The one request nobody answers: it holds a deadline in each session's queue.
  const hanging = hang ? client.sendRequest('hang', []).catch(() => undefined) : undefined;
  await exchange(1000); // warm up
  const before = heldMemory();
  recording = true;
  await exchange(count);
  recording = false;
  // Let the last writes and finalizers run.
  await new Promise((resolve) => setImmediate(resolve));
  const after = heldMemory();
  void server;
  console.log(
    JSON.stringify({
      count,
      watched: clientSent.length,
      grown: after - before,
      serverParamsAlive: alive(serverSaw),
      clientParamsAlive: alive(clientSent),
      clientResultsAlive: alive(clientGot),
    }),
  );
  void hanging;
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
