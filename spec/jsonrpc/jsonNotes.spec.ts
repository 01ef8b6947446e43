/**
 * Where JavaScript's JSON differs from Python's, and where rxrpcx chose not
 * to copy a reference crash: each difference listed in
 * the README section 'JSON in JavaScript and Python', asserted on both sides so the notes stay true.
 */
import {
  JSONRPCConnection,
  JSONRPCv1,
  JSONRPCv2,
  ProtocolError,
  Request,
  RPCError,
  type IncomingRequest,
} from '../../lib/jsonrpc';
import { hexText, runOurs, runReference, type Case } from './referenceHarness';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);

type Result = Record<string, unknown>;
/** The value of `key` in a normalized (ordered-entries) JSON object. */
function entry(value: unknown, key: string): unknown {
  const entries = (value as { entries: Array<[string, unknown]> }).entries;
  return entries.find(([k]) => k === key)?.[1];
}
/** The parsed reply payload of a described ProtocolError. */
const replyJSON = (result: unknown): unknown => (((result as Result)['error'] as Result)['reply'] as Result)['json'];

const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

const CASES: Record<string, Case> = {
  nanId: { op: 'messageToItem', protocol: 'JSONRPCv2', hex: hexText('{"jsonrpc":"2.0","method":5,"id":NaN}') },
  bigId: {
    op: 'messageToItem',
    protocol: 'JSONRPCv2',
    hex: hexText('{"jsonrpc":"2.0","method":5,"id":12345678901234567891}'),
  },
  floatCode: {
    op: 'messageToItem',
    protocol: 'JSONRPCv2',
    hex: hexText('{"jsonrpc":"2.0","error":{"code":1.0,"message":"x"},"id":0}'),
  },
  boolCode: {
    op: 'messageToItem',
    protocol: 'JSONRPCv2',
    hex: hexText('{"jsonrpc":"2.0","error":{"code":true,"message":"x"},"id":0}'),
  },
  intKeys: {
    op: 'messageToItem',
    protocol: 'JSONRPCv2',
    hex: hexText('{"jsonrpc":"2.0","method":"m","id":{"b":1,"0":2}}'),
  },
  deepNesting: { op: 'messageToItem', protocol: 'JSONRPCv2', hex: hexText(deep(2000)) },
  floatText: {
    op: 'messageToItem',
    protocol: 'JSONRPCv2',
    hex: hexText('{"jsonrpc":"2.0","method":"m","params":1e16,"id":1}'),
  },
  unhashableId: {
    op: 'connection',
    protocol: 'JSONRPCv1',
    steps: [{ op: 'receive', hex: hexText('{"result":1,"error":null,"id":{"a":1}}') }],
  },
  mixedBatchIds: {
    op: 'connection',
    protocol: 'JSONRPCv2',
    steps: [
      { op: 'request', method: 'a' },
      { op: 'receive', hex: hexText('[{"jsonrpc":"2.0","result":1,"id":0},{"jsonrpc":"2.0","result":1,"id":"a"}]') },
    ],
  },
  replyTwice: {
    op: 'connection',
    protocol: 'JSONRPCv2',
    steps: [
      { op: 'receive', hex: hexText('{"jsonrpc":"2.0","method":"m","id":1}') },
      { op: 'reply', index: 0, result: 1 },
      { op: 'reply', index: 0, result: 2 },
    ],
  },
  nonAscii: { op: 'responseMessage', protocol: 'JSONRPCv2', result: 'é', id: 0 },
};

describe('documented JSON differences from the reference', () => {
  const names = Object.keys(CASES);
  const ref: Record<string, unknown> = {};
  const ours: Record<string, unknown> = {};
  beforeAll(() => {
    const cases = names.map((name) => CASES[name] as Case);
    const refResults = runReference(cases);
    const ourResults = runOurs(cases);
    names.forEach((name, i) => {
      ref[name] = refResults[i];
      ours[name] = ourResults[i];
    });
  });

  it('NaN / Infinity are accepted as numbers, but written as null', () => {
    expect(entry(replyJSON(ref['nanId']), 'id')).toBeNaN();
    expect(entry(replyJSON(ours['nanId']), 'id')).toBeNull();
    expect(text(JSONRPCv2.responseMessage(NaN, 0))).toBe('{"jsonrpc":"2.0","result":null,"id":0}');
  });

  it('integers beyond 2^53 lose precision', () => {
    expect(entry(replyJSON(ref['bigId']), 'id')).toBe(12345678901234567891);
    // Both parse to the same double here; the text differs:
    const reply = (ours['bigId'] as Result)['error'] as Result;
    expect(reply['code']).toBe(-32601);
    const connection = new JSONRPCConnection(JSONRPCv2);
    const [item] = connection.receiveMessage(bytes('{"jsonrpc":"2.0","method":"m","id":12345678901234567891}')).items;
    expect(text((item as IncomingRequest).reply(0))).toBe('{"jsonrpc":"2.0","result":0,"id":12345678901234567000}');
  });

  it('an integral number written with a fraction (1.0) counts as an integer', () => {
    expect(ref['floatCode']).toMatchObject({ error: { type: 'ProtocolError', message: "ill-formed response error object: {'code': 1.0, 'message': 'x'}" } });
    expect(ours['floatCode']).toEqual({ item: { kind: 'response', result: { error: { type: 'RPCError', code: 1, message: 'x' } }, id: 0 } });
  });

  it('a boolean error code reads as 1 / 0 (Python keeps True / False)', () => {
    expect(ref['boolCode']).toEqual({ item: { kind: 'response', result: { error: { type: 'RPCError', code: true, message: 'x' } }, id: 0 } });
    expect(ours['boolCode']).toEqual({ item: { kind: 'response', result: { error: { type: 'RPCError', code: 1, message: 'x' } }, id: 0 } });
  });

  it('integer-like object keys come first', () => {
    expect(ref['intKeys']).toMatchObject({ error: { message: `invalid "id": {'b': 1, '0': 2}` } });
    expect(ours['intKeys']).toMatchObject({ error: { message: `invalid "id": {'0': 2, 'b': 1}` } });
  });

  it('numbers in messages print as integers when integral', () => {
    expect(ref['floatText']).toMatchObject({ error: { message: 'invalid request arguments: 1e+16' } });
    expect(ours['floatText']).toMatchObject({ error: { message: 'invalid request arguments: 10000000000000000' } });
  });

  it('nesting deeper than 1000 is a parse error (the reference crashes with RecursionError)', () => {
    expect(ref['deepNesting']).toEqual({ error: { type: 'RecursionError' } });
    expect(ours['deepNesting']).toMatchObject({ error: { type: 'ProtocolError', code: -32700, message: 'invalid JSON' } });
    expect(JSONRPCv2.messageToItem(bytes(deep(1000))).kind).toBe('batch');
    expect(() => JSONRPCv2.messageToItem(bytes(deep(1001)))).toThrow('invalid JSON');
    expect(() => JSONRPCv2.messageToItem(bytes(`["${'['.repeat(3000)}"]`))).not.toThrow();
  });

  it('a 1.0 response with an object id is unsent, not a TypeError', () => {
    expect(ref['unhashableId']).toEqual({ steps: [{ error: { type: 'TypeError' } }] });
    expect(ours['unhashableId']).toMatchObject({
      steps: [{ error: { type: 'ProtocolError', message: "response to unsent request (ID: {'a': 1})" } }],
    });
  });

  it('a response batch with ids of mixed types is unsent, not a TypeError', () => {
    expect(((ref['mixedBatchIds'] as Result)['steps'] as unknown[])[1]).toEqual({ error: { type: 'TypeError' } });
    expect(((ours['mixedBatchIds'] as Result)['steps'] as unknown[])[1]).toMatchObject({
      error: { type: 'ProtocolError', message: 'response to unsent batch' },
    });
  });

  it('a request is answered once', () => {
    const refSteps = (ref['replyTwice'] as Result)['steps'] as Result[];
    const ourSteps = (ours['replyTwice'] as Result)['steps'] as Result[];
    expect(refSteps[2]?.['bytes']).not.toBeNull();
    expect(ourSteps[2]?.['bytes']).toBeNull();
  });

  it('non-ASCII text is sent as UTF-8, not \\u escapes (same JSON, fewer bytes)', () => {
    expect(ours['nonAscii']).toEqual(ref['nonAscii']);
    expect(text(JSONRPCv2.responseMessage('é', 0))).toBe('{"jsonrpc":"2.0","result":"é","id":0}');
  });

  it('lone surrogates round-trip as \\u escapes, like the reference', () => {
    const item = JSONRPCv2.messageToItem(bytes('{"jsonrpc":"2.0","method":"\\ud800","id":1}'));
    expect(item.kind === 'request' && item.item.method).toBe('\ud800');
    expect(text(JSONRPCv2.requestMessage(new Request('\ud800'), 0))).toBe('{"jsonrpc":"2.0","method":"\\ud800","id":0}');
    expect(() => JSONRPCv2.messageToItem(new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]))).toThrow(
      'messages must be encoded in UTF-8',
    );
  });

  it('a byte-order mark is invalid JSON, as in the reference', () => {
    expect(() => JSONRPCv1.messageToItem(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toThrow('invalid JSON');
  });

  it('JSON.stringify rules apply to what handlers return (toJSON, undefined members)', () => {
    expect(text(JSONRPCv2.responseMessage({ a: undefined, b: [undefined], e: new RPCError(1, 'x') }, 0))).toBe(
      '{"jsonrpc":"2.0","result":{"b":[null],"e":{"code":1,"message":"x"}},"id":0}',
    );
    expect(() => JSONRPCv2.responseMessage(1n, 0)).toThrow(ProtocolError);
  });
});
