/**
 * Differential hostile input: the same raw bytes, on a fresh TCP connection,
 * to an aiorpcX 0.22.1 server and to an rxrpcx server configured the same
 * way (the same methods; auto-detecting like ElectrumX, or JSON-RPC 2.0).
 * Their parsed replies must match — as multisets, since replies to separate
 * lines may come in any order, with batch members sorted, and with each
 * object's key order compared — and the rxrpcx server must still answer
 * afterwards, on the same connection unless the reference closes it too, and
 * on a new one.
 *
 * Each exchange ends with a ping of id "final" and then one of id "sync", so
 * the collection ends on an event, not a sleep. Where the reference's session
 * loop dies (an exception escaping it: deeply nested JSON, mixed-type batch
 * ids, an unhashable 1.0 id), the Python peer reports it and the exchange
 * ends there; those are asserted as the reference's behaviour beside
 * rxrpcx's, which keeps answering.
 */
import { PythonPeer } from './helpers/PythonPeer';
import { RawClient, type RawReply } from './helpers/RawClient';
import { RxPeer } from './helpers/RxPeer';
import type { Peer, ProtocolName } from './helpers/Peer';

const FINAL = '{"jsonrpc":"2.0","method":"ping","id":"final"}\n';
const SYNC = '{"jsonrpc":"2.0","method":"ping","id":"sync"}\n';
/** Loop endings that are just the connection going. */
const ORDINARY_ENDINGS = new Set(['ConnectionLostError', 'CancelledError']);

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

interface Exchange {
  /** Replies other than to the final and sync pings, canonical and sorted. */
  readonly replies: unknown[];
  /** The replies to the final and sync pings (a pong, or an error such as the excessive-cost refusal), canonical. */
  readonly pings: unknown[];
  readonly texts: string[];
  /** 'answered': the pings were answered; 'closed': the server hung up; 'stalled': its session loop died. */
  readonly end: 'answered' | 'closed' | 'stalled';
  /** What escaped the reference's session loop, when it stalled. */
  readonly escaped?: string;
}

const idOf = (reply: RawReply): unknown =>
  typeof reply.value === 'object' && reply.value !== null && !Array.isArray(reply.value) ? (reply.value as { id?: unknown }).id : undefined;

/** Parsed JSON with objects as ordered entry lists (key order counts) and batch members sorted. */
function canonical(value: unknown, top = true): unknown {
  if (Array.isArray(value)) {
    const members = value.map((member) => canonical(member, false));
    return top ? members.sort((a, b) => key(a).localeCompare(key(b))) : members;
  }
  if (typeof value === 'object' && value !== null) {
    return { entries: Object.entries(value).map(([name, item]) => [name, canonical(item, false)]) };
  }
  return value;
}

const key = (value: unknown): string => JSON.stringify(value) ?? 'undefined';

/** Sends `input` on a new connection to `peer`'s server, then the final and sync pings. */
async function exchange(peer: Peer, server: string, port: number, input: ReadonlyArray<string | Uint8Array>): Promise<Exchange> {
  const before = peer.events.filter({ event: 'session', server }).length;
  const raw = await RawClient.connect(port);
  const { session } = await peer.events.waitForNth({ event: 'session', server }, before + 1);
  const died = peer.events.watch((event) => event.event === 'loop_ended' && event.session === session && !ORDINARY_ENDINGS.has(event.error ?? ''));
  try {
    for (const chunk of input) await raw.write(chunk);
    await raw.write(FINAL);
    let end = await raw.waitFor((reply) => idOf(reply) === 'final', died.promise);
    if (end === 'reply') {
      await raw.write(SYNC);
      end = await raw.waitFor((reply) => idOf(reply) === 'sync', died.promise);
    }
    // Every byte the server sent before it closed (or before its loop died) is read by now.
    await raw.end();
    const escaped = end === 'stop' ? (await died.promise).error : undefined;
    const isPing = (reply: RawReply): boolean => idOf(reply) === 'final' || idOf(reply) === 'sync';
    const mine = raw.replies.filter((reply) => !isPing(reply));
    return {
      replies: mine.map((reply) => canonical(reply.value)).sort((a, b) => key(a).localeCompare(key(b))),
      pings: raw.replies.filter(isPing).map((reply) => canonical(reply.value)),
      texts: mine.map((reply) => reply.text),
      end: end === 'reply' ? 'answered' : end === 'closed' ? 'closed' : 'stalled',
      ...(escaped === undefined ? {} : { escaped }),
    };
  } finally {
    died.cancel();
    await raw.end();
  }
}

// ---------------------------------------------------------------------------
// The inputs.

const line = (text: string): string => `${text}\n`;
const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));
const request = (method: string, params: unknown, id: unknown): string => line(JSON.stringify({ jsonrpc: '2.0', method, params, id }));
const nested = (depth: number, open: string, inner: string, close: string): string => open.repeat(depth) + inner + close.repeat(depth);

/** Cases whose replies must match the reference's exactly. */
const SAME: ReadonlyArray<readonly [string, ReadonlyArray<string | Uint8Array>]> = [
  // Garbage lines, one connection each (the first message also fixes an auto-detecting connection's protocol).
  ['a line of text', [line('hello')]],
  ['an unterminated object', [line('{')]],
  ['a stray brace', [line('}')]],
  ['an empty line', [line('')]],
  ['a line of blanks', [line(' \t ')]],
  ['null', [line('null')]],
  ['a number', [line('42')]],
  ['a string', [line('"text"')]],
  ['true', [line('true')]],
  ['two objects on one line', [line('{"jsonrpc":"2.0","method":"ping","id":1}{"jsonrpc":"2.0","method":"ping","id":2}')]],
  ['a raw control character in a string', [line('{"jsonrpc":"2.0","method":"echo","params":["a\tb"],"id":1}')]],
  ['an object with no method, result or error', [line('{"jsonrpc":"2.0"}')]],
  ['an object with no jsonrpc member', [line('{"method":"ping","id":1}')]],
  ['a wrong jsonrpc version', [line('{"jsonrpc":"3.0","method":"ping","id":1}')]],
  ['a method that is not a string', [line('{"jsonrpc":"2.0","method":5,"id":1}')]],
  ['params that are a number', [line('{"jsonrpc":"2.0","method":"echo","params":5,"id":1}')]],
  ['params that are null', [line('{"jsonrpc":"2.0","method":"echo","params":null,"id":1}')]],
  ['an object id', [line('{"jsonrpc":"2.0","method":"ping","id":{"a":1}}')]],
  ['an array id', [line('{"jsonrpc":"2.0","method":"ping","id":[1]}')]],
  ['float, boolean and null ids', [request('ping', [], 1.5), request('ping', [], true), request('ping', [], null)]],
  ['a very long method name', [request('m'.repeat(100_000), [], 1)]],
  ['duplicate keys: the last wins', [line('{"jsonrpc":"2.0","method":"echo","params":[1],"params":[2],"id":1}')]],
  ['CRLF line ends and surrounding blanks', ['  {"jsonrpc":"2.0","method":"ping","id":1} \r\n', '\t{"jsonrpc":"2.0","method":"echo","params":["x"],"id":2}\r\n']],
  ['escapes and raw UTF-8 in strings', [line('{"jsonrpc":"2.0","method":"echo","params":["\\u00e9\\ud83c\\udf89 é🎉 \\ud800"],"id":1}')]],
  ['a byte-order mark', [bytes([0xef, 0xbb, 0xbf], line('{"jsonrpc":"2.0","method":"ping","id":1}'))]],
  ['a response to a request never sent', [line('{"jsonrpc":"2.0","result":1,"id":99}')]],
  ['a diagnostic error with a null id', [line('{"jsonrpc":"2.0","error":{"code":1,"message":"x"},"id":null}')]],
  ['a malformed response', [line('{"jsonrpc":"2.0","error":"bad","id":3}')]],
  ['a 1.0 request with an array id', [line('{"jsonrpc":"1.0","method":"echo","params":[1],"id":[1,2]}')]],
  ['a 1.0 request without params', [line('{"jsonrpc":"1.0","method":"ping","id":1}')]],
  ['a loose request', [line('{"method":"echo","params":{"value":"loose"},"id":"l"}')]],
  // Invalid UTF-8.
  ['bytes that are not UTF-8', [bytes([0xff, 0xfe, 0xfd, 0x0a])]],
  ['an invalid sequence inside a string', [bytes('{"jsonrpc":"2.0","method":"echo","params":["', [0xc3, 0x28], '"],"id":1}\n')]],
  ['an overlong encoding', [bytes('{"jsonrpc":"2.0","method":"echo","params":["', [0xc0, 0xaf], '"],"id":1}\n')]],
  ['surrogate bytes', [bytes('{"jsonrpc":"2.0","method":"echo","params":["', [0xed, 0xa0, 0x80], '"],"id":1}\n')]],
  ['a truncated sequence', [bytes('{"jsonrpc":"2.0","method":"echo","params":["', [0xe6, 0x97], '"],"id":1}\n')]],
  ['Latin-1 text', [bytes('{"jsonrpc":"2.0","method":"echo","params":["caf', [0xe9], '"],"id":1}\n')]],
  ['invalid UTF-8, then a valid request', [bytes([0x80, 0x0a]), request('add', [1, 2], 7)]],
  // Oversized lines, then valid requests.
  ['an oversized line, then a valid request', [line('x'.repeat(2_000_000)), request('add', [2, 2], 1)]],
  ['an oversized request, then a valid request', [request('echo', ['z'.repeat(1_500_000)], 1), request('add', [3, 3], 2)]],
  ['an oversized line in small chunks', [...Array.from({ length: 40 }, () => 'q'.repeat(50_000)), '\n', request('ping', [], 1)]],
  // Batches.
  ['an empty batch', [line('[]')]],
  ['an empty batch with blanks', [line('[ ]')]],
  ['a batch of one bad member', [line('[1]')]],
  ['a batch of bad members only', [line('[1, "x", null, [], {}, {"jsonrpc":"2.0","method":5,"id":1}]')]],
  ['a batch of good and bad members', [line('[{"jsonrpc":"2.0","method":"add","params":[1,2],"id":1}, 7, {"jsonrpc":"2.0","method":"note"}, {"jsonrpc":"2.0","method":"nope","id":2}]')]],
  ['a batch of notifications only', [line('[{"jsonrpc":"2.0","method":"note"},{"jsonrpc":"2.0","method":"note","params":[1]}]')]],
  ['a batch with duplicate ids', [line('[{"jsonrpc":"2.0","method":"ping","id":1},{"jsonrpc":"2.0","method":"echo","params":[2],"id":1}]')]],
  ['a batch mixing a request and a response', [line('[{"jsonrpc":"2.0","result":1,"id":5},{"jsonrpc":"2.0","method":"ping","id":1}]')]],
  ['a batch of responses to nothing', [line('[{"jsonrpc":"2.0","result":1,"id":0},{"jsonrpc":"2.0","result":2,"id":1}]')]],
  ['a batch of bad responses', [line('[{"jsonrpc":"2.0","error":1,"id":0},{"error":1}]')]],
  ['a batch of mixed protocols', [line('[{"method":"ping","id":1},{"jsonrpc":"2.0","method":"ping","id":2},{"jsonrpc":"1.0","method":"ping","params":[],"id":3}]')]],
  ['a nested batch', [line('[[{"jsonrpc":"2.0","method":"ping","id":1}]]')]],
  ['a batch of 1,000 requests', [line(JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: '2.0', method: 'add', params: [i, i], id: i }))))]],
  // Nesting the reference can decode.
  ['JSON nested 100 deep', [request('echo', [JSON.parse(nested(100, '[', '1', ']'))], 1)]],
  ['objects nested 100 deep', [line(`{"jsonrpc":"2.0","method":"echo","params":[${nested(100, '{"a":', 'null', '}')}],"id":1}`)]],
  // Volume.
  ['10,000 pipelined requests in one write', [Array.from({ length: 10_000 }, (_, i) => request('add', [i, 1], i)).join('')]],
  [
    '10,000 pipelined requests and notifications, one write each',
    [
      ...Array.from({ length: 5000 }, (_, i) => request('add', [i, 1], i)),
      ...Array.from({ length: 5000 }, (_, i) => (i % 2 ? line('{"jsonrpc":"2.0","method":"note","params":[1]}') : request('sum', [i, i, i], `s${i}`))),
    ],
  ],
];

/** Enough errors to pass the hard cost limit (1,100 a parse error against 10,000). */
const GARBAGE = Array.from({ length: 12 }, (_, i) => line(`garbage ${i}`));

/** Cases where rxrpcx deliberately differs; `check` asserts both sides. */
const DIFFERENT: ReadonlyArray<
  readonly [string, ReadonlyArray<string | Uint8Array>, (reference: Exchange, ours: Exchange, protocol: ProtocolName) => void]
> = [
  [
    'deeply nested arrays: the reference stalls, rxrpcx answers invalid JSON',
    [line(nested(100_000, '[', '', ']')), request('add', [1, 1], 2)],
    (reference, ours) => {
      expect(reference).toMatchObject({ end: 'stalled', escaped: 'RecursionError', replies: [] });
      expect(ours.end).toBe('answered');
      expect(ours.replies).toEqual(
        [parseError(null, 'invalid JSON'), result(2, 2)].map((reply) => canonical(reply)).sort((a, b) => key(a).localeCompare(key(b))),
      );
    },
  ],
  [
    'a request nested 5,000 deep: the reference stalls, rxrpcx answers invalid JSON',
    [line(`{"jsonrpc":"2.0","method":"echo","params":[${nested(5000, '{"a":', '1', '}')}],"id":1}`)],
    (reference, ours) => {
      expect(reference).toMatchObject({ end: 'stalled', escaped: 'RecursionError', replies: [] });
      expect(ours).toMatchObject({ end: 'answered', replies: [canonical(parseError(null, 'invalid JSON'))] });
    },
  ],
  [
    'a batch of notifications and a bad member: the reference never answers, rxrpcx answers the bad member',
    [line('[{"jsonrpc":"2.0","method":"note"}, 7, {"jsonrpc":"2.0","method":"note","params":[1]}]')],
    (reference, ours) => {
      expect(reference).toMatchObject({ end: 'answered', replies: [] });
      expect(ours).toMatchObject({
        end: 'answered',
        replies: [canonical([error(null, -32600, 'request object must be a dictionary')])],
      });
    },
  ],
  [
    'a response batch with ids of mixed types: the reference stalls (TypeError), rxrpcx ignores it',
    [line('[{"jsonrpc":"2.0","result":1,"id":0},{"jsonrpc":"2.0","result":2,"id":"a"}]')],
    (reference, ours) => {
      expect(reference).toMatchObject({ end: 'stalled', escaped: 'TypeError', replies: [] });
      expect(ours).toMatchObject({ end: 'answered', replies: [] });
    },
  ],
  [
    'a 1.0 response with an unhashable id: an auto-detecting reference stalls (TypeError), rxrpcx ignores it',
    [line('{"jsonrpc":"1.0","result":1,"error":null,"id":[1]}')],
    (reference, ours, protocol) => {
      if (protocol === 'auto') {
        expect(reference).toMatchObject({ end: 'stalled', escaped: 'TypeError', replies: [] });
        // The connection now speaks 1.0, so the 2.0 pings (no params) are refused in 1.0 form.
        const refused = (id: string): unknown =>
          canonical({ result: null, error: { code: -32602, message: 'invalid request arguments: None' }, id });
        expect(ours.pings).toEqual([refused('final'), refused('sync')]);
      } else {
        // Under 2.0 the array id is refused like any other bad response: no reply.
        expect(reference).toMatchObject({ end: 'answered', replies: [] });
      }
      expect(ours).toMatchObject({ end: 'answered', replies: [] });
    },
  ],
  [
    'NaN and Infinity: the reference echoes the non-standard tokens, rxrpcx writes null',
    [request('echo', ['placeholder'], 1).replace('"placeholder"', '[NaN, Infinity, -Infinity, 1e400]')],
    (reference, ours) => {
      expect(reference.texts).toEqual(['{"jsonrpc":"2.0","result":[NaN,Infinity,-Infinity,Infinity],"id":1}']);
      expect(ours.texts).toEqual(['{"jsonrpc":"2.0","result":[null,null,null,null],"id":1}']);
    },
  ],
  [
    'integers beyond 2^53 and negative zero: the reference keeps them, rxrpcx reads doubles',
    [line('{"jsonrpc":"2.0","method":"echo","params":[[12345678901234567891, -0.0, -0, 1.0, 1e16]],"id":1}')],
    (reference, ours) => {
      expect(reference.texts).toEqual(['{"jsonrpc":"2.0","result":[12345678901234567891,-0.0,0,1.0,1e+16],"id":1}']);
      expect(ours.texts).toEqual(['{"jsonrpc":"2.0","result":[12345678901234567000,0,0,1,10000000000000000],"id":1}']);
    },
  ],
  [
    'non-ASCII text: the reference writes \\u escapes, rxrpcx UTF-8 (the same JSON)',
    [request('echo', ['é日🎉'], 1)],
    (reference, ours) => {
      expect(reference.texts).toEqual(['{"jsonrpc":"2.0","result":"\\u00e9\\u65e5\\ud83c\\udf89","id":1}']);
      expect(ours.texts).toEqual(['{"jsonrpc":"2.0","result":"é日🎉","id":1}']);
      expect(ours.replies).toEqual(reference.replies);
    },
  ],
];

function result(id: unknown, value: unknown): unknown {
  return { jsonrpc: '2.0', result: value, id };
}
function error(id: unknown, code: number, message: string): unknown {
  return { jsonrpc: '2.0', error: { code, message }, id };
}
function parseError(id: unknown, message: string): unknown {
  return error(id, -32700, message);
}

const PROTOCOLS: readonly ProtocolName[] = ['auto', 'v2'];
const PONGS = [canonical(result('final', 'pong')), canonical(result('sync', 'pong'))];

describe.each(PROTOCOLS)('servers speaking %s', (protocol) => {
  let reference: { server: string; port: number };
  let ours: { server: string; port: number };

  beforeAll(async () => {
    reference = await py.serve('tcp', { protocol });
    ours = await rx.serve('tcp', { protocol });
  });

  afterAll(async () => {
    if (reference) await py.stop(reference.server);
    if (ours) await rx.stop(ours.server);
  });

  /** The rxrpcx server answers a new connection. */
  async function stillAnswers(): Promise<void> {
    const result = await exchange(rx, ours.server, ours.port, []);
    expect(result).toEqual({ replies: [], pings: PONGS, texts: [], end: 'answered' });
  }

  test.each(SAME)('%s: the same replies', async (_name, input) => {
    const expected = await exchange(py, reference.server, reference.port, input);
    const actual = await exchange(rx, ours.server, ours.port, input);
    expect(expected.end).not.toBe('stalled');
    expect({ end: actual.end, replies: actual.replies, pings: actual.pings }).toEqual({
      end: expected.end,
      replies: expected.replies,
      pings: expected.pings,
    });
    await stillAnswers();
  });

  test('garbage until the excessive-cost disconnect: the reference answers every line and refuses the next request, rxrpcx refuses the line that reaches the limit', async () => {
    const expected = await exchange(py, reference.server, reference.port, GARBAGE);
    const actual = await exchange(rx, ours.server, ours.port, GARBAGE);
    // The reference: an error reply to each of the 12 lines (13,200 > 10,000), then the final ping refused, and it hangs up.
    expect(expected.end).toBe('closed');
    expect(expected.replies).toHaveLength(12);
    expect(new Set(expected.replies.map(key)).size).toBe(1);
    expect(expected.pings).toHaveLength(1);
    const refusal = expected.pings[0] as { entries: Array<[string, unknown]> };
    expect(refusal.entries).toContainEqual(['id', 'final']);
    // rxrpcx: the same error reply to the first nine lines; the tenth (cost 11,000) gets the same refusal, with
    // the id its error reply would have carried (null); nothing after it is answered.
    const refusedAsNull = { entries: refusal.entries.map(([name, value]) => [name, name === 'id' ? null : value]) };
    expect(actual).toMatchObject({ end: 'closed', pings: [] });
    expect(actual.replies).toEqual([...expected.replies.slice(0, 9), refusedAsNull].sort((a, b) => key(a).localeCompare(key(b))));
    await stillAnswers();
  });

  test.each(DIFFERENT)('%s', async (_name, input, check) => {
    const expected = await exchange(py, reference.server, reference.port, input);
    const actual = await exchange(rx, ours.server, ours.port, input);
    check(expected, actual, protocol);
    // rxrpcx answered both pings on the same connection.
    expect(actual.pings).toHaveLength(2);
    await stillAnswers();
  });
});
