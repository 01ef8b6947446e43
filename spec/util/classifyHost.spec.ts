import fc from 'fast-check';
import { AddressError, classifyHost } from '../../lib/util';
import { edgyString, ipv6Address, ipv6ishString, sample } from './generators';
import { describeAgainstReference, type Call } from './reference';

const hosts: unknown[] = [
  // host names come back verbatim
  'localhost', 'Example.COM', 'example.com.', '_srv.example', 'foo\n',
  // IPv4
  '0.0.0.0', '127.0.0.1', '255.255.255.255', '256.1.1.1', '1.2.3.256', '1.2.3', '1.2.3.4.5', '1.2.3.4.', '.1.2.3.4',
  '01.2.3.4', '1.2.3.00', '1.2.3.0', '00.0.0.0', '0.0.0.010', '1.2.3.1000', '1.2.3.0255', '1..3.4', '127.1',
  '2130706433', '0x7f.0.0.1', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.+4', '1.2.3.-4', '1.2.3.4/24', '1.2.3.4/32',
  '1.2.3.٤', '1.2.3.4\n', '1.2.3.4%eth0',
  // IPv6: compression, case, zero runs (the first longest run wins)
  '::', '::0', '0::', '0::0', ':::', '::1', '1::', '1::1', '0:0:0:0:0:0:0:0', '0:0:0:0:0:0:0:1', '1:0:0:0:0:0:0:0',
  '2001:DB8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8:0:0:1:0:0:1', '2001:0:0:1:0:0:0:1',
  '1:0:1:0:0:1:0:0', '0:1:0:1:0:1:0:1', '1:2:3:4:5:6:7:8', 'f:f:f:f:f:f:f:f', 'FFFF::', '0000::', '00000::',
  '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1::3:4:5:6:7:8', '1:2:3:4:5:6:7::8', '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7', '1::2::3', '1:::2', ':1::2', '1::2:', ':1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:', ':1:2:3:4:5:6:7',
  '12345::', 'g::1', '::-1', '::+1', ':: 1', '::0x1', '1:2',
  // IPv6 with an IPv4 tail
  '::ffff:1.2.3.4', '::FFFF:127.0.0.1', '::1.2.3.4', '::0.0.0.0', '::ffff:0.0.0.0', '1:2:3:4:5:6:1.2.3.4',
  '1:2:3:4:5:6:7:1.2.3.4', '1:2:3:4:5::1.2.3.4', '::ffff:01.2.3.4', '::ffff:1.2.3', '::ffff:1.2.3.256',
  '1.2.3.4::', '::1.2.3.4:1', '::1.2.3.4.5', '64:ff9b::192.0.2.33',
  // zones
  'fe80::1%eth0', 'FE80::ABCD%ETH0', 'fe80::1%1', 'fe80::1%', 'fe80::1%a%b', 'fe80::1%%', '::1%25', '::1%a b',
  '::1%a/b', '::1%]', '::1%\n', '::1%😀', '1.2.3.4%1', '%eth0', '::1%eth0%',
  // brackets and stray whitespace are not part of a host
  '[::1]', '[::1', '::1]', ' ::1', '::1 ', '::1\n', '[1.2.3.4]', '',
  // error messages quote the input the way Python's repr() does
  "it's", 'say "hi"', `it's "quoted"`, 'back\\slash', 'tab\there', 'cr\rlf', '\x00', '\x1f', '\x7f', '\x80', '\xa0',
  'é!', '\u200b', '\u2028', '\ud800', '\udc00x', '\u{e0001}', '\u{10ffff}', '😀!', 'a\u0301!',
  // not strings: TypeError
  5, null,
];

const generated = (count: number, seed: number, arbitrary: fc.Arbitrary<string>): Call[] =>
  sample(arbitrary, count, seed).map((text) => ({ op: 'classifyHost', args: [text] }));

describeAgainstReference(
  'classifyHost agrees with aiorpcx classify_host',
  hosts.map((host) => ({ op: 'classifyHost', args: [host] })),
  {
    'random short strings': generated(400, 201, edgyString),
    'random IPv6-like text': generated(600, 202, ipv6ishString),
    'random IPv6 addresses in all written forms': generated(300, 203, ipv6Address),
    'random IPv4 addresses': generated(100, 204, fc.ipV4()),
  },
);

describe('classifyHost', () => {
  it.each([
    ['localhost', 'hostname', 'localhost'],
    ['Example.COM', 'hostname', 'Example.COM'],
    ['10.0.0.1', 'ipv4', '10.0.0.1'],
    ['::1', 'ipv6', '::1'],
    ['2001:DB8:0:0:0:0:0:1', 'ipv6', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', 'ipv6', '2001:db8::1:0:0:1'],
    ['::ffff:1.2.3.4', 'ipv6', '::ffff:102:304'],
    ['fe80::1%eth0', 'ipv6', 'fe80::1%eth0'],
  ])('%s is %s %s', (input, kind, host) => {
    expect(classifyHost(input)).toEqual({ kind, host });
  });

  it.each([
    ['01.2.3.4', "'01.2.3.4' does not appear to be an IPv4 or IPv6 address"],
    ['[::1]', "'[::1]' does not appear to be an IPv4 or IPv6 address"],
    ["it's", `"it's" does not appear to be an IPv4 or IPv6 address`],
    ['a\nb', "'a\\nb' does not appear to be an IPv4 or IPv6 address"],
  ])('rejects %j with an AddressError', (input, message) => {
    let caught: unknown;
    try {
      classifyHost(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AddressError);
    expect(caught).toMatchObject({ name: 'AddressError', code: 'RXRPCX_ERR_INVALID_ADDRESS', field: 'host', value: input, message });
  });

  it('throws a TypeError for a non-string', () => {
    expect(() => classifyHost(undefined as unknown as string)).toThrow(new TypeError('hostname must be a string'));
  });

  it('is idempotent: the canonical text classifies to itself', () => {
    const host = fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6(), ipv6Address);
    fc.assert(
      fc.property(host, (text) => {
        const once = classifyHost(text);
        expect(classifyHost(once.host)).toEqual(once);
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('writes IPv6 in lowercase with at most one "::" and no leading zeros', () => {
    fc.assert(
      fc.property(ipv6Address, (text) => {
        const { kind, host } = classifyHost(text);
        expect(kind).toBe('ipv6');
        expect(host).toBe(host.toLowerCase());
        expect(host.split('::').length).toBeLessThanOrEqual(2);
        for (const group of host.split(':')) expect(group).not.toMatch(/^0[0-9a-f]/);
      }),
      { numRuns: 300, seed: 12 },
    );
  });
});
