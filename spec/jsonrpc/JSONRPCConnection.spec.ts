import { config, firstValueFrom, type Observable } from 'rxjs';
import {
  Batch,
  ConnectionError,
  IncomingRequest,
  JSONRPC,
  JSONRPCAutoDetect,
  JSONRPCConnection,
  JSONRPCLoose,
  JSONRPCv1,
  JSONRPCv2,
  Notification,
  ProtocolError,
  Request,
  RPCError,
  type ReceivedMessage,
} from '../../lib/jsonrpc';
import { eventually } from '../helpers/eventually';
import { PROTOCOL_NAMES, hexText, runOurs, runReference, type Case, type Step } from './referenceHarness';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : new TextDecoder().decode(b));
const json = (b: Uint8Array | undefined): unknown => JSON.parse(text(b) ?? 'undefined');

/** What a message with nothing to process, send or report gives. */
const nothing: ReceivedMessage = { items: [], reply: undefined, errors: [] };
/** The violations found in a message, as [code, message] pairs. */
const violations = (received: ReceivedMessage): Array<[number, string]> =>
  received.errors.map((error) => {
    expect(error).toBeInstanceOf(ProtocolError);
    return [error.code, error.message];
  });

/** Subscribes and records what a response$ does. */
function record<T>(response$: Observable<T>) {
  const seen: { values: T[]; error?: unknown; complete: boolean } = { values: [], complete: false };
  const subscription = response$.subscribe({
    next: (value) => seen.values.push(value),
    error: (error: unknown) => (seen.error = error),
    complete: () => (seen.complete = true),
  });
  return { seen, subscription };
}

// ---------------------------------------------------------------------------
// Differential scripts, each run under every protocol.

const receive = (message: string): Step => ({ op: 'receive', hex: hexText(message) });
const req = (method: string, args?: unknown): Step => ({ op: 'request', method, args });
const futures: Step = { op: 'futures' };
const pending: Step = { op: 'pending' };

const SCRIPTS: ReadonlyArray<readonly [string, readonly Step[]]> = [
  ['ids count from 0 and responses match in any order', [
    req('a', [1]), req('b', { x: 1 }), req('c'), pending,
    receive('{"jsonrpc":"2.0","result":"B","id":1}'),
    receive('{"result":"A","error":null,"id":0}'),
    futures, pending,
  ]],
  ['error responses error the waiter', [
    req('a'), req('b'),
    receive('{"jsonrpc":"2.0","error":{"code":-32601,"message":"unknown method \\"a\\""},"id":0}'),
    receive('{"result":null,"error":{"code":5,"message":"five"},"id":1}'),
    futures, pending,
  ]],
  ['a bad response carrying an id errors that request', [
    req('a'), req('b'), req('c'),
    receive('{"jsonrpc":"2.0","error":"bad","id":0}'),
    receive('{"jsonrpc":"2.0","result":1,"error":null,"id":1}'),
    receive('{"result":1,"id":2}'),
    futures, pending,
  ]],
  ['a bad response without an id is a response to an unsent request', [
    req('a'),
    receive('{"jsonrpc":"2.0","result":1}'),
    receive('{"result":1}'),
    futures, pending,
  ]],
  ['responses to unsent requests', [
    req('a'),
    receive('{"jsonrpc":"2.0","result":1,"id":99}'),
    receive('{"jsonrpc":"2.0","result":1,"id":"0"}'),
    receive('{"jsonrpc":"2.0","result":1,"id":0.5}'),
    receive('{"result":1,"error":null,"id":"x"}'),
    receive('{"jsonrpc":"2.0","result":1,"id":null}'),
    receive('{"jsonrpc":"2.0","result":1,"id":0}'),
    receive('{"jsonrpc":"2.0","result":2,"id":0}'),
    futures,
  ]],
  ['diagnostic errors', [
    receive('{"jsonrpc":"2.0","error":{"code":-32700,"message":"invalid JSON"},"id":null}'),
    receive('{"jsonrpc":"2.0","error":{"code":1,"message":"it\'s"},"id":null}'),
    receive('{"result":null,"error":"plain","id":null}'),
    receive('{"jsonrpc":"2.0","error":{"code":1,"message":"x"},"id":3}'),
  ]],
  ['true and 1.0 ids match request 1; false matches 0', [
    req('a'), req('b'), req('c'),
    receive('{"jsonrpc":"2.0","result":"T","id":true}'),
    receive('{"jsonrpc":"2.0","result":"F","id":false}'),
    receive('{"jsonrpc":"2.0","result":"two","id":2.0}'),
    futures,
  ]],
  ['batches: replies matched as a whole, results in request order', [
    req('single'),
    { op: 'batch', items: [
      { kind: 'request', method: 'a', args: [1] },
      { kind: 'notification', method: 'n' },
      { kind: 'request', method: 'b', args: { k: 'v' } },
      { kind: 'request', method: 'c' },
    ] },
    { op: 'batch', items: [{ kind: 'notification', method: 'only' }] },
    pending,
    receive('[{"jsonrpc":"2.0","result":"C","id":3}, {"jsonrpc":"2.0","error":{"code":7,"message":"B"},"id":2},{"jsonrpc":"2.0","result":"A","id":1}]'),
    futures, pending,
    receive('{"jsonrpc":"2.0","result":"S","id":0}'),
    futures,
  ]],
  ['batch replies that match nothing', [
    req('a'), req('b'),
    { op: 'batch', items: [{ kind: 'request', method: 'x' }, { kind: 'request', method: 'y' }] },
    receive('[{"jsonrpc":"2.0","result":1,"id":0},{"jsonrpc":"2.0","result":2,"id":1}]'),
    receive('[{"jsonrpc":"2.0","result":1,"id":2}]'),
    receive('[{"jsonrpc":"2.0","result":1,"id":2},{"jsonrpc":"2.0","result":1,"id":3},{"jsonrpc":"2.0","result":1,"id":3}]'),
    receive('[{"jsonrpc":"2.0","result":1,"id":"2"},{"jsonrpc":"2.0","result":1,"id":"3"}]'),
    receive('[{"jsonrpc":"2.0","result":1,"id":2},{"jsonrpc":"2.0","error":"bad","id":3}]'),
    receive('[{"jsonrpc":"2.0","result":1},{"jsonrpc":"2.0","result":1,"id":3}]'),
    futures, pending,
    receive('[{"jsonrpc":"2.0","result":"y","id":3},{"jsonrpc":"2.0","result":"x","id":2}]'),
    futures, pending,
  ]],
  ['incoming requests and their replies', [
    receive('{"jsonrpc":"2.0","method":"add","params":[1,2],"id":9}'),
    { op: 'reply', index: 0, result: 3 },
    receive('{"jsonrpc":"2.0","method":"sub","params":[],"id":"s"}'),
    { op: 'reply', index: 0, error: { code: -32602, message: 'nope' } },
    receive('{"method":"add","params":[1,2],"id":"s"}'),
    receive('{"jsonrpc":"2.0","method":"note","params":{"a":1}}'),
    receive('{"method":"note","params":[],"id":null}'),
    receive('{"jsonrpc":"2.0","method":"n","params":7}'),
    receive('{"jsonrpc":"2.0","method":5,"id":4}'),
  ]],
  ['incoming batch: members answered in any order, one batch reply', [
    receive('[{"jsonrpc":"2.0","method":"a","params":[1],"id":1},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","method":"b","id":"two"},5,{"jsonrpc":"2.0","method":"c","params":9,"id":3}]'),
    { op: 'reply', index: 2, result: 'B' },
    { op: 'reply', index: 0, error: { code: 1, message: 'A failed' } },
  ]],
  ['incoming batch of only bad members', [
    receive('[1, {"jsonrpc":"2.0","method":5,"id":1}, {"method":"m"}, []]'),
  ]],
  ['incoming batch of notifications and a bad member: the notifications', [
    receive('[{"jsonrpc":"2.0","method":"n"}, 7]'),
  ]],
  ['incoming batch mixing requests and responses', [
    req('a'),
    receive('[{"jsonrpc":"2.0","method":"m","id":1},{"jsonrpc":"2.0","result":1,"id":0}]'),
    { op: 'reply', index: 0, result: true },
    futures,
  ]],
  ['maxResponseSize on single replies', [
    { op: 'maxResponseSize', value: 60 },
    receive('{"jsonrpc":"2.0","method":"m","id":1}'),
    { op: 'reply', index: 0, result: 'x'.repeat(20) },
    receive('{"jsonrpc":"2.0","method":"m","id":2}'),
    { op: 'reply', index: 0, result: 'x'.repeat(100) },
    { op: 'maxResponseSize', value: 1234567 },
    receive('{"jsonrpc":"2.0","method":"m","id":3}'),
    { op: 'reply', index: 0, result: 'x'.repeat(100) },
    { op: 'maxResponseSize', value: 5 },
    receive('{"jsonrpc":"2.0","method":"m","id":4}'),
    { op: 'reply', index: 0, error: { code: 1, message: 'an error reply is checked too' } },
  ]],
  ['maxResponseSize on batch replies (cumulative)', [
    { op: 'maxResponseSize', value: 100 },
    receive('[{"jsonrpc":"2.0","method":"a","id":1},{"jsonrpc":"2.0","method":"b","id":2},{"jsonrpc":"2.0","method":"c","id":3}]'),
    { op: 'reply', index: 0, result: 'x'.repeat(20) },
    { op: 'reply', index: 1, result: 'y'.repeat(20) },
    { op: 'reply', index: 2, result: 'z' },
  ]],
  ['cancelPendingRequests', [
    req('a'),
    { op: 'batch', items: [{ kind: 'request', method: 'b' }] },
    req('c'),
    receive('{"jsonrpc":"2.0","result":"C","id":2}'),
    { op: 'cancel' },
    futures, pending,
    receive('{"jsonrpc":"2.0","result":"A","id":0}'),
    req('d'),
  ]],
  ['requests the protocol cannot express still use up an id', [
    req('named', { a: 1 }),
    { op: 'batch', items: [{ kind: 'request', method: 'x' }, { kind: 'request', method: 'y' }] },
    req('next', [1]),
    { op: 'notification', method: 'n', args: { a: 1 } },
    { op: 'notification', method: 'n', args: [1] },
    pending,
  ]],
  ['parse errors and non-objects', [
    receive('{'),
    { op: 'protocol' },
    receive('"text"'),
    receive('[]'),
    { op: 'protocol' },
  ]],
  ['auto-detection settles on 1.0', [
    receive('{"method":"m","params":[1],"id":5,"jsonrpc":"1.0"}'),
    { op: 'protocol' },
    { op: 'reply', index: 0, result: [1] },
    req('out', [2]),
  ]],
  ['auto-detection settles on loose JSON-RPC', [
    receive('{"method":"m","params":{"a":1},"id":5}'),
    { op: 'protocol' },
    { op: 'reply', index: 0, result: 1 },
  ]],
  ['auto-detection on a batch', [
    receive('[{"method":"m","params":[],"id":5}, {"jsonrpc":"2.0","method":"n"}]'),
    { op: 'protocol' },
    { op: 'reply', index: 0, result: 1 },
  ]],
  ['auto-detection on a response', [
    req('a'),
    receive('{"result":1,"error":null,"id":0}'),
    { op: 'protocol' },
    futures,
  ]],
];

const connectionCases: Case[] = PROTOCOL_NAMES.flatMap((protocol) =>
  SCRIPTS.map(([, steps]): Case => ({ op: 'connection', protocol, steps })),
);

describe('JSONRPCConnection against the reference', () => {
  let reference: unknown[];
  let ours: unknown[];
  beforeAll(() => {
    reference = runReference(connectionCases);
    ours = runOurs(connectionCases);
  });

  describe.each(PROTOCOL_NAMES.map((name, p) => [name, p] as const))('%s', (_name, p) => {
    it.each(SCRIPTS.map(([label], s) => [label, s] as const))('%s', (_label, s) => {
      const index = p * SCRIPTS.length + s;
      expect(ours[index]).toEqual(reference[index]);
    });
  });
});

// ---------------------------------------------------------------------------
// The Rx side: response$ semantics, cleanup, replies.

describe.each([JSONRPCv1, JSONRPCv2, JSONRPCLoose, JSONRPCAutoDetect])('JSONRPCConnection(%p)', (protocol) => {
  const answer = (id: number, result: unknown): Uint8Array =>
    protocol === JSONRPCv1
      ? bytes(JSON.stringify({ result, error: null, id }))
      : bytes(JSON.stringify({ jsonrpc: '2.0', result, id }));

  it('drops late answers to forgotten requests quietly, remembering only the newest 1024', () => {
    const connection = new JSONRPCConnection(protocol);
    for (let i = 0; i < 2000; i++) {
      const [, response$] = connection.sendRequest(new Request('m', []));
      response$.subscribe().unsubscribe();
    }
    expect(connection.pendingRequests()).toEqual([]);
    expect(connection.receiveMessage(answer(1999, 'late'))).toEqual(nothing);
    expect(connection.receiveMessage(answer(976, 'late'))).toEqual(nothing);
    expect(violations(connection.receiveMessage(answer(975, 'late')))).toEqual([[-32600, 'response to unsent request (ID: 975)']]);
    // Each is forgiven once; a second answer is a protocol error again.
    expect(violations(connection.receiveMessage(answer(1999, 'again')))).toEqual([[-32600, 'response to unsent request (ID: 1999)']]);
  });

  it('numbers requests from 0 per connection', () => {
    const a = new JSONRPCConnection(protocol);
    const b = new JSONRPCConnection(protocol);
    const ids = [a, a, a, b].map((c) => (json(c.sendRequest(new Request('m'))[0]) as { id: number }).id);
    expect(ids).toEqual([0, 1, 2, 0]);
  });

  it('response$ emits the result once and completes, even if subscribed after the reply', () => {
    const connection = new JSONRPCConnection(protocol);
    const [, response$] = connection.sendRequest(new Request('m'));
    expect(connection.receiveMessage(answer(0, { ok: true }))).toEqual(nothing);
    const first = record(response$);
    const second = record(response$);
    for (const { seen } of [first, second]) expect(seen).toEqual({ values: [{ ok: true }], complete: true });
    expect(connection.pendingRequests()).toEqual([]);
  });

  it('response$ errors with the RPCError of an error response', async () => {
    const connection = new JSONRPCConnection(protocol);
    const [, response$] = connection.sendRequest(new Request('m'));
    const errorReply =
      protocol === JSONRPCv1
        ? '{"result":null,"error":{"code":-32601,"message":"no"},"id":0}'
        : '{"jsonrpc":"2.0","error":{"code":-32601,"message":"no"},"id":0}';
    connection.receiveMessage(bytes(errorReply));
    const error = await firstValueFrom(response$).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RPCError);
    expect(error).not.toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ name: 'RPCError', code: JSONRPC.METHOD_NOT_FOUND, message: 'no' });
  });

  it('response$ errors with the ProtocolError of a bad response carrying its id', () => {
    const connection = new JSONRPCConnection(protocol);
    const [, response$] = connection.sendRequest(new Request('m'));
    connection.receiveMessage(bytes('{"jsonrpc":"2.0","id":0}'));
    const { seen } = record(response$);
    expect(seen.error).toBeInstanceOf(ProtocolError);
    expect(seen.error).toMatchObject({ code: -32600, inResponse: true, responseId: 0 });
  });

  it('pendingRequests lists what was sent, in order', () => {
    const connection = new JSONRPCConnection(protocol);
    const request = new Request('a');
    connection.sendRequest(request);
    const sent: unknown[] = [request];
    if (protocol.allowBatches) {
      const batch = new Batch([new Request('b'), new Notification('n')]);
      connection.sendBatch(batch);
      sent.push(batch);
    }
    expect(connection.pendingRequests()).toEqual(sent);
    expect(connection.pendingRequests()[0]).toBe(request);
  });

  it('unsubscribing before the reply forgets the request; its late reply is dropped silently', () => {
    const connection = new JSONRPCConnection(protocol);
    const [, response$] = connection.sendRequest(new Request('m'));
    const { seen, subscription } = record(response$);
    expect(connection.pendingRequests()).toHaveLength(1);
    subscription.unsubscribe();
    expect(connection.pendingRequests()).toEqual([]);
    expect(connection.receiveMessage(answer(0, 1))).toEqual(nothing);
    expect(seen).toEqual({ values: [], complete: false });
    // Only once: a second reply to the same id is a protocol error.
    expect(connection.receiveMessage(answer(0, 1))).toEqual({
      ...nothing,
      errors: [expect.objectContaining({ code: -32600, message: 'response to unsent request (ID: 0)' })],
    });
  });

  it('a request is forgotten only when its last subscriber leaves, and a new subscriber revives it', () => {
    const connection = new JSONRPCConnection(protocol);
    const [, response$] = connection.sendRequest(new Request('m'));
    const one = record(response$);
    const two = record(response$);
    one.subscription.unsubscribe();
    expect(connection.pendingRequests()).toHaveLength(1);
    two.subscription.unsubscribe();
    expect(connection.pendingRequests()).toHaveLength(0);
    const three = record(response$);
    expect(connection.pendingRequests()).toHaveLength(1);
    connection.receiveMessage(answer(0, 'late'));
    expect(three.seen).toEqual({ values: ['late'], complete: true });
  });

  it('cancelPendingRequests errors every waiter, forgotten ones included, with ConnectionError', () => {
    const connection = new JSONRPCConnection(protocol);
    const [, a$] = connection.sendRequest(new Request('a'));
    const [, b$] = connection.sendRequest(new Request('b'));
    const a = record(a$);
    record(b$).subscription.unsubscribe();
    connection.cancelPendingRequests();
    expect(a.seen.error).toBeInstanceOf(ConnectionError);
    expect(a.seen.error).toMatchObject({ name: 'ConnectionError', code: 'RXRPCX_ERR_CONNECTION' });
    expect(record(b$).seen.error).toBeInstanceOf(ConnectionError);
    expect(connection.pendingRequests()).toEqual([]);
    expect(violations(connection.receiveMessage(answer(0, 1)))).toEqual([[-32600, 'response to unsent request (ID: 0)']]);
  });

  it('settles a request once, through one path, whatever happens after', () => {
    const connection = new JSONRPCConnection(protocol);
    const [, response$] = connection.sendRequest(new Request('m'));
    const { seen } = record(response$);
    connection.receiveMessage(answer(0, 1));
    connection.cancelPendingRequests();
    expect(seen).toEqual({ values: [1], complete: true });
  });

  it('a throwing subscriber does not break receiveMessage (RxJS reports it asynchronously)', async () => {
    const connection = new JSONRPCConnection(protocol);
    const [, response$] = connection.sendRequest(new Request('m'));
    const onError = jest.fn();
    const previous = config.onUnhandledError;
    config.onUnhandledError = onError;
    try {
      response$.subscribe(() => {
        throw new Error('subscriber bug');
      });
      expect(connection.receiveMessage(answer(0, 1))).toEqual(nothing);
      expect(connection.pendingRequests()).toEqual([]);
      await eventually(() => onError.mock.calls.length > 0);
      expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'subscriber bug' }));
    } finally {
      config.onUnhandledError = previous;
    }
  });

  it('IncomingRequest.reply answers once', () => {
    const connection = new JSONRPCConnection(protocol);
    const message =
      protocol === JSONRPCv1 ? '{"method":"m","params":[],"id":3}' : '{"jsonrpc":"2.0","method":"m","id":3}';
    const [item] = connection.receiveMessage(bytes(message)).items;
    expect(item).toBeInstanceOf(IncomingRequest);
    const request = item as IncomingRequest;
    expect(request).toMatchObject({ method: 'm', args: [], id: 3, answered: false });
    expect(json(request.reply('ok'))).toMatchObject({ result: 'ok', id: 3 });
    expect(request.answered).toBe(true);
    expect(request.reply('again')).toBeUndefined();
  });

  it('answers a result that has no JSON form with its INTERNAL_ERROR instead of throwing', () => {
    const connection = new JSONRPCConnection(protocol);
    const message =
      protocol === JSONRPCv1 ? '{"method":"m","params":[],"id":3}' : '{"jsonrpc":"2.0","method":"m","id":3}';
    const [item] = connection.receiveMessage(bytes(message)).items as IncomingRequest[];
    const reply = json(item?.reply({ n: 10n })) as { error: { code: number; message: string }; id: number };
    expect(reply.id).toBe(3);
    expect(reply.error.code).toBe(JSONRPC.INTERNAL_ERROR);
    expect(reply.error.message).toMatch(/^JSON payload encoding error: /);
  });

  it('maxResponseSize can be given at construction', () => {
    const connection = new JSONRPCConnection(protocol, { maxResponseSize: 10 });
    expect(connection.maxResponseSize).toBe(10);
    expect(new JSONRPCConnection(protocol).maxResponseSize).toBe(0);
  });

  it('exposes the protocol in use', () => {
    expect(new JSONRPCConnection(protocol).protocol).toBe(protocol);
  });
});

describe('JSONRPCConnection batches (v2)', () => {
  it('a batch of notifications has no response$ and nothing pending', () => {
    const connection = new JSONRPCConnection(JSONRPCv2);
    const [message, response$] = connection.sendBatch(new Batch([new Notification('a'), new Notification('b', [1])]));
    expect(response$).toBeUndefined();
    expect(text(message)).toBe('[{"jsonrpc":"2.0","method":"a"}, {"jsonrpc":"2.0","method":"b","params":[1]}]');
    expect(connection.pendingRequests()).toEqual([]);
  });

  it('batch response$ emits the ordered results, error responses as RPCErrors', () => {
    const connection = new JSONRPCConnection(JSONRPCv2);
    const [, response$] = connection.sendBatch(new Batch([new Request('a'), new Request('b')]));
    const { seen } = record(response$ as Observable<readonly unknown[]>);
    connection.receiveMessage(
      bytes('[{"jsonrpc":"2.0","error":{"code":3,"message":"b"},"id":1},{"jsonrpc":"2.0","result":"A","id":0}]'),
    );
    expect(seen.complete).toBe(true);
    const [results] = seen.values;
    expect(results?.[0]).toBe('A');
    expect(results?.[1]).toBeInstanceOf(RPCError);
    expect(results?.[1]).toMatchObject({ code: 3, message: 'b' });
  });

  it('unsubscribing from a batch response$ forgets the batch', () => {
    const connection = new JSONRPCConnection(JSONRPCv2);
    const [, response$] = connection.sendBatch(new Batch([new Request('a')]));
    record(response$ as Observable<readonly unknown[]>).subscription.unsubscribe();
    expect(connection.pendingRequests()).toEqual([]);
    expect(connection.receiveMessage(bytes('[{"jsonrpc":"2.0","result":1,"id":0}]'))).toEqual(nothing);
  });

  it('serves a request batch: one reply when the last request is answered', () => {
    const server = new JSONRPCConnection(JSONRPCv2);
    const { items, reply, errors } = server.receiveMessage(
      bytes('[{"jsonrpc":"2.0","method":"a","id":1},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","method":"b","id":2}]'),
    );
    expect([reply, errors]).toEqual([undefined, []]);
    expect(items.map((item) => item.constructor.name)).toEqual(['IncomingRequest', 'Notification', 'IncomingRequest']);
    const [a, , b] = items as [IncomingRequest, Notification, IncomingRequest];
    expect(b.reply(new RPCError(-1, 'B'))).toBeUndefined();
    expect(text(a.reply('A'))).toBe(
      '[{"jsonrpc":"2.0","error":{"code":-1,"message":"B"},"id":2}, {"jsonrpc":"2.0","result":"A","id":1}]',
    );
  });

  it('a batch whose members are all bad is answered at once, and reports each bad member', () => {
    const server = new JSONRPCConnection(JSONRPCv2);
    const received = server.receiveMessage(bytes('[1, {"jsonrpc":"2.0","method":7,"id":4}]'));
    expect(received.items).toEqual([]);
    expect(violations(received)).toEqual([
      [-32600, 'request object must be a dictionary'],
      [-32601, 'method must be a string'],
    ]);
    expect(json(received.reply)).toEqual([
      { jsonrpc: '2.0', error: { code: -32600, message: 'request object must be a dictionary' }, id: null },
      { jsonrpc: '2.0', error: { code: -32601, message: 'method must be a string' }, id: 4 },
    ]);
  });

  it('a batch of notifications and bad members answers the bad members at once (the reference never does)', () => {
    const server = new JSONRPCConnection(JSONRPCv2);
    const received = server.receiveMessage(
      bytes('[{"jsonrpc":"2.0","method":"n"}, 7, {"jsonrpc":"2.0","method":"m","params":[1]}]'),
    );
    expect(violations(received)).toEqual([[-32600, 'request object must be a dictionary']]);
    expect(json(received.reply)).toEqual([
      { jsonrpc: '2.0', error: { code: -32600, message: 'request object must be a dictionary' }, id: null },
    ]);
    // The notifications are still to be processed.
    expect(received.items).toEqual([new Notification('n', []), new Notification('m', [1])]);
    // With a request among them, the last request answered sends the batch, as before; the bad member is reported now.
    const { items, reply, errors } = server.receiveMessage(
      bytes('[{"jsonrpc":"2.0","method":"n"}, 7, {"jsonrpc":"2.0","method":"a","id":1}]'),
    );
    expect(reply).toBeUndefined();
    expect(errors.map((error) => error.message)).toEqual(['request object must be a dictionary']);
    expect(items.map((item) => item.constructor.name)).toEqual(['Notification', 'IncomingRequest']);
    expect(json((items[1] as IncomingRequest).reply('A'))).toEqual([
      { jsonrpc: '2.0', error: { code: -32600, message: 'request object must be a dictionary' }, id: null },
      { jsonrpc: '2.0', result: 'A', id: 1 },
    ]);
  });

  it('a malformed message is reported with its error reply, and nothing to process', () => {
    const server = new JSONRPCConnection(JSONRPCv2);
    const received = server.receiveMessage(bytes('{'));
    expect(violations(received)).toEqual([[JSONRPC.PARSE_ERROR, 'invalid JSON']]);
    expect(received.items).toEqual([]);
    expect(received.reply).toBe(received.errors[0]?.replyBytes);
    expect(json(received.reply)).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'invalid JSON' }, id: null });
  });

  it('a bad response batch reports each bad member, delivers nothing and sends nothing', () => {
    const client = new JSONRPCConnection(JSONRPCv2);
    const [, response$] = client.sendBatch(new Batch([new Request('a'), new Request('b')]));
    const { seen } = record(response$ as Observable<readonly unknown[]>);
    const received = client.receiveMessage(bytes('[{"jsonrpc":"2.0","result":1,"id":0}, {"result":2,"id":1}, {"jsonrpc":"2.0","result":3}]'));
    expect(received.items).toEqual([]);
    expect(received.reply).toBeUndefined();
    expect(violations(received)).toEqual([
      [-32600, '"jsonrpc" is not "2.0"'],
      [-32600, 'request has no "id"'],
    ]);
    expect(received.errors.map((error) => error.inResponse)).toEqual([true, true]);
    expect(seen).toEqual({ values: [], complete: false });
    expect(client.pendingRequests()).toHaveLength(1);
  });

  it('a response to an unsent batch is reported, not thrown', () => {
    const client = new JSONRPCConnection(JSONRPCv2);
    expect(violations(client.receiveMessage(bytes('[{"jsonrpc":"2.0","result":1,"id":0}]')))).toEqual([
      [-32600, 'response to unsent batch'],
    ]);
  });

  it('without Batch loaded (a bundle that never makes batches), a response batch is refused as unsent, unread', () => {
    jest.isolateModules(() => {
      // Fresh copies of the modules, as a bundle without Batch holds them.
      const { JSONRPCConnection: Connection } = jest.requireActual<typeof import('../../lib/jsonrpc/JSONRPCConnection')>('../../lib/jsonrpc/JSONRPCConnection');
      const { JSONRPCv2: V2 } = jest.requireActual<typeof import('../../lib/jsonrpc/JSONRPCv2')>('../../lib/jsonrpc/JSONRPCv2');
      const { batching } = jest.requireActual<typeof import('../../lib/jsonrpc/batchInternals')>('../../lib/jsonrpc/batchInternals');
      expect(batching.peek()).toBeUndefined();
      const client = new Connection(V2);
      const received = client.receiveMessage(bytes('[{"jsonrpc":"2.0","result":1,"id":0},{"jsonrpc":"1.0","result":2,"id":1}]'));
      expect(received.errors.map((error) => [error.code, error.message])).toEqual([[-32600, 'response to unsent batch']]);
      expect(received.items).toEqual([]);
      expect(batching.peek()).toBeUndefined();
    });
  });

  it('the oversized-response error replaces a big reply', () => {
    const server = new JSONRPCConnection(JSONRPCv2, { maxResponseSize: 1000 });
    const [item] = server.receiveMessage(bytes('{"jsonrpc":"2.0","method":"m","id":1}')).items as IncomingRequest[];
    expect(json(item?.reply('x'.repeat(2000)))).toEqual({
      jsonrpc: '2.0',
      error: { code: -32600, message: 'response too large (over 1,000 bytes' },
      id: 1,
    });
  });
});
