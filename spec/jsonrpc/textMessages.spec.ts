import fc from 'fast-check';
import {
  IncomingRequest,
  JSONRPC,
  JSONRPCAutoDetect,
  JSONRPCConnection,
  JSONRPCLoose,
  JSONRPCv1,
  JSONRPCv2,
  ProtocolError,
  Request,
  RPCError,
  type JSONRPCProtocol,
  type Responder,
} from 'rxrpcx';
import { replyText } from '../../lib/jsonrpc/connectionInternals';
import { encodePayloadText, requestText, responseText } from '../../lib/jsonrpc/protocolInternals';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const text = (message: Uint8Array): string => decoder.decode(message);

const PROTOCOLS: ReadonlyArray<readonly [string, JSONRPCProtocol]> = [
  ['JSONRPCv1', JSONRPCv1],
  ['JSONRPCv2', JSONRPCv2],
  ['JSONRPCLoose', JSONRPCLoose],
  ['JSONRPCAutoDetect', JSONRPCAutoDetect],
];

/** What a call returns, or the error it throws, for comparing the text and bytes forms. */
function outcome(action: () => string): { ok: string } | { thrown: unknown } {
  try {
    return { ok: action() };
  } catch (error) {
    return { thrown: error };
  }
}

/** The text form and the bytes form agree: same text, or the same ProtocolError. */
function expectSame(textForm: () => string, bytesForm: () => Uint8Array): void {
  const fromText = outcome(textForm);
  const fromBytes = outcome(() => text(bytesForm()));
  if ('ok' in fromBytes) {
    expect(fromText).toEqual(fromBytes);
    return;
  }
  expect('thrown' in fromText).toBe(true);
  const thrownByText = 'thrown' in fromText ? fromText.thrown : undefined;
  expect(thrownByText).toBeInstanceOf(ProtocolError);
  expect(fromBytes.thrown).toBeInstanceOf(ProtocolError);
  expect(thrownByText).toMatchObject({
    code: (fromBytes.thrown as ProtocolError).code,
    message: (fromBytes.thrown as ProtocolError).message,
  });
}

const cyclic: Record<string, unknown> = { a: 1 };
cyclic['self'] = cyclic;

const RESULTS: ReadonlyArray<readonly [string, unknown]> = [
  ['null', null],
  ['undefined (sent as null)', undefined],
  ['zero', 0],
  ['a float', -1.5],
  ['NaN (null in JSON)', Number.NaN],
  ['a boolean', true],
  ['ASCII text', 'plain'],
  ['multibyte text', 'é€😀 \u2028 "quoted" \\ \n'],
  ['a lone surrogate', 'x\ud800y\udc00'],
  ['an array', [1, [2, [3, 'four']], null]],
  ['an object', { a: { b: [null, false] }, 'ключ': 'значение' }],
  ['an RPCError', new RPCError(-32601, 'unknown method "x"')],
  ['an RPCError with a multibyte message', new RPCError(7, 'échec – 😀')],
  ['a ProtocolError', ProtocolError.invalidRequest('bad')],
];

const UNENCODABLE: ReadonlyArray<readonly [string, unknown]> = [
  ['a BigInt', 10n],
  ['a cycle', cyclic],
];

describe('text forms of the message builders', () => {
  it('are internal: the protocol classes do not have them', () => {
    for (const [, protocol] of PROTOCOLS) {
      for (const name of ['requestText', 'responseText', 'encodePayloadText']) expect(name in protocol).toBe(false);
    }
  });

  describe.each(PROTOCOLS)('under %s', (_name, protocol) => {
    it('requestText is the decoded requestMessage', () => {
      const requests = [
        new Request('m', []),
        new Request('sum', [1, 2.5, 'é€😀', null, { k: [true] }]),
        new Request('lone', ['\udfff']),
        new Request('named', { a: 1, b: 'two' }),
        new Request('unencodable', [10n]),
      ];
      for (const request of requests) {
        for (const id of [0, 7, 123456789]) {
          expectSame(
            () => requestText(protocol, request, id),
            () => protocol.requestMessage(request, id),
          );
        }
      }
    });

    it('responseText is the decoded responseMessage, for results and error results', () => {
      for (const [, result] of RESULTS) {
        for (const id of [0, 42, 'text-id', null]) {
          expect(responseText(protocol, result, id)).toBe(text(protocol.responseMessage(result, id)));
        }
      }
    });

    it.each(UNENCODABLE)('responseText of %s throws ProtocolError INTERNAL_ERROR, as responseMessage does', (_label, result) => {
      expectSame(
        () => responseText(protocol, result, 1),
        () => protocol.responseMessage(result, 1),
      );
      expect(() => responseText(protocol, result, 1)).toThrow(ProtocolError);
      try {
        responseText(protocol, result, 1);
      } catch (error) {
        expect(error).toMatchObject({ code: JSONRPC.INTERNAL_ERROR });
        expect((error as ProtocolError).message).toMatch(/^JSON payload encoding error: /);
      }
    });

    it('property: requestText and responseText match the bytes forms for any JSON value', () => {
      fc.assert(
        fc.property(
          fc.jsonValue({ maxDepth: 3 }),
          fc.oneof(fc.nat(), fc.string()),
          fc.string({ unit: 'binary', maxLength: 12 }),
          (value, id, method) => {
            expect(responseText(protocol, value, id)).toBe(text(protocol.responseMessage(value, id)));
            const request = new Request(method, [value]);
            expectSame(
              () => requestText(protocol, request, id),
              () => protocol.requestMessage(request, id),
            );
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('encodePayloadText', () => {
    it.each(RESULTS.filter(([label]) => !label.startsWith('undefined')))('is the decoded encodePayload for %s', (_label, value) => {
      expect(encodePayloadText(value)).toBe(text(JSONRPC.encodePayload(value)));
    });

    it.each([...UNENCODABLE, ['undefined', undefined] as const, ['a function', () => 1] as const, ['a symbol', Symbol('s')] as const])(
      'throws ProtocolError INTERNAL_ERROR for %s, with the bytes form\'s message',
      (_label, value) => {
        expectSame(
          () => encodePayloadText(value),
          () => JSONRPC.encodePayload(value),
        );
        expect(() => encodePayloadText(value)).toThrow(ProtocolError);
        expect(outcome(() => encodePayloadText(value))).toMatchObject({ thrown: { code: JSONRPC.INTERNAL_ERROR } });
      },
    );

    it('is compact JSON', () => {
      expect(encodePayloadText({ a: [1, 2], b: 'é' })).toBe('{"a":[1,2],"b":"é"}');
    });

    it('property: equals the decoded bytes form for any value fast-check can make', () => {
      fc.assert(
        fc.property(fc.anything({ maxDepth: 3, withBigInt: true, withNullPrototype: true }), (value) => {
          expectSame(
            () => encodePayloadText(value),
            () => JSONRPC.encodePayload(value),
          );
        }),
        { numRuns: 300 },
      );
    });
  });
});

describe('replyText (connectionInternals)', () => {
  /** One lone request received by a fresh connection. */
  function loneRequest(message = '{"jsonrpc":"2.0","method":"add","params":[1,2],"id":7}', maxResponseSize = 0): IncomingRequest {
    const connection = new JSONRPCConnection(JSONRPCv2, { maxResponseSize });
    const [item] = connection.receiveMessage(bytes(message)).items;
    if (!(item instanceof IncomingRequest)) throw new Error('expected a request');
    return item;
  }

  it('is internal: IncomingRequest has only reply', () => {
    expect('replyMessage' in loneRequest()).toBe(false);
  });

  it('answers a lone request with JSON text', () => {
    const request = loneRequest();
    const reply = replyText(request, 3);
    expect(reply).toBe('{"jsonrpc":"2.0","result":3,"id":7}');
    expect(request.answered).toBe(true);
  });

  it('answers an error result with the error response text', () => {
    const reply = replyText(loneRequest(), new RPCError(-32602, 'nope'));
    expect(reply).toBe('{"jsonrpc":"2.0","error":{"code":-32602,"message":"nope"},"id":7}');
  });

  it('answers an unencodable result with its INTERNAL_ERROR', () => {
    const reply = replyText(loneRequest(), 10n);
    expect(typeof reply).toBe('string');
    const parsed = JSON.parse(reply as string) as { error: { code: number; message: string }; id: number };
    expect(parsed.error.code).toBe(JSONRPC.INTERNAL_ERROR);
    expect(parsed.id).toBe(7);
  });

  it('keeps reply() returning bytes, equal to the replyText text encoded', () => {
    const viaText = replyText(loneRequest(), { sum: 'é€😀' });
    const viaBytes = loneRequest().reply({ sum: 'é€😀' });
    expect(viaBytes).toBeInstanceOf(Uint8Array);
    expect(text(viaBytes as Uint8Array)).toBe(viaText);
  });

  it('counts only the first call, whichever of reply and replyText it was', () => {
    const first = loneRequest();
    expect(replyText(first, 1)).toBeDefined();
    expect(replyText(first, 2)).toBeUndefined();
    expect(first.reply(3)).toBeUndefined();

    const second = loneRequest();
    expect(second.reply(1)).toBeDefined();
    expect(replyText(second, 2)).toBeUndefined();
    expect(second.reply(3)).toBeUndefined();
  });

  it('answers batch members with undefined until the last, then the whole batch as bytes', () => {
    const connection = new JSONRPCConnection(JSONRPCv2);
    const { items } = connection.receiveMessage(
      bytes('[{"jsonrpc":"2.0","method":"a","id":1},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","method":"b","id":2}]'),
    );
    const requests = items.filter((item): item is IncomingRequest => item instanceof IncomingRequest);
    expect(requests).toHaveLength(2);
    expect(replyText(requests[1], 'B')).toBeUndefined();
    const batch = replyText(requests[0], 'A');
    expect(batch).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(text(batch as Uint8Array))).toEqual([
      { jsonrpc: '2.0', result: 'B', id: 2 },
      { jsonrpc: '2.0', result: 'A', id: 1 },
    ]);
    expect(replyText(requests[0], 'again')).toBeUndefined();
  });

  it('passes on whatever the responder makes: text, bytes or nothing', () => {
    const made: Array<Uint8Array | string | undefined> = ['text', bytes('bytes'), undefined];
    for (const message of made) {
      const responder: Responder = () => message;
      const request = new IncomingRequest('m', [], 1, responder);
      expect(replyText(request, 0)).toBe(message);
      const again = new IncomingRequest('m', [], 1, responder);
      const reply = again.reply(0);
      if (message === undefined) expect(reply).toBeUndefined();
      else expect(text(reply as Uint8Array)).toBe(typeof message === 'string' ? message : text(message));
    }
  });

  describe('maxResponseSize on lone replies', () => {
    const asText = (message: Uint8Array | string | undefined): string =>
      message === undefined ? '' : typeof message === 'string' ? message : text(message);
    const oversized = (limit: number): unknown => ({
      jsonrpc: '2.0',
      error: { code: JSONRPC.INVALID_REQUEST, message: `response too large (over ${limit.toLocaleString('en-US')} bytes` },
      id: 7,
    });

    it('replaces an oversized reply with the error reply', () => {
      const reply = replyText(loneRequest(undefined, 60), 'x'.repeat(100));
      expect(JSON.parse(asText(reply))).toEqual(oversized(60));
      const small = replyText(loneRequest(undefined, 60), 'x'.repeat(10));
      expect(JSON.parse(asText(small))).toEqual({ jsonrpc: '2.0', result: 'x'.repeat(10), id: 7 });
    });

    it('measures UTF-8 bytes, not string length: multibyte text under the limit in characters is still oversized', () => {
      const result = '€'.repeat(40); // 40 characters, 120 bytes
      const full = responseText(JSONRPCv2, result, 7);
      const byteLength = encoder.encode(full).length;
      const limit = full.length + 10;
      expect(full.length).toBeLessThan(limit);
      expect(byteLength).toBeGreaterThan(limit);
      expect(JSON.parse(asText(replyText(loneRequest(undefined, limit), result)))).toEqual(oversized(limit));
      expect(JSON.parse(asText(loneRequest(undefined, limit).reply(result)))).toEqual(oversized(limit));
    });

    it('allows a reply of exactly the limit in bytes, and refuses one byte less', () => {
      for (const result of ['€'.repeat(30), '😀'.repeat(30), 'é'.repeat(30), 'plain ascii', 'mixed é€😀\ud800']) {
        const full = encoder.encode(responseText(JSONRPCv2, result, 7)).length;
        expect(asText(replyText(loneRequest(undefined, full), result))).toBe(responseText(JSONRPCv2, result, 7));
        expect(JSON.parse(asText(replyText(loneRequest(undefined, full - 1), result)))).toEqual(oversized(full - 1));
      }
    });

    it('property: oversized exactly when the UTF-8 length exceeds the limit', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 1, max: 250 }), (result, limit) => {
          const full = responseText(JSONRPCv2, result, 7);
          const over = encoder.encode(full).length > limit;
          const reply = JSON.parse(asText(replyText(loneRequest(undefined, limit), result))) as unknown;
          expect(reply).toEqual(over ? oversized(limit) : { jsonrpc: '2.0', result, id: 7 });
        }),
        { numRuns: 300 },
      );
    });
  });
});
