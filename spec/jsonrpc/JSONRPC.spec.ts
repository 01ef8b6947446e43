import {
  Batch,
  JSONRPC,
  JSONRPCAutoDetect,
  JSONRPCLoose,
  JSONRPCv1,
  JSONRPCv2,
  Notification,
  ProtocolError,
  Request,
  RPCError,
} from '../../lib/jsonrpc';
import { ALL_MESSAGES, tableHex, tableLabel } from './messageTable';
import { PROTOCOL_NAMES, PROTOCOLS, hexText, runOurs, runReference, type Case, type ItemSpec, type ProtocolName } from './referenceHarness';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('JSONRPC error codes', () => {
  it('are the reference values', () => {
    expect([
      JSONRPC.PARSE_ERROR,
      JSONRPC.INVALID_REQUEST,
      JSONRPC.METHOD_NOT_FOUND,
      JSONRPC.INVALID_ARGS,
      JSONRPC.INTERNAL_ERROR,
      JSONRPC.ERROR_CODE_UNAVAILABLE,
      JSONRPC.EXCESSIVE_RESOURCE_USAGE,
      JSONRPC.SERVER_BUSY,
    ]).toEqual([-32700, -32600, -32601, -32602, -32603, -100, -101, -102]);
    expect(JSONRPCv2.PARSE_ERROR).toBe(-32700);
  });

  it('the abstract base refuses to interpret messages', () => {
    expect(() => JSONRPC.messageToItem(bytes('{"method":"m"}'))).toThrow(TypeError);
  });

  it('every hook a version has not overridden names the class that lacks it', () => {
    class Unfinished extends JSONRPC {}
    const abstract = new TypeError('Unfinished is abstract: use a concrete JSON-RPC protocol class');
    expect(() => Unfinished.messageToItem(bytes('{"method":"m"}'))).toThrow(abstract);
    expect(() => Unfinished.requestMessage(new Request('m'), 0)).toThrow(abstract);
    expect(() => Unfinished.responseMessage(1, 0)).toThrow(abstract);
    expect(() => Unfinished.responseMessage(new RPCError(1, 'x'), 0)).toThrow(abstract);
    expect(() => Unfinished.processResponse({ result: 1, id: 0 })).toThrow(abstract);
    expect(() => JSONRPC.notificationMessage(new Notification('n'))).toThrow(new TypeError('JSONRPC is abstract: use a concrete JSON-RPC protocol class'));
  });
});

// ---------------------------------------------------------------------------
// Differential: every table message through every protocol's messageToItem.

const itemCases: Case[] = PROTOCOL_NAMES.flatMap((protocol) =>
  ALL_MESSAGES.map((message): Case => ({ op: 'messageToItem', protocol, hex: tableHex(message) })),
);
const detectCases: Case[] = ALL_MESSAGES.map((message): Case => ({ op: 'detect', hex: tableHex(message) }));

describe('messageToItem against the reference', () => {
  let reference: unknown[];
  let ours: unknown[];
  beforeAll(() => {
    const cases = [...itemCases, ...detectCases];
    reference = runReference(cases);
    ours = runOurs(cases);
  });

  describe.each(PROTOCOL_NAMES.map((name, p) => [name, p] as const))('%s', (_name, p) => {
    it.each(ALL_MESSAGES.map((message, m) => [tableLabel(message), m] as const))('%s', (_label, m) => {
      const index = p * ALL_MESSAGES.length + m;
      expect(ours[index]).toEqual(reference[index]);
    });
  });

  it.each(ALL_MESSAGES.map((message, m) => [tableLabel(message), m] as const))('detectProtocol %s', (_label, m) => {
    const index = itemCases.length + m;
    expect(ours[index]).toEqual(reference[index]);
  });
});

// ---------------------------------------------------------------------------
// Differential: message construction.

const ITEMS: ReadonlyArray<{ method: unknown; args: unknown }> = [
  { method: 'm', args: [] },
  { method: 'm', args: [1, 'two', null, { three: [3] }] },
  { method: 'm', args: {} },
  { method: 'm', args: { a: 1, b: 'x' } },
  { method: 'ünï 😀', args: ['\ud800', 'é'] },
  { method: 5, args: [] },
  { method: null, args: [] },
  { method: 'm', args: 'not args' },
  { method: 'm', args: 5 },
  { method: 'm', args: null },
];
const IDS: readonly unknown[] = [0, 7, 'id', null, 1.5];
const RESULTS: readonly unknown[] = [null, 0, 'text', [1, 2], { a: { b: [] } }, true, 1.25];
const ERRORS = [
  { code: -32600, message: 'bad' },
  { code: 0, message: '' },
  { code: 42, message: 'ünï "quoted"' },
];
const BATCHES: ReadonlyArray<{ items: ItemSpec[]; ids: unknown[] }> = [
  { items: [{ kind: 'request', method: 'a', args: [1] }], ids: [0] },
  {
    items: [
      { kind: 'request', method: 'a', args: [] },
      { kind: 'notification', method: 'n', args: { x: 1 } },
      { kind: 'request', method: 'b', args: {} },
    ],
    ids: [3, 'four'],
  },
  { items: [{ kind: 'notification', method: 'n', args: [] }], ids: [] },
  { items: [{ kind: 'request', method: 'a', args: { named: true } }], ids: [0] },
];

const constructionCases: Case[] = PROTOCOL_NAMES.flatMap((protocol: ProtocolName): Case[] => [
  ...ITEMS.flatMap(({ method, args }) => [
    ...IDS.map((id): Case => ({ op: 'requestMessage', protocol, method, args, id })),
    { op: 'notificationMessage', protocol, method, args } as Case,
  ]),
  ...IDS.flatMap((id) => [
    ...RESULTS.map((result): Case => ({ op: 'responseMessage', protocol, result, id })),
    ...ERRORS.map((error): Case => ({ op: 'responseMessage', protocol, error, id })),
  ]),
  ...BATCHES.map(({ items, ids }): Case => ({ op: 'batchMessage', protocol, items, ids })),
  { op: 'batchMessageFromParts', protocol, parts: [] },
  { op: 'batchMessageFromParts', protocol, parts: [''] },
  { op: 'batchMessageFromParts', protocol, parts: [hexText('{"a":1}')] },
  { op: 'batchMessageFromParts', protocol, parts: [hexText('1'), hexText('{"b":[2]}'), hexText('"x"')] },
  { op: 'encodePayload', protocol, payload: { b: 1, a: [null, true, 'é'] } },
  { op: 'encodePayload', protocol, payload: 'just a string' },
  { op: 'encodePayload', protocol, payload: null },
]);

describe('message construction against the reference', () => {
  let reference: unknown[];
  let ours: unknown[];
  beforeAll(() => {
    reference = runReference(constructionCases);
    ours = runOurs(constructionCases);
  });

  it.each(constructionCases.map((c, i) => [`${c.op} ${JSON.stringify(c).slice(0, 110)}`, i] as const))(
    '%s',
    (_label, i) => {
      expect(ours[i]).toEqual(reference[i]);
    },
  );
});

// ---------------------------------------------------------------------------
// Payload shapes spelled out, key order included.

describe.each([
  [JSONRPCv1, '{"method":"m","params":[1],"id":0}', '{"method":"m","params":[1],"id":null}', '{"result":5,"error":null,"id":0}', '{"result":null,"error":{"code":-1,"message":"x"},"id":0}'],
  [JSONRPCv2, '{"jsonrpc":"2.0","method":"m","id":0,"params":[1]}', '{"jsonrpc":"2.0","method":"m","params":[1]}', '{"jsonrpc":"2.0","result":5,"id":0}', '{"jsonrpc":"2.0","error":{"code":-1,"message":"x"},"id":0}'],
  [JSONRPCLoose, '{"jsonrpc":"2.0","method":"m","id":0,"params":[1]}', '{"jsonrpc":"2.0","method":"m","params":[1]}', '{"jsonrpc":"2.0","result":5,"id":0}', '{"jsonrpc":"2.0","error":{"code":-1,"message":"x"},"id":0}'],
  [JSONRPCAutoDetect, '{"jsonrpc":"2.0","method":"m","id":0,"params":[1]}', '{"jsonrpc":"2.0","method":"m","params":[1]}', '{"jsonrpc":"2.0","result":5,"id":0}', '{"jsonrpc":"2.0","error":{"code":-1,"message":"x"},"id":0}'],
] as const)('%p payloads', (protocol, request, notification, response, error) => {
  it('builds requests, notifications, responses and error responses', () => {
    expect(text(protocol.requestMessage(new Request('m', [1]), 0))).toBe(request);
    expect(text(protocol.notificationMessage(new Notification('m', [1])))).toBe(notification);
    expect(text(protocol.responseMessage(5, 0))).toBe(response);
    expect(text(protocol.responseMessage(new RPCError(-1, 'x'), 0))).toBe(error);
  });

  it('sends undefined results as null', () => {
    expect(JSON.parse(text(protocol.responseMessage(undefined, 3))).result).toBeNull();
  });

  it('refuses to encode what has no JSON form', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const payload of [cyclic, 10n, undefined]) {
      const attempt = () => protocol.encodePayload(payload);
      expect(attempt).toThrow(ProtocolError);
      expect(attempt).toThrow(/^JSON payload encoding error: /);
    }
    expect(() => protocol.responseMessage({ big: 1n }, 0)).toThrow(
      expect.objectContaining({
        code: JSONRPC.INTERNAL_ERROR,
        message: expect.stringMatching(/^JSON payload encoding error: \{.*'result': \{'big': 1\}.*'id': 0\}$/),
      }),
    );
  });

  it('joins batch parts with ", "', () => {
    expect(text(protocol.batchMessageFromParts([bytes('1'), bytes('2')]))).toBe('[1, 2]');
    expect(() => protocol.batchMessageFromParts([])).toThrow('batch is empty');
  });
});

describe('batchMessage', () => {
  it('refuses batches under JSON-RPC 1.0', () => {
    const batch = new Batch([new Request('a')]);
    expect(() => JSONRPCv1.batchMessage(batch, [0])).toThrow(
      expect.objectContaining({ name: 'ProtocolError', code: -32600, message: 'protocol does not permit batches' }),
    );
  });

  it('needs an id per request', () => {
    expect(() => JSONRPCv2.batchMessage(new Batch([new Request('a'), new Request('b')]), [0])).toThrow(TypeError);
  });
});

describe('ProtocolError replies from messageToItem', () => {
  it.each(PROTOCOL_NAMES)('%s: parse errors carry an error reply with a null id', (name) => {
    const protocol = PROTOCOLS[name];
    try {
      protocol.messageToItem(bytes('{'));
      throw new Error('expected a ProtocolError');
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError);
      const e = error as ProtocolError;
      expect(e).toMatchObject({ code: -32700, message: 'invalid JSON', inResponse: false, responseId: undefined });
      const reply = JSON.parse(text(e.replyBytes ?? new Uint8Array())) as Record<string, unknown>;
      expect(reply['id']).toBeNull();
      expect(reply['error']).toEqual({ code: -32700, message: 'invalid JSON' });
    }
  });

  it('errors found in a response carry its id and no reply', () => {
    try {
      JSONRPCv2.messageToItem(bytes('{"jsonrpc":"2.0","id":4}'));
      throw new Error('expected a ProtocolError');
    } catch (error) {
      expect(error).toMatchObject({
        code: -32600,
        message: 'response contains neither "result" nor "error"',
        inResponse: true,
        responseId: 4,
        replyBytes: undefined,
      });
    }
  });
});
