/**
 * What a client puts on the wire: an rxrpcx client and an aiorpcX client run
 * the same calls against a recording server (plain node:net or ws, no
 * library in between), which also sends each client a request, an unknown
 * method, a notification and a garbage line. The messages each client writes
 * — requests, notifications, batches, and its replies to the server — must be
 * the same JSON with the same key order, the same ids, and (over WebSocket)
 * the same frame types.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeJSONMessage } from '../../lib/jsonrpc/jsonrpcInternals';
import { PythonPeer } from './helpers/PythonPeer';
import { RxPeer } from './helpers/RxPeer';
import type { Outcome, Peer, ProtocolName, Wire } from './helpers/Peer';

let py: PythonPeer;
let rx: RxPeer;

beforeAll(async () => {
  rx = new RxPeer();
  py = await PythonPeer.start();
});

afterAll(async () => {
  await rx?.shutdown();
  await py?.shutdown();
});

/** Parsed JSON with objects as ordered entry lists, so key order is compared too. */
function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value === 'object' && value !== null) return { entries: Object.entries(value).map(([k, v]) => [k, ordered(v)]) };
  return value;
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

interface Connection {
  send(text: string): void;
  onMessage(handler: (bytes: Buffer, binary: boolean) => void): void;
  close(): void;
}

interface Recorder {
  readonly port: number;
  /** What the client sent, in order: parsed JSON (ordered), and over ws whether the frame was binary. */
  readonly received: unknown[];
  stop(): Promise<void>;
}

/**
 * A server that records every message and answers requests the way the
 * connection's protocol would (1.0 form for a client that wrote 1.0). On the
 * request "trigger" it first sends the client a request, an unknown method, a
 * notification and a garbage line, and answers "trigger" once the client has
 * replied to the three that call for a reply.
 */
async function recorder(wire: Wire): Promise<Recorder> {
  const received: unknown[] = [];
  const serve = (connection: Connection): void => {
    const waiting = new Map<unknown, () => void>();
    let v1 = false;
    const respond = (id: unknown, result: unknown): string =>
      JSON.stringify(v1 ? { result, error: null, id } : { jsonrpc: '2.0', result, id });
    connection.onMessage((bytes, binary) => {
      const decoded = decodeJSONMessage(bytes);
      const message = decoded.ok ? decoded.value : { undecodable: bytes.toString('hex') };
      const first: unknown = Array.isArray(message) ? message[0] : message;
      const kind = isRecord(first) && 'method' in first ? 'call' : 'reply';
      received.push({ kind, ...(wire === 'ws' ? { binary } : {}), message: ordered(message) });
      const members = Array.isArray(message) ? message : [message];
      const replies: string[] = [];
      for (const member of members) {
        if (!isRecord(member)) continue;
        if (!('method' in member)) {
          // The client's reply to one of our requests (or to our garbage, id null).
          waiting.get(member.id)?.();
          waiting.delete(member.id);
          continue;
        }
        if (!('jsonrpc' in member) && 'params' in member && 'id' in member) v1 = true;
        if (member.id === undefined || (v1 && member.id === null)) continue;
        if (member.method === 'trigger') {
          const answered = ['s1', 's2', null].map((id) => new Promise<void>((resolve) => waiting.set(id, resolve)));
          const request = (method: string, params: unknown, id: unknown): string =>
            JSON.stringify(v1 ? { method, params, id } : { jsonrpc: '2.0', method, params, id });
          connection.send(request('echo', ['to the client, ünïcödé'], 's1'));
          connection.send(request('nope', [], 's2'));
          connection.send(request('note', ['pushed'], null).replace(',"id":null', v1 ? ',"id":null' : ''));
          connection.send('this is not JSON');
          void Promise.all(answered).then(() => connection.send(respond(member.id, 'triggered')));
          continue;
        }
        replies.push(respond(member.id, member.method));
      }
      if (replies.length === 0) return;
      connection.send(Array.isArray(message) ? `[${replies.join(',')}]` : replies[0]!);
    });
  };

  if (wire === 'tcp') {
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
      let pending: Buffer[] = [];
      let handler: (bytes: Buffer, binary: boolean) => void = () => undefined;
      socket.on('data', (chunk: Buffer) => {
        let start = 0;
        for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
          pending.push(chunk.subarray(start, newline));
          const line = Buffer.concat(pending);
          pending = [];
          start = newline + 1;
          handler(line, false);
        }
        if (start < chunk.length) pending.push(chunk.subarray(start));
      });
      serve({
        send: (text) => socket.write(`${text}\n`),
        onMessage: (h) => (handler = h),
        close: () => socket.destroy(),
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as { port: number }).port,
      received,
      stop: async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket: WebSocket) => {
    socket.on('error', () => undefined);
    serve({
      send: (text) => socket.send(text),
      onMessage: (h) => socket.on('message', (data, binary) => h(Buffer.from(data as Buffer), binary)),
      close: () => socket.terminate(),
    });
  });
  return {
    port: (server.address() as { port: number }).port,
    received,
    stop: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The same calls from either client; returns what reached the wire and what the calls gave. */
async function record(client: Peer, wire: Wire, protocol: ProtocolName): Promise<{ wire: unknown[]; outcomes: Outcome[] }> {
  const server = await recorder(wire);
  try {
    const c = await client.connect(wire, server.port, { protocol });
    const outcomes: Outcome[] = [];
    outcomes.push(await client.request(c, 'ping'));
    outcomes.push(await client.request(c, 'echo', ['x', 1, null]));
    outcomes.push(await client.request(c, 'add', { a: 1, b: 2 }));
    outcomes.push(await client.request(c, 'empty', {}));
    outcomes.push(await client.notify(c, 'note', []));
    outcomes.push(await client.notify(c, 'note', {}));
    outcomes.push(await client.notify(c, 'note', [1, 'two']));
    outcomes.push(await client.batch(c, [{ method: 'add', args: [1, 2] }, { method: 'note', notification: true }, { method: 'ping' }]));
    outcomes.push(await client.request(c, 'echo', ['é日🎉 \u2028 "quoted" \\']));
    outcomes.push(await client.request(c, 'trigger'));
    outcomes.push(await client.request(c, 'ping'));
    await client.close(c);
    return { wire: server.received, outcomes };
  } finally {
    await server.stop();
  }
}

const CASES = (['tcp', 'ws'] as const).flatMap((wire) => (['v2', 'v1', 'loose', 'auto'] as const).map((protocol) => [wire, protocol] as const));

test.each(CASES)('over %s, a %s client writes what the reference writes', async (wire, protocol) => {
  const reference = await record(py, wire, protocol);
  const ours = await record(rx, wire, protocol);
  // Requests, notifications and batches in the order written (ids count up);
  // the client's replies to the server as a set, as replies to separate
  // messages may go in any order. (The reference answers the garbage line
  // before the requests sent just before it: its parse-error reply goes out
  // from its read loop, the others from tasks that run after it.)
  const calls = (recorded: unknown[]): unknown[] => recorded.filter((entry) => (entry as { kind: string }).kind === 'call');
  const replies = (recorded: unknown[]): string[] =>
    recorded.filter((entry) => (entry as { kind: string }).kind === 'reply').map((entry) => JSON.stringify(entry)).sort();
  expect(calls(ours.wire)).toEqual(calls(reference.wire));
  expect(replies(ours.wire)).toEqual(replies(reference.wire));
  expect(ours.outcomes).toEqual(reference.outcomes);
  // The script reached the wire: ids from 0, the trigger round trip answered.
  expect(reference.outcomes.at(-2)).toEqual({ result: 'triggered' });
  expect(reference.wire.length).toBeGreaterThan(8);
});
