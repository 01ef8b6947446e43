import fc from 'fast-check';
import { AddressError, NetAddress, Service, ServicePart, type ServiceDefaultFunc } from '../../lib/util';
import { edgyString, sample } from './generators';
import { describeAgainstReference, type Call, type ServiceDefaults } from './reference';

const parse = (text: unknown, defaults: ServiceDefaults | null = null): Call => ({ op: 'serviceFromString', args: [text, defaults] });

/** Like an Electrum server's defaults: tcp by default, a port per protocol. */
const electrum: ServiceDefaults = {
  protocol: 'tcp',
  table: { tcp: { host: 'localhost', port: 50001 }, ssl: { host: 'localhost', port: '50002' }, ws: { port: 50003 } },
};

const serviceStrings = [
  'tcp://localhost:80', 'TCP://LOCALHOST:80', 'ssl://[::1]:50002', 'SSL://[FE80::1%eth0]:1', 'wss://1.2.3.4:443',
  'tcp://localhost', 'tcp://:80', 'tcp://', '://localhost:80', '://', ':// ', 'localhost:80', 'tcp:/x:1', 'tcp:x:1',
  'tcp://a://b:1', 'ws://host:80/path', 'a+b,c://h:1', 't://h:1', 't://bad host:0', '1tcp://h:1', 'tcp\n://h:1',
  'tcp :// h:1', 'tcp', 'ssl', 'SSL', 'ws', 'udp', 'example.com', 'example.com:1', ':1', '[::1]', '[::1]:2', '', 'tcp:',
];

const calls: Call[] = [
  // constructor: the protocol is checked first, the address must have both parts
  { op: 'service', args: ['tcp', 'localhost:80'] },
  { op: 'service', args: ['TCP', '[::1]:80'] },
  { op: 'service', args: ['t', 'localhost:80'] },
  { op: 'service', args: ['t', 'bad'] },
  { op: 'service', args: ['tcp', 'localhost'] },
  { op: 'service', args: ['tcp', '::1'] },
  ...serviceStrings.map((text) => parse(text)),
  ...serviceStrings.map((text) => parse(text, electrum)),
  ...['example.com', 'tcp', 'tcp://', 'x://h', 'TCP', ''].flatMap((text) => [
    parse(text, { ...electrum, protocol: null }),
    parse(text, { ...electrum, protocol: '' }),
    parse(text, { ...electrum, protocol: 0 }),
    parse(text, { ...electrum, protocol: 'SSL' }),
    parse(text, { ...electrum, protocol: 'x' }),
    parse(text, { ...electrum, protocol: 'ws' }),
    parse(text, { protocol: 'tcp', fallback: { host: 'h', port: 1 } }),
    parse(text, { protocol: 'tcp', fallback: { host: '', port: 1 } }),
    parse(text, { protocol: 'tcp', fallback: { host: 'bad host', port: 1 } }),
  ]),
  parse(5),
  // equality
  ...[
    ['tcp://h:1', 'tcp://h:1'],
    ['tcp://h:1', 'TCP://h:01'],
    ['tcp://h:1', 'ssl://h:1'],
    ['tcp://h:1', 'tcp://H:1'],
    ['tcp://[::1]:1', 'tcp://[0::1]:1'],
  ].map(([a, b]): Call => ({ op: 'serviceEquals', args: [a!, b!] })),
];

const serviceish = fc
  .tuple(
    fc.constantFrom('tcp', 'TCP', 'ssl', 'ws', '', 't', 'x1', 'tcp\n'),
    fc.constantFrom('://', ':', '', ':/'),
    fc.oneof(fc.constantFrom('localhost', '[::1]', '1.2.3.4', '', 'a..b'), edgyString),
    fc.constantFrom(':80', ':0', '', ':', ':x', '::1'),
  )
  .map((parts) => parts.join(''));
const defaultsFor = fc.constantFrom<ServiceDefaults | null>(
  null,
  electrum,
  { ...electrum, protocol: null },
  { protocol: 'ssl', fallback: { host: 'h', port: 7 } },
);

describeAgainstReference('Service agrees with aiorpcx Service', calls, {
  'random service strings, with and without defaults': sample(fc.tuple(serviceish, defaultsFor), 500, 501).map(
    ([text, defaults]) => parse(text, defaults),
  ),
  'random strings with Electrum-like defaults': sample(edgyString, 300, 502).map((text) => parse(text, electrum)),
});

describe('Service', () => {
  it('holds a lowercased protocol and a NetAddress', () => {
    const service = Service.fromString('SSL://[::1]:50002');
    expect(service.protocol).toBe('ssl');
    expect(service.address).toBeInstanceOf(NetAddress);
    expect(service.host).toBe('::1');
    expect(service.port).toBe(50002);
    expect(String(service)).toBe('ssl://[::1]:50002');
    expect(new Service('WS', new NetAddress('h', 1)).toString()).toBe('ws://h:1');
  });

  it('reads a lone protocol or a lone address with a default function', () => {
    const ports: Record<string, number> = { tcp: 50001, ssl: 50002 };
    const asked: Array<[string | null, ServicePart]> = [];
    const defaultFunc: ServiceDefaultFunc = (protocol, part) => {
      asked.push([protocol, part]);
      if (part === ServicePart.PROTOCOL) return 'tcp';
      if (part === ServicePart.HOST) return protocol !== null && protocol in ports ? 'localhost' : null;
      return protocol === null ? null : ports[protocol];
    };
    expect(Service.fromString('ssl', { defaultFunc }).toString()).toBe('ssl://localhost:50002');
    expect(asked).toEqual([
      ['ssl', 'host'],
      ['ssl', 'port'],
      ['ssl', 'host'],
      ['ssl', 'port'],
    ]);
    asked.length = 0;
    expect(Service.fromString('example.com', { defaultFunc }).toString()).toBe('tcp://example.com:50001');
    expect(asked).toEqual([
      ['example.com', 'host'],
      [null, 'protocol'],
      ['tcp', 'port'],
    ]);
  });

  it('rejects a string without a protocol', () => {
    let caught: unknown;
    try {
      Service.fromString('localhost:80');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AddressError);
    expect(caught).toMatchObject({ field: 'service', value: 'localhost:80', message: 'invalid service string: localhost:80' });
  });

  it('checks the address before the protocol when parsing, the protocol first when constructing', () => {
    expect(() => Service.fromString('t://h')).toThrow('invalid port: ');
    expect(() => new Service('t', 'h')).toThrow('invalid protocol: t');
  });

  it('throws a TypeError for a non-string service or a non-string default protocol', () => {
    expect(() => Service.fromString(null as unknown as string)).toThrow(new TypeError('service must be a string: null'));
    expect(() => Service.fromString('h:1', { defaultFunc: (_, part) => (part === ServicePart.PROTOCOL ? 5 : null) })).toThrow(new TypeError('protocol must be a string: 5'));
  });

  it('compares protocol and address', () => {
    const a = Service.fromString('tcp://h:1');
    expect(a.equals(new Service('TCP', 'h:01'))).toBe(true);
    expect(a.equals(new Service('ssl', 'h:1'))).toBe(false);
    expect(a.equals(new Service('tcp', 'h:2'))).toBe(false);
  });

  it('round-trips through toString and fromString', () => {
    const protocol = fc.stringMatching(/^[A-Za-z][A-Za-z0-9+,.-]{1,8}$/);
    const host = fc.oneof(fc.domain(), fc.ipV4(), fc.ipV6());
    fc.assert(
      fc.property(protocol, host, fc.integer({ min: 1, max: 65535 }), (name, hostText, port) => {
        const service = new Service(name, new NetAddress(hostText, port));
        const again = Service.fromString(service.toString());
        expect(again.equals(service)).toBe(true);
        expect(again.toString()).toBe(service.toString());
      }),
      { numRuns: 200, seed: 51 },
    );
  });
});
