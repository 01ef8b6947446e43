import fc from 'fast-check';
import { AddressError, NetAddress, ServicePart } from '../../lib/util';
import { edgyString, ipv6Address, nameOfLength, sample } from './generators';
import { describeAgainstReference, type AddressDefaults, type Call } from './reference';

const construct = (host: unknown, port: unknown): Call => ({ op: 'netAddress', args: [host, port] });
const parse = (text: unknown, defaults: AddressDefaults | null = null): Call => ({
  op: 'netAddressFromString',
  args: [text, defaults],
});
const table = (host?: string | number | null, port?: string | number | null): AddressDefaults => ({
  kind: 'table',
  table: { ...(host !== undefined && { host }), ...(port !== undefined && { port }) },
});

const addressStrings = [
  'localhost:80', 'LocalHost:0080', 'localhost', 'localhost:', ':80', ':', '', 'example.com.:50001',
  '1.2.3.4:80', '01.2.3.4:80', '1.2.3.4', '[1.2.3.4]:80', '[foo]:80', '[]:80', '[]', '[', ']', '[:80', ']:80',
  '[::1]:80', '[::1]', '[::1]:', '[::1]x', '[::1]80', '[::1]:80:90', '[::1]]:80', '[[::1]]:80', '::1', '::1:80',
  'fe80::1', '[FE80::1%ETH0]:50002', '[fe80::1%]:80', '[fe80::1%a:b]:80', '[::ffff:1.2.3.4]:80',
  'a:b:c', 'host:65536', 'host:0', 'host:+1', 'host: 1', 'host:1 ', 'host:٨٠', 'host:8e1', 'a.-b:80', 'bad host:80',
  '-bad:0', `${nameOfLength(253)}:1`, `${nameOfLength(254)}:1`, 'foo\n:80', 'foo:80\n',
];

const calls: Call[] = [
  construct('localhost', 80), construct('localhost', '80'), construct('::1', 80), construct('::1', '080'),
  construct('[::1]', 80), construct('1.2.3.4', 0), construct('bad host', 0), construct('', 80),
  construct('FE80::0:1%eth0', '50001'), construct('Example.COM', 65535), construct('localhost', 80.5),
  construct(5, 80),
  ...addressStrings.map((text) => parse(text)),
  // a default function, asked only for missing parts (host first), its answers checked again
  ...addressStrings.map((text) => parse(text, table('localhost', 50001))),
  ...['localhost', ':80', '', '[::1]', '[::1]:', 'h:1'].flatMap((text) => [
    parse(text, table('localhost')),
    parse(text, table(undefined, '50002')),
    parse(text, table('', 0)),
    parse(text, table(null, null)),
    parse(text, table('::1', 80)),
    parse(text, table('[::1]', 80)),
    parse(text, table('1.2.3.4', '0')),
    parse(text, table(5, 80)),
    parse(text, table('h', 80.5)),
  ]),
  // fixed defaults: our { defaultHost, defaultPort }, the reference's default_host_and_port
  ...['localhost', ':80', '', 'h:1', '[::1]'].flatMap((text) => [
    parse(text, { kind: 'options', host: 'example.com', port: 50001 }),
    parse(text, { kind: 'options', host: 'example.com' }),
    parse(text, { kind: 'options', port: '50001' }),
    parse(text, { kind: 'options' }),
    parse(text, { kind: 'options', host: null, port: null }),
    parse(text, { kind: 'defaultHost', host: 'example.com' }),
    parse(text, { kind: 'defaultPort', port: 8080 }),
    parse(text, { kind: 'defaultHostAndPort', host: '::1', port: '1' }),
  ]),
  // not strings: TypeError
  parse(5),
  parse(5, table('h', 1)),
  // equality
  ...[
    ['localhost:80', 'localhost:80'],
    ['localhost:80', 'localhost:080'],
    ['localhost:80', 'LOCALHOST:80'],
    ['localhost:80', 'localhost:81'],
    ['[::1]:80', '[0:0::1]:80'],
    ['[::1]:80', '[::1%1]:80'],
    ['[fe80::1%a]:80', '[FE80::1%a]:80'],
    ['[fe80::1%a]:80', '[fe80::1%A]:80'],
    ['[1.2.3.4]:80', '1.2.3.4:80'],
    ['[::ffff:1.2.3.4]:80', '[::ffff:102:304]:80'],
    ['[::ffff:1.2.3.4]:80', '1.2.3.4:80'],
  ].map(([a, b]): Call => ({ op: 'netAddressEquals', args: [a!, b!] })),
];

const hostPort = fc.tuple(
  fc.oneof(fc.domain(), fc.ipV4(), ipv6Address.map((host) => `[${host}]`), edgyString),
  fc.oneof(fc.integer({ min: -1, max: 70000 }).map(String), edgyString),
  fc.constantFrom(':', ']:', ''),
);

describeAgainstReference('NetAddress agrees with aiorpcx NetAddress', calls, {
  'random host:port strings': sample(hostPort, 400, 401).map(([host, port, sep]) => parse(host + sep + port)),
  'random host:port strings with defaults': sample(
    fc.tuple(hostPort, fc.constantFrom(table('localhost', 1), table(undefined, 2), table('::1'), table('', '0080'))),
    300,
    402,
  ).map(([[host, port, sep], defaults]) => parse(host + sep + port, defaults)),
  'random strings': sample(edgyString, 300, 403).map((text) => parse(text)),
});

describe('NetAddress', () => {
  it('holds the canonical host, its kind and the port', () => {
    const address = new NetAddress('2001:DB8:0:0:0:0:0:1', '50001');
    expect(address.host).toBe('2001:db8::1');
    expect(address.hostKind).toBe('ipv6');
    expect(address.port).toBe(50001);
    expect(address.toString()).toBe('[2001:db8::1]:50001');
    expect(`${new NetAddress('example.com', 80)}`).toBe('example.com:80');
    expect(String(new NetAddress('127.0.0.1', 80))).toBe('127.0.0.1:80');
  });

  it('checks the host before the port', () => {
    expect(() => new NetAddress('a..b', 0)).toThrow("'a..b' does not appear to be an IPv4 or IPv6 address");
  });

  it.each([
    ['[::1]:80', '[::1]:80'],
    ['localhost:80', 'localhost:80'],
    ['[localhost]:80', 'localhost:80'],
  ])('fromString(%j) prints %j', (text, printed) => {
    expect(NetAddress.fromString(text).toString()).toBe(printed);
  });

  it('takes fixed defaults for missing parts', () => {
    expect(NetAddress.fromString('example.com', { defaultPort: 50002 }).toString()).toBe('example.com:50002');
    expect(NetAddress.fromString(':1', { defaultHost: '::1' }).toString()).toBe('[::1]:1');
    expect(NetAddress.fromString('', { defaultHost: 'h', defaultPort: '2' }).toString()).toBe('h:2');
    expect(NetAddress.fromString('h:3', { defaultHost: 'x', defaultPort: 4 }).toString()).toBe('h:3');
  });

  it('asks a default function only for missing parts, host first', () => {
    const asked: string[] = [];
    const defaultFunc = (part: 'host' | 'port'): string => {
      asked.push(part);
      return part === ServicePart.HOST ? 'localhost' : '50001';
    };
    expect(NetAddress.fromString('', { defaultFunc }).toString()).toBe('localhost:50001');
    expect(NetAddress.fromString('h', { defaultFunc }).toString()).toBe('h:50001');
    expect(asked).toEqual(['host', 'port', 'port']);
  });

  it('reports a part still missing after the defaults as an invalid address string', () => {
    let caught: unknown;
    try {
      NetAddress.fromString('example.com', { defaultHost: 'localhost' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AddressError);
    expect(caught).toMatchObject({
      code: 'RXRPCX_ERR_INVALID_ADDRESS',
      field: 'address',
      value: 'example.com',
      message: 'invalid address string: example.com',
    });
    // without defaults the missing part fails its own check instead
    expect(() => NetAddress.fromString('example.com')).toThrow('invalid port: ');
  });

  it('has the reference default-function helpers', () => {
    expect(NetAddress.defaultHostAndPort('h', 1)(ServicePart.HOST)).toBe('h');
    expect(NetAddress.defaultHostAndPort('h', 1)(ServicePart.PORT)).toBe(1);
    expect(NetAddress.defaultHost('h')(ServicePart.PORT)).toBeNull();
    expect(NetAddress.defaultPort(1)(ServicePart.HOST)).toBeNull();
  });

  it('compares by host text and port, host names case-sensitively', () => {
    const a = NetAddress.fromString('[::1]:80');
    expect(a.equals(new NetAddress('0::1', '080'))).toBe(true);
    expect(a.equals(new NetAddress('::1', 81))).toBe(false);
    expect(new NetAddress('Host', 1).equals(new NetAddress('host', 1))).toBe(false);
    expect(a.equals({ host: '::1', hostKind: 'ipv6', port: 80 } as unknown as NetAddress)).toBe(false);
  });

  it('throws a TypeError for a non-string address', () => {
    expect(() => NetAddress.fromString(undefined as unknown as string)).toThrow(new TypeError('address must be a string: undefined'));
  });

  it('round-trips through toString and fromString', () => {
    const host = fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6(), ipv6Address, fc.constant('fe80::1%eth0'));
    fc.assert(
      fc.property(host, fc.integer({ min: 1, max: 65535 }), (text, port) => {
        const address = new NetAddress(text, port);
        const again = NetAddress.fromString(address.toString());
        expect(again.equals(address)).toBe(true);
        expect(again.toString()).toBe(address.toString());
        expect(again.hostKind).toBe(address.hostKind);
      }),
      { numRuns: 300, seed: 41 },
    );
  });
});
