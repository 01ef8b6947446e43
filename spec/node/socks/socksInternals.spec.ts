/**
 * The sans-I/O reply reader and the request checks, without sockets: every
 * reply split at every offset, the reference's verdicts, Python's bytes repr.
 */
import fc from 'fast-check';
import { NetAddress } from 'rxrpcx';
import { SOCKS4, SOCKS4a, SOCKS5, SOCKSFailure, SOCKSProtocolError, type SOCKSErrorContext, type SOCKSProtocol } from '../../../lib/node/socks';
import { SOCKSReplyReader, bytesRepr, offeredMethods, resolveProbe, validateCredentials, validateDestination } from '../../../lib/node/socks/socksInternals';

const context = (protocol: SOCKSProtocol): SOCKSErrorContext => ({ protocol, proxyAddress: new NetAddress('127.0.0.1', 1080), target: 'example.com:80' });

/** Feeds `bytes` in pieces cut at `cuts`, as the socket pump does; returns the error, or the leftover bytes. */
function run(reader: SOCKSReplyReader, bytes: Uint8Array, cuts: number[] = []): { error: Error | undefined; leftover: number } {
  const edges = [...new Set([0, ...cuts.filter((c) => c > 0 && c < bytes.length), bytes.length])].sort((a, b) => a - b);
  for (let i = 0; i + 1 < edges.length; i += 1) {
    let chunk = bytes.subarray(edges[i], edges[i + 1]);
    while (chunk.length > 0 && reader.wanted() > 0) {
      const part = chunk.subarray(0, reader.wanted());
      chunk = chunk.subarray(part.length);
      const error = reader.feed(part);
      if (error) return { error, leftover: bytes.length - edges[i + 1]! + chunk.length };
    }
    if (reader.wanted() === 0) return { error: undefined, leftover: bytes.length - edges[i + 1]! + chunk.length };
  }
  return { error: undefined, leftover: 0 };
}

const granted4 = Uint8Array.from([0, 90, 0, 80, 127, 0, 0, 1]);
const grantedNoAuth5 = Uint8Array.from([5, 0, /* connect reply, IPv4 */ 5, 0, 0, 1, 127, 0, 0, 1, 0, 80]);
const grantedUserPass5 = Uint8Array.from([5, 2, /* auth */ 1, 0, /* connect reply, IPv6 */ 5, 0, 0, 4, ...new Array<number>(16).fill(0), 0, 80]);
const grantedHostname5 = Uint8Array.from([5, 0, 5, 0, 0, 3, 4, ...Buffer.from('host'), 0, 80]);

describe('SOCKSReplyReader', () => {
  it.each<[string, SOCKSProtocol, readonly number[], Uint8Array]>([
    ['SOCKS4', SOCKS4, [0], granted4],
    ['SOCKS4a', SOCKS4a, [0], granted4],
    ['SOCKS5 without auth, IPv4 bound address', SOCKS5, [0], grantedNoAuth5],
    ['SOCKS5 with username/password, IPv6 bound address', SOCKS5, [0, 2], grantedUserPass5],
    ['SOCKS5, host-name bound address', SOCKS5, [0], grantedHostname5],
  ])('accepts a granted %s handshake split anywhere, and wants no byte past it', (_title, protocol, methods, reply) => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: reply.length + 8 }), { maxLength: 6 }), fc.uint8Array({ maxLength: 8 }), (cuts, extra) => {
        const reader = new SOCKSReplyReader(protocol, methods, context(protocol));
        const { error, leftover } = run(reader, Uint8Array.from([...reply, ...extra]), cuts);
        expect(error).toBeUndefined();
        expect(reader.granted).toBe(true);
        expect(reader.wanted()).toBe(0);
        expect(leftover).toBe(extra.length);
      }),
      { numRuns: 200 },
    );
  });

  it('wants exactly each reply in turn', () => {
    const reader = new SOCKSReplyReader(SOCKS5, [0, 2], context(SOCKS5));
    expect(reader.wanted()).toBe(2);
    reader.feed(Uint8Array.from([5]));
    expect(reader.wanted()).toBe(1);
    reader.feed(Uint8Array.from([2]));
    expect(reader.wanted()).toBe(2);
    reader.feed(Uint8Array.from([1, 0]));
    expect(reader.wanted()).toBe(5);
    reader.feed(Uint8Array.from([5, 0, 0, 3, 10]));
    expect(reader.wanted()).toBe(12);
    expect(() => reader.feed(new Uint8Array(13))).toThrow(RangeError);
  });

  it.each<[SOCKSProtocol, readonly number[], number[], 'SOCKSProtocolError' | 'SOCKSFailure', string]>([
    [SOCKS4, [0], [1, 90, 0, 0, 0, 0, 0, 0], 'SOCKSProtocolError', "invalid SOCKS4 proxy response: b'\\x01Z\\x00\\x00\\x00\\x00\\x00\\x00'"],
    [SOCKS4a, [0], [0, 92, 0, 0, 0, 0, 0, 0], 'SOCKSFailure', 'SOCKS4a proxy request failed: request rejected because SOCKS server cannot connect to identd on the client'],
    [SOCKS4a, [0], [0, 0, 0, 0, 0, 0, 0, 0], 'SOCKSFailure', 'SOCKS4a proxy request failed: unknown SOCKS4a reply code 0'],
    [SOCKS5, [0], [5, 255], 'SOCKSFailure', 'SOCKS5 proxy rejected authentication methods'],
    [SOCKS5, [0, 2], [5, 1], 'SOCKSFailure', 'SOCKS5 proxy rejected authentication methods'],
    [SOCKS5, [0], [0x48, 0x54], 'SOCKSProtocolError', "invalid SOCKS5 proxy response: b'HT'"],
    [SOCKS5, [0, 2], [5, 2, 1, 1], 'SOCKSFailure', 'SOCKS5 proxy auth failure code: 1'],
    [SOCKS5, [0, 2], [5, 2, 0, 0], 'SOCKSProtocolError', "invalid SOCKS5 proxy auth response: b'\\x00\\x00'"],
    [SOCKS5, [0], [5, 0, 5, 3, 0, 1, 0], 'SOCKSFailure', 'network unreachable'],
    [SOCKS5, [0], [5, 0, 5, 0, 0, 2, 0], 'SOCKSProtocolError', "invalid SOCKS5 proxy response: b'\\x05\\x00\\x00\\x02\\x00'"],
  ])('%s %j → %s %s', (protocol, methods, bytes, name, message) => {
    const reader = new SOCKSReplyReader(protocol, methods, context(protocol));
    const { error } = run(reader, Uint8Array.from(bytes));
    expect(error).toMatchObject({ name, message, protocol, target: 'example.com:80' });
    expect(reader.wanted()).toBe(0);
    expect(reader.granted).toBe(false);
  });

  it('keeps the offending bytes on a protocol error and the code on a failure', () => {
    const bad = run(new SOCKSReplyReader(SOCKS5, [0], context(SOCKS5)), Uint8Array.from([4, 0])).error as SOCKSProtocolError;
    expect(bad).toBeInstanceOf(SOCKSProtocolError);
    expect(bad.reply).toEqual(Uint8Array.from([4, 0]));
    const refused = run(new SOCKSReplyReader(SOCKS5, [0], context(SOCKS5)), Uint8Array.from([5, 0, 5, 5, 0, 1, 0])).error as SOCKSFailure;
    expect(refused).toBeInstanceOf(SOCKSFailure);
    expect(refused).toMatchObject({ stage: 'request', replyCode: 5, message: 'connection refused' });
  });
});

describe('request checks', () => {
  it.each<[SOCKSProtocol, string, boolean]>([
    [SOCKS4, '1.2.3.4', true],
    [SOCKS4, 'example.com', false],
    [SOCKS4, '::1', false],
    [SOCKS4a, '1.2.3.4', true],
    [SOCKS4a, 'example.com', true],
    [SOCKS4a, '::1', false],
    [SOCKS5, '1.2.3.4', true],
    [SOCKS5, 'example.com', true],
    [SOCKS5, '::1', true],
  ])('%s to %s: %s', (protocol, host, ok) => {
    const error = validateDestination(protocol, new NetAddress(host, 80), context(protocol));
    if (ok) expect(error).toBeUndefined();
    else expect(error).toMatchObject({ name: 'SOCKSProtocolError', reason: 'destination' });
  });

  it('checks SOCKS5 credentials by UTF-8 bytes, 1–255 each', () => {
    const check = (username: string, password: string) => validateCredentials(SOCKS5, { username, password }, context(SOCKS5))?.message;
    expect(check('a', 'b')).toBeUndefined();
    expect(check('u'.repeat(255), 'p'.repeat(255))).toBeUndefined();
    expect(check('€'.repeat(85), 'p')).toBeUndefined();
    expect(check('€'.repeat(86), 'p')).toBe('username has invalid length 258');
    expect(check('u', '')).toBe('password has invalid length 0');
    expect(validateCredentials(SOCKS5, null, context(SOCKS5))).toBeUndefined();
    expect(validateCredentials(SOCKS4, { username: '', password: '' }, context(SOCKS4))).toBeUndefined();
  });

  it('offers "no authentication", and username/password only with credentials', () => {
    expect(offeredMethods(null)).toEqual([0]);
    expect(offeredMethods({ username: 'u', password: 'p' })).toEqual([0, 2]);
  });

  it('parses probes', () => {
    expect(resolveProbe({ ipv4: '10.0.0.1:5', hostname: 'example.com:6' })).toEqual({
      ipv4: new NetAddress('10.0.0.1', 5),
      hostname: new NetAddress('example.com', 6),
    });
    expect(() => resolveProbe({ ipv4: 'example.com:5', hostname: 'example.com:6' })).toThrow('probe.ipv4 must be an IPv4 address: example.com:5');
  });
});

describe('bytesRepr (Python repr of bytes)', () => {
  it.each<[number[], string]>([
    [[], "b''"],
    [[5, 0], "b'\\x05\\x00'"],
    [[0x48, 0x54, 0x54, 0x50], "b'HTTP'"],
    [[9, 10, 13, 0x5c, 0x7f, 0xff], "b'\\t\\n\\r\\\\\\x7f\\xff'"],
    [[0x27], 'b"\'"'],
    [[0x27, 0x22], "b'\\'\"'"],
  ])('%j → %s', (bytes, text) => {
    expect(bytesRepr(Uint8Array.from(bytes))).toBe(text);
  });
});
