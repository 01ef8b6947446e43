/**
 * Sessions against the reference, both directions, TCP and WebSocket.
 *
 * Every scenario runs in three pairings — an rxrpcx client with an aiorpcX
 * server, an aiorpcX client with an rxrpcx server, and aiorpcX with itself —
 * so each expectation below is shown to be the reference's own behaviour and
 * met by rxrpcx on either side. The peers answer the same methods
 * (`peers/peer.py`, `helpers/RxPeer.ts`).
 */
import { PythonPeer } from './helpers/PythonPeer';
import { RxPeer } from './helpers/RxPeer';
import type { Outcome, Peer, Wire } from './helpers/Peer';

type Kind = 'rx' | 'py';
const PAIRINGS: ReadonlyArray<readonly [client: Kind, server: Kind]> = [
  ['rx', 'py'],
  ['py', 'rx'],
  ['py', 'py'],
];
const WIRES: readonly Wire[] = ['tcp', 'ws'];
const CASES = WIRES.flatMap((wire) => PAIRINGS.map(([client, server]) => [client, server, wire] as const));

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

const peer = (kind: Kind): Peer => (kind === 'rx' ? rx : py);
const err = (code: number, message: string): Outcome => ({ error: { code, message } });
const ok = (result: unknown): Outcome => ({ result });

const UNICODE = [
  'é',
  'naïve café, Straße, ñandú',
  '日本語のテキスト',
  '🎉🚀 astral 𝄞',
  'controls \u0000 \u0001 \u001f, separators \u2028 \u2029',
  '"quotes", \\backslash\\ and /slash/',
  '\ud800 a lone surrogate',
  '\ufeff byte-order mark inside',
];

describe.each(CASES)('%s client, %s server, over %s', (clientKind, serverKind, wire) => {
  let client: Peer;
  let server: Peer;
  let serverName: string;
  let port: number;

  beforeAll(async () => {
    client = peer(clientKind);
    server = peer(serverKind);
    ({ server: serverName, port } = await server.serve(wire, { protocol: 'auto' }));
  });

  afterAll(async () => {
    if (server && serverName) await server.stop(serverName);
  });

  /** A fresh connection: the client's session and the server's. */
  async function open(): Promise<{ c: string; s: string }> {
    const c = await client.connect(wire, port, { protocol: 'v2' });
    const who = await client.request(c, 'whoami');
    if (!('result' in who) || typeof who.result !== 'string') throw new Error(`whoami failed: ${JSON.stringify(who)}`);
    return { c, s: who.result };
  }

  test('requests: results, argument checks and error replies', async () => {
    const { c } = await open();
    const values = [null, true, false, 0, -1.5, 1e-7, 2 ** 53 - 1, 'text', '', [], [1, [2, [3]]], {}, { a: { b: [null] } }];
    const calls: Array<[string, unknown, Outcome]> = [
      ['ping', [], ok('pong')],
      ...values.map((value): [string, unknown, Outcome] => ['echo', [value], ok(value)]),
      ['add', [2, 3], ok(5)],
      ['add', { a: 2, b: 3 }, ok(5)],
      ['add', { b: 3, a: 2 }, ok(5)],
      ['sum', [], ok(0)],
      ['sum', [1, 2, 3.5], ok(6.5)],
      ['echo', [], err(-32602, '0 arguments passed to method "echo" but it requires 1')],
      ['echo', [1, 2], err(-32602, '2 arguments passed to method echo taking at most 1')],
      ['add', { a: 1 }, err(-32602, 'method "add" requires parameter "b"')],
      ['add', { a: 1, b: 2, c: 3, d: 4 }, err(-32602, 'method "add" does not take parameters "c", "d"')],
      ['sum', { x: 1 }, err(-32602, 'method "sum" does not take parameter "x"')],
      ['nope', [], err(-32601, 'unknown method "nope"')],
      ['fail', [-1, 'custom failure'], err(-1, 'custom failure')],
      ['fail', [0, ''], err(0, '')],
      ['crash', [], err(-32603, 'internal server error')],
    ];
    for (const [method, args, expected] of calls) {
      expect([method, args, await client.request(c, method, args)]).toEqual([method, args, expected]);
    }
    await client.close(c);
  });

  test('notifications, both ways', async () => {
    const { c, s } = await open();
    expect(await client.notify(c, 'note', [1, 'a'])).toEqual(ok(null));
    expect(await client.notify(c, 'note', { k: 'v' })).toEqual(ok(null));
    expect(await client.notify(c, 'unhandled', [])).toEqual(ok(null));
    // A request after them is answered after they have been taken.
    expect(await client.request(c, 'ping')).toEqual(ok('pong'));
    expect((await server.state(s)).notifications).toEqual([
      ['note', [1, 'a']],
      ['note', { k: 'v' }],
      ['unhandled', []],
    ]);
    // Server → client: one sent while answering a request, one unsolicited.
    expect(await client.request(c, 'notify_back', ['note', ['while answering']])).toEqual(ok(true));
    await client.events.waitFor({ event: 'notification', session: c, method: 'note' });
    expect(await server.notify(s, 'note', { pushed: true })).toEqual(ok(null));
    await client.events.waitForNth({ event: 'notification', session: c }, 2);
    expect((await client.state(c)).notifications).toEqual([
      ['note', ['while answering']],
      ['note', { pushed: true }],
    ]);
    await client.close(c);
  }, 20_000);

  test('batches, with error members, in the order sent', async () => {
    const { c, s } = await open();
    const items = [
      { method: 'add', args: [1, 2] },
      { method: 'fail', args: [7, 'seven'] },
      { method: 'note', args: ['in a batch'], notification: true },
      { method: 'nope' },
      { method: 'echo', args: { value: 'named' } },
      { method: 'echo', args: [] },
    ];
    const members = [ok(3), err(7, 'seven'), err(-32601, 'unknown method "nope"'), ok('named'), err(-32602, '0 arguments passed to method "echo" but it requires 1')];
    expect(await client.batch(c, items)).toEqual(ok(members));
    expect(await client.batch(c, items, true)).toEqual({ failure: 'batch', results: members });
    const many = Array.from({ length: 100 }, (_, i) => ({ method: 'add', args: [i, 1] }));
    expect(await client.batch(c, many, true)).toEqual(ok(many.map((_, i) => ok(i + 1))));
    expect(await client.batch(c, [{ method: 'ping' }])).toEqual(ok([ok('pong')]));
    // Server → client batches too.
    expect(await server.batch(s, [{ method: 'add', args: [20, 22] }, { method: 'fail', args: [1, 'one'] }])).toEqual(
      ok([ok(42), err(1, 'one')]),
    );
    expect((await server.state(s)).notifications).toEqual([['note', ['in a batch']], ['note', ['in a batch']]]);
    await client.close(c);
  });

  test('a batch of notifications only is sent and taken, with no reply', async () => {
    const { c, s } = await open();
    const outcome = await client.batch(c, [
      { method: 'note', args: [1], notification: true },
      { method: 'note', args: [2], notification: true },
    ]);
    // The reference's client awaits a future it never made (None): TypeError
    // after sending. rxrpcx resolves with no results.
    expect(outcome).toEqual(clientKind === 'rx' ? ok([]) : { failure: 'exception:TypeError' });
    expect(await client.request(c, 'ping')).toEqual(ok('pong'));
    expect((await server.state(s)).notifications).toEqual([['note', [1]], ['note', [2]]]);
    await client.close(c);
  });

  test('requests sent from the server to the client', async () => {
    const { c, s } = await open();
    // While answering one of the client's requests…
    expect(await client.request(c, 'call_back', ['add', [2, 3]])).toEqual(ok(5));
    expect(await client.request(c, 'call_back', ['fail', [9, 'nine']])).toEqual(err(9, 'nine'));
    expect(await client.request(c, 'call_back', ['nope', []])).toEqual(err(-32601, 'unknown method "nope"'));
    expect(await client.request(c, 'call_back', ['call_back', ['echo', ['three deep']]])).toEqual(ok('three deep'));
    // …and unsolicited, several at once.
    expect(await server.request(s, 'echo', ['from the server'])).toEqual(ok('from the server'));
    const calls = Array.from({ length: 50 }, (_, i): [string, unknown] => ['add', [i, i]]);
    expect(await server.concurrent(s, calls)).toEqual(calls.map((_, i) => ok(2 * i)));
    await client.close(c);
  });

  test('unicode: strings, keys and method names round-trip', async () => {
    const { c, s } = await open();
    for (const text of UNICODE) expect(await client.request(c, 'echo', [text])).toEqual(ok(text));
    const keyed = { ключ: 'значение', '鍵': ['値'], '🔑': { 'é': 'è' } };
    expect(await client.request(c, 'echo', [keyed])).toEqual(ok(keyed));
    expect(await client.request(c, 'echo', { value: '名前付き' })).toEqual(ok('名前付き'));
    expect(await client.request(c, 'méthode', [])).toEqual(err(-32601, 'unknown method "méthode"'));
    expect(await client.request(c, '方法', [])).toEqual(err(-32601, 'unknown method "方法"'));
    expect(await client.request(c, 'fail', [5, 'échec — 失敗 🎉'])).toEqual(err(5, 'échec — 失敗 🎉'));
    expect(await server.request(s, 'echo', UNICODE.slice(0, 1))).toEqual(ok(UNICODE[0]));
    expect(await client.request(c, 'call_back', ['echo', [UNICODE[3]]])).toEqual(ok(UNICODE[3]));
    await client.close(c);
  });

  test('1 MB messages, within the default limits, both ways', async () => {
    const { c } = await open();
    const text = `${'x'.repeat(998_000)}é日🎉`;
    const echoed = await client.request(c, 'echo', [text]);
    expect('result' in echoed && echoed.result === text).toBe(true);
    const big = await client.request(c, 'big', [999_000]);
    expect('result' in big && typeof big.result === 'string' && big.result.length).toBe(999_000);
    // A batch of 1 MB in all.
    const parts = Array.from({ length: 10 }, (_, i) => ({ method: 'echo', args: [String(i).repeat(99_000)] }));
    const batch = await client.batch(c, parts);
    expect(batch).toEqual(ok(parts.map((part) => ok(part.args[0]))));
    expect(await client.request(c, 'ping')).toEqual(ok('pong'));
    await client.close(c);
  });

  test('1,000 concurrent requests', async () => {
    const { c } = await open();
    // A few errors among them: each costs the client 100, well under the soft limit.
    const calls = Array.from({ length: 1000 }, (_, i): [string, unknown] => (i % 100 === 99 ? ['nope', [i]] : ['add', [i, i]]));
    const outcomes = await client.concurrent(c, calls);
    expect(outcomes).toEqual(calls.map(([method], i) => (method === 'nope' ? err(-32601, 'unknown method "nope"') : ok(2 * i))));
    expect(await client.request(c, 'ping')).toEqual(ok('pong'));
    await client.close(c);
  });

  /** How an aiorpcX client over WebSocket saw the connection end: websockets' exception. */
  async function wsEnding(c: string): Promise<string | undefined> {
    if (client.kind !== 'py' || wire !== 'ws') return undefined;
    return (await client.events.waitFor({ event: 'loop_ended', session: c })).error;
  }

  test('a disconnect mid-request, by the server', async () => {
    const { c, s } = await open();
    expect(await client.request(c, 'disconnect')).toEqual({ failure: 'connection' });
    await client.events.waitFor({ event: 'closed', session: c });
    await server.events.waitFor({ event: 'closed', session: s });
    // The reference's WebSocket abort() is an orderly close (1000); rxrpcx's
    // terminates the connection, so the peer sees 1006.
    const ending = serverKind === 'rx' ? 'ConnectionClosedError' : 'ConnectionClosedOK';
    expect(await wsEnding(c)).toBe(client.kind === 'py' && wire === 'ws' ? ending : undefined);
  });

  test('a disconnect mid-request, by the client', async () => {
    const { c, s } = await open();
    const pending = client.request(c, 'sleep', [30]);
    await server.events.waitFor({ event: 'started', session: s, method: 'sleep' });
    await client.close(c);
    expect(await pending).toEqual({ failure: 'connection' });
    // The server cancels the handler and ends the session.
    await server.events.waitFor({ event: 'cancelled', session: s, method: 'sleep' });
    await server.events.waitFor({ event: 'closed', session: s });
  });

  test('ReplyAndDisconnect: the reply arrives, then the connection closes', async () => {
    const first = await open();
    expect(await client.request(first.c, 'reply_and_disconnect', [{ bye: ['now'] }])).toEqual(ok({ bye: ['now'] }));
    await client.events.waitFor({ event: 'closed', session: first.c });
    await server.events.waitFor({ event: 'closed', session: first.s });
    expect(await wsEnding(first.c)).toBe(client.kind === 'py' && wire === 'ws' ? 'ConnectionClosedOK' : undefined);
    const second = await open();
    expect(await client.request(second.c, 'reply_error_and_disconnect', [-5, 'go away'])).toEqual(err(-5, 'go away'));
    await client.events.waitFor({ event: 'closed', session: second.c });
    await server.events.waitFor({ event: 'closed', session: second.s });
  });

  test('the excessive-cost disconnect, seen by the client', async () => {
    const { c, s } = await open();
    expect(await client.request(c, 'bump_cost', [20_000])).toEqual(ok(true));
    expect(await client.request(c, 'ping')).toEqual(err(-101, 'excessive resource usage'));
    await client.events.waitFor({ event: 'closed', session: c });
    await server.events.waitFor({ event: 'closed', session: s });
    expect(await wsEnding(c)).toBe(client.kind === 'py' && wire === 'ws' ? 'ConnectionClosedOK' : undefined);
  });

  test('SERVER_BUSY: a request over the processing timeout is answered, and the session goes on', async () => {
    const { c, s } = await open();
    expect(await client.request(c, 'configure', [{ processing_timeout: 0.2 }])).toEqual(ok(true));
    expect(await client.request(c, 'sleep', [10])).toEqual(err(-102, 'server busy - request timed out'));
    await server.events.waitFor({ event: 'cancelled', session: s, method: 'sleep' });
    expect(await client.request(c, 'sleep', [0.01])).toEqual(ok(0.01));
    expect(await client.request(c, 'ping')).toEqual(ok('pong'));
    await client.close(c);
  });

  test('a request that times out on the client; its late reply is not held against the server', async () => {
    const { c, s } = await open();
    expect(await client.request(c, 'sleep', [0.3], 0.05)).toEqual({ failure: 'timeout' });
    // rxrpcx forgets the request at once; the reference keeps it pending until a reply comes.
    expect((await client.state(c)).pending).toBe(clientKind === 'rx' ? 0 : 1);
    await server.events.waitFor({ event: 'finished', session: s, method: 'sleep' });
    expect(await client.request(c, 'ping', [], 30)).toEqual(ok('pong')); // after the late reply, on the wire
    const state = await client.state(c);
    expect([state.pending, state.errors]).toEqual([0, 0]);
    await client.close(c);
  });

  test('a request on a closed connection', async () => {
    const { c } = await open();
    await client.close(c);
    // rxrpcx fails at once. The reference's TCP write is a no-op on a closing
    // transport, so it waits for its request timeout; over WebSocket it
    // raises websockets' ConnectionClosedOK.
    const expected = clientKind === 'rx' ? 'connection' : wire === 'tcp' ? 'timeout' : 'exception:ConnectionClosedOK';
    expect(await client.request(c, 'ping', [], 0.2)).toEqual({ failure: expected });
  });
});

describe.each(WIRES)('messages over 1 MiB with raised limits, over %s', (wire) => {
  test.each(PAIRINGS)('%s client, %s server', async (clientKind, serverKind) => {
    const client = peer(clientKind);
    const server = peer(serverKind);
    const maxSize = 8_000_000;
    const { server: name, port } = await server.serve(wire, { protocol: 'auto', maxSize });
    try {
      const c = await client.connect(wire, port, { maxSize });
      const text = `${'y'.repeat(3_000_000)}…`;
      const echoed = await client.request(c, 'echo', [text]);
      expect('result' in echoed && echoed.result === text).toBe(true);
      const big = await client.request(c, 'big', [4_000_000]);
      expect('result' in big && typeof big.result === 'string' && big.result.length).toBe(4_000_000);
      await client.close(c);
    } finally {
      await server.stop(name);
    }
  });
});
