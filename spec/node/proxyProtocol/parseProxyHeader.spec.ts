/**
 * The sans-I/O PROXY header parser: v1 and v2, every family, LOCAL, TLVs,
 * every truncation point, malformed and oversized headers, and fuzzing.
 */
import fc from 'fast-check';
import {
  NetAddress,
  PROXY_V1_MAX_LENGTH,
  PROXY_V2_MAX_LENGTH,
  ProxyProtocolError,
  parseProxyHeader,
  type ProxyHeaderResult,
} from 'rxrpcx/node';
import { v1, v2 } from './proxyHeaderBytes';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function expectComplete(result: ProxyHeaderResult) {
  if (result.status !== 'complete') throw new Error(`expected a header, got ${JSON.stringify(result)}`);
  return result;
}

function expectInvalid(result: ProxyHeaderResult, reason: string): void {
  expect(result.status).toBe('invalid');
  if (result.status !== 'invalid') return;
  expect(result.error).toBeInstanceOf(ProxyProtocolError);
  expect(result.error).toMatchObject({ name: 'ProxyProtocolError', code: 'RXRPCX_ERR_PROXY_PROTOCOL', reason });
}

/** Every strict prefix is 'incomplete'; the whole, followed by `tail`, is the header and the tail. */
function expectEveryPrefixIncomplete(header: Uint8Array): void {
  for (let n = 0; n < header.length; n++) {
    expect([n, parseProxyHeader(header.subarray(0, n)).status]).toEqual([n, 'incomplete']);
  }
}

describe('parseProxyHeader, v1', () => {
  it('reads TCP4 and hands back the bytes after the header', () => {
    const bytes = text('PROXY TCP4 192.0.2.7 127.0.0.1 51234 50001\r\n{"id":1}\n');
    const { header, rest } = expectComplete(parseProxyHeader(bytes));
    expect(header).toEqual({
      version: 1,
      command: 'PROXY',
      family: 'TCP4',
      source: new NetAddress('192.0.2.7', 51234),
      destination: new NetAddress('127.0.0.1', 50001),
      tlvs: [],
      length: 44,
    });
    expect(new TextDecoder().decode(rest)).toBe('{"id":1}\n');
  });

  it('reads TCP6, in canonical form', () => {
    const { header, rest } = expectComplete(parseProxyHeader(text('PROXY TCP6 2001:DB8:0::1 ::1 65535 1\r\n')));
    expect([header.family, String(header.source), String(header.destination), rest.length]).toEqual(['TCP6', '[2001:db8::1]:65535', '[::1]:1', 0]);
  });

  it('reads UNKNOWN, with or without addresses, as a header without a source', () => {
    for (const line of ['PROXY UNKNOWN\r\n', 'PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n']) {
      const { header } = expectComplete(parseProxyHeader(text(line)));
      expect(header).toMatchObject({ version: 1, command: 'PROXY', family: 'UNKNOWN', source: undefined, destination: undefined, length: line.length });
    }
  });

  it('accepts the longest header, 107 bytes, and refuses one byte more as oversized', () => {
    const longest = `PROXY UNKNOWN ${'x'.repeat(PROXY_V1_MAX_LENGTH - 16)}\r\n`;
    expect(longest.length).toBe(PROXY_V1_MAX_LENGTH);
    expect(expectComplete(parseProxyHeader(text(longest))).header.length).toBe(107);
    const tooLong = `PROXY UNKNOWN ${'x'.repeat(PROXY_V1_MAX_LENGTH - 15)}\r\n`;
    expectInvalid(parseProxyHeader(text(tooLong)), 'oversized');
    // Known as soon as 106 bytes hold no CR, without waiting for more.
    expectInvalid(parseProxyHeader(text(tooLong).subarray(0, 106)), 'oversized');
    expect(parseProxyHeader(text(tooLong).subarray(0, 105)).status).toBe('incomplete');
  });

  it('answers incomplete at every truncation point', () => {
    expectEveryPrefixIncomplete(text('PROXY TCP4 192.0.2.7 127.0.0.1 51234 50001\r\n'));
    expectEveryPrefixIncomplete(text('PROXY TCP6 2001:db8::1 ::1 1 2\r\n'));
    expectEveryPrefixIncomplete(text('PROXY UNKNOWN\r\n'));
  });

  it.each([
    ['GET / HTTP/1.1\r\n', 'missing'],
    ['{"jsonrpc":"2.0"}\n', 'missing'],
    ['\x16\x03\x01', 'missing'],
    ['PROXZ TCP4', 'missing'],
    ['POST / HTTP/1.1\r\n', 'missing'],
    ['proxy TCP4 1.2.3.4 1.2.3.4 1 2\r\n', 'missing'],
    ['PROXY TCP5 1.2.3.4 1.2.3.4 1 2\r\n', 'malformed'],
    ['PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n', 'malformed'],
    ['PROXY TCP4 1.2.3.4 1.2.3.4 1 2 3\r\n', 'malformed'],
    ['PROXY TCP4  1.2.3.4 1.2.3.4 1 2\r\n', 'malformed'],
    ['PROXY TCP4 1.2.3.4 1.2.3.4 1 2 \r\n', 'malformed'],
    ['PROXY TCP4 1.2.3.256 1.2.3.4 1 2\r\n', 'malformed'],
    ['PROXY TCP4 01.2.3.4 1.2.3.4 1 2\r\n', 'malformed'],
    ['PROXY TCP4 ::1 1.2.3.4 1 2\r\n', 'malformed'],
    ['PROXY TCP6 1.2.3.4 ::1 1 2\r\n', 'malformed'],
    ['PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n', 'malformed'],
    ['PROXY TCP6 example.com ::1 1 2\r\n', 'malformed'],
    ['PROXY TCP4 1.2.3.4 1.2.3.4 0 2\r\n', 'malformed'],
    ['PROXY TCP4 1.2.3.4 1.2.3.4 65536 2\r\n', 'malformed'],
    ['PROXY TCP4 1.2.3.4 1.2.3.4 080 2\r\n', 'malformed'],
    ['PROXY TCP4 1.2.3.4 1.2.3.4 +80 2\r\n', 'malformed'],
    ['PROXY TCP4 1.2.3.4 1.2.3.4 1 2\rX', 'malformed'],
    ['PROXY TCP4 1.2.3.4 1.2.3.4 1 2\n', 'malformed'],
    ['PROXY TCP4 1.2.3.4\t1.2.3.4 1 2\r\n', 'malformed'],
    ['PROXY TCP4 1.2.3.4 1.2.3.4 1 2\u00e9\r\n', 'malformed'],
  ])('refuses %j as %s', (line, reason) => {
    expectInvalid(parseProxyHeader(text(line)), reason);
  });

  it('refuses bytes that cannot start a header on the first byte', () => {
    expectInvalid(parseProxyHeader(text('{')), 'missing');
    expectInvalid(parseProxyHeader(Uint8Array.of(0x16)), 'missing');
    expectInvalid(parseProxyHeader(text('PR0')), 'missing');
  });
});

describe('parseProxyHeader, v2', () => {
  it('reads TCP4 with the bytes after it', () => {
    const bytes = new Uint8Array([...v2({ family: 0x11, source: ['192.0.2.7', 51234], destination: ['127.0.0.1', 50001] }), 1, 2, 3]);
    const { header, rest } = expectComplete(parseProxyHeader(bytes));
    expect(header).toEqual({
      version: 2,
      command: 'PROXY',
      family: 'TCP4',
      source: new NetAddress('192.0.2.7', 51234),
      destination: new NetAddress('127.0.0.1', 50001),
      tlvs: [],
      length: 28,
    });
    expect([...rest]).toEqual([1, 2, 3]);
  });

  it('reads TCP6, UDP4 and UDP6', () => {
    const tcp6 = expectComplete(parseProxyHeader(v2({ family: 0x21, source: ['2001:db8::7', 40000], destination: ['::1', 50001] }))).header;
    expect([tcp6.family, String(tcp6.source), String(tcp6.destination), tcp6.length]).toEqual(['TCP6', '[2001:db8::7]:40000', '[::1]:50001', 52]);
    expect(expectComplete(parseProxyHeader(v2({ family: 0x12, source: ['10.0.0.1', 53], destination: ['10.0.0.2', 53] }))).header.family).toBe('UDP4');
    expect(expectComplete(parseProxyHeader(v2({ family: 0x22, source: ['::2', 53], destination: ['::3', 53] }))).header.family).toBe('UDP6');
  });

  it('reads UNSPEC and UNIX as headers without a source', () => {
    expect(expectComplete(parseProxyHeader(v2({ family: 0x00 }))).header).toMatchObject({ family: 'UNKNOWN', source: undefined, length: 16 });
    const unix = expectComplete(parseProxyHeader(v2({ family: 0x31, raw: new Uint8Array(216) }))).header;
    expect(unix).toMatchObject({ family: 'UNIX', source: undefined, destination: undefined, length: 232 });
    expect(expectComplete(parseProxyHeader(v2({ family: 0x32, raw: new Uint8Array(216) }))).header.family).toBe('UNIX_DGRAM');
  });

  it('reads LOCAL (a health check) as a header without addresses, whatever its block holds', () => {
    const local = v2({ command: 0x20, family: 0x11, source: ['1.2.3.4', 1], destination: ['1.2.3.4', 2] });
    expect(expectComplete(parseProxyHeader(local)).header).toEqual({
      version: 2,
      command: 'LOCAL',
      family: 'UNKNOWN',
      source: undefined,
      destination: undefined,
      tlvs: [],
      length: 28,
    });
    expect(expectComplete(parseProxyHeader(v2({ command: 0x20, family: 0x77 }))).header.command).toBe('LOCAL');
  });

  it('collects TLVs, as copies', () => {
    const bytes = v2({
      family: 0x11,
      source: ['192.0.2.7', 1],
      destination: ['192.0.2.8', 2],
      tlvs: [
        [0x02, text('example.org')],
        [0x04, new Uint8Array(0)],
        [0x05, Uint8Array.of(9, 8, 7)],
      ],
    });
    const { header } = expectComplete(parseProxyHeader(bytes));
    expect(header.tlvs).toEqual([
      { type: 0x02, value: text('example.org') },
      { type: 0x04, value: new Uint8Array(0) },
      { type: 0x05, value: Uint8Array.of(9, 8, 7) },
    ]);
    expect(header.tlvs[0]!.value.buffer).not.toBe(bytes.buffer);
    expect(header.length).toBe(bytes.length);
  });

  it('answers incomplete at every truncation point', () => {
    expectEveryPrefixIncomplete(v2({ family: 0x11, source: ['192.0.2.7', 1], destination: ['192.0.2.8', 2], tlvs: [[0x01, text('h2')]] }));
    expectEveryPrefixIncomplete(v2({ family: 0x21, source: ['::7', 1], destination: ['::8', 2] }));
    expectEveryPrefixIncomplete(v2({ command: 0x20, family: 0x00 }));
  });

  it('refuses a declared length over the cap as soon as the length is in, and accepts the cap itself', () => {
    const over = v2({ family: 0x00, raw: new Uint8Array(0), declared: PROXY_V2_MAX_LENGTH + 1 });
    expect(over.length).toBe(16);
    expectInvalid(parseProxyHeader(over), 'oversized');
    expectInvalid(parseProxyHeader(v2({ family: 0x00, declared: 0xffff })), 'oversized');
    const atCap = v2({ family: 0x11, source: ['1.2.3.4', 1], destination: ['1.2.3.4', 2], tlvs: [[0x04, new Uint8Array(PROXY_V2_MAX_LENGTH - 12 - 3)]] });
    expect(expectComplete(parseProxyHeader(atCap)).header.length).toBe(16 + PROXY_V2_MAX_LENGTH);
  });

  it.each<[string, Parameters<typeof v2>[0] | Uint8Array]>([
    ['version 1 in the version byte', { version: 0x10, family: 0x11, source: ['1.2.3.4', 1], destination: ['1.2.3.4', 2] }],
    ['version 3', { version: 0x30, family: 0x11, source: ['1.2.3.4', 1], destination: ['1.2.3.4', 2] }],
    ['command 2', { command: 0x22, family: 0x11, source: ['1.2.3.4', 1], destination: ['1.2.3.4', 2] }],
    ['family byte 0x13', { family: 0x13, raw: new Uint8Array(12) }],
    ['family byte 0x41', { family: 0x41, raw: new Uint8Array(12) }],
    ['family byte 0x10', { family: 0x10, raw: new Uint8Array(12) }],
    ['a TCP4 block of 11 bytes', { family: 0x11, raw: new Uint8Array(11) }],
    ['a TCP6 block of 12 bytes', { family: 0x21, raw: new Uint8Array(12) }],
    ['a UNIX block of 215 bytes', { family: 0x31, raw: new Uint8Array(215) }],
    ['source port 0', { family: 0x11, source: ['1.2.3.4', 0], destination: ['1.2.3.4', 2] }],
    ['destination port 0', { family: 0x21, source: ['::1', 1], destination: ['::1', 0] }],
    ['a TLV cut after its type', { family: 0x11, source: ['1.2.3.4', 1], destination: ['1.2.3.4', 2], raw: Uint8Array.of(0x04) }],
    ['a TLV cut in its length', { family: 0x11, source: ['1.2.3.4', 1], destination: ['1.2.3.4', 2], raw: Uint8Array.of(0x04, 0) }],
    ['a TLV longer than the block', { family: 0x11, source: ['1.2.3.4', 1], destination: ['1.2.3.4', 2], raw: Uint8Array.of(0x04, 0, 2, 1) }],
  ])('refuses %s as malformed', (_what, spec) => {
    expectInvalid(parseProxyHeader(spec instanceof Uint8Array ? spec : v2(spec)), 'malformed');
  });

  it('refuses a broken signature at the first differing byte', () => {
    const good = v2({ family: 0x00 });
    for (let i = 1; i < 12; i++) {
      const bad = good.slice(0, i + 1);
      bad[i] ^= 0x40;
      expectInvalid(parseProxyHeader(bad), 'missing');
    }
    // The version byte is judged as soon as it is there.
    expectInvalid(parseProxyHeader(Uint8Array.of(...good.subarray(0, 12), 0x11)), 'malformed');
  });
});

describe('parseProxyHeader, fuzzed', () => {
  const validHeaders = [
    v1('TCP4', ['192.0.2.7', 51234], ['127.0.0.1', 50001]),
    v1('TCP6', ['2001:db8::1', 1], ['::1', 65535]),
    text('PROXY UNKNOWN\r\n'),
    v2({ family: 0x11, source: ['192.0.2.7', 51234], destination: ['127.0.0.1', 50001], tlvs: [[0x02, text('example.org')]] }),
    v2({ family: 0x21, source: ['2001:db8::1', 1], destination: ['::1', 2] }),
    v2({ command: 0x20, family: 0x00 }),
    v2({ family: 0x31, raw: new Uint8Array(216) }),
  ];

  /** Never throws; an invalid result carries a ProxyProtocolError; a header fits its limit and `rest` is what follows it. */
  function checkResult(bytes: Uint8Array): ProxyHeaderResult {
    const result = parseProxyHeader(bytes);
    if (result.status === 'invalid') {
      expect(result.error).toBeInstanceOf(ProxyProtocolError);
      expect(['missing', 'malformed', 'oversized']).toContain(result.error.reason);
    }
    if (result.status === 'complete') {
      const limit = result.header.version === 1 ? PROXY_V1_MAX_LENGTH : 16 + PROXY_V2_MAX_LENGTH;
      expect(result.header.length).toBeLessThanOrEqual(Math.min(limit, bytes.length));
      expect(result.rest.length).toBe(bytes.length - result.header.length);
      expect(result.rest.byteOffset).toBe(bytes.byteOffset + result.header.length);
    }
    return result;
  }

  it('never throws on random bytes, with or without a valid signature in front', () => {
    const signature = fc.constantFrom(new Uint8Array(0), text('PROXY '), v2({ family: 0x11 }).subarray(0, 12), v2({ family: 0x11 }).subarray(0, 13));
    fc.assert(
      fc.property(signature, fc.uint8Array({ maxLength: 300 }), (prefix, tail) => {
        checkResult(new Uint8Array([...prefix, ...tail]));
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws on mutated, cut or extended valid headers; an intact one cut anywhere wants more', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...validHeaders),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(),
        fc.uint8Array({ maxLength: 64 }),
        (header, mutations, cut, tail) => {
          const mutated = header.slice();
          for (const [at, value] of mutations) mutated[at % mutated.length] = value;
          checkResult(new Uint8Array([...mutated, ...tail]));
          checkResult(mutated.subarray(0, cut % (mutated.length + 1)));
          // An unmutated header cut anywhere wants more; whole, it parses, whatever follows.
          expect(parseProxyHeader(header.subarray(0, cut % header.length)).status).toBe('incomplete');
          expect(checkResult(new Uint8Array([...header, ...tail])).status).toBe('complete');
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('settles within the limits: a v1 start without CRLF by 106 bytes, a v2 one by its 16 fixed bytes when oversized', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 200, maxLength: 400 }).map((b) => b.map((x) => 0x20 + (x % 0x5f))), (printable) => {
        const bytes = new Uint8Array([...text('PROXY '), ...printable]);
        expect(parseProxyHeader(bytes.subarray(0, 106)).status).toBe('invalid');
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.integer({ min: PROXY_V2_MAX_LENGTH + 1, max: 0xffff }), (declared) => {
        expect(parseProxyHeader(v2({ family: 0x11, declared, raw: new Uint8Array(0) })).status).toBe('invalid');
      }),
      { numRuns: 300 },
    );
  });
});
