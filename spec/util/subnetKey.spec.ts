import { AddressError, subnetKey } from 'rxrpcx';

describe('subnetKey', () => {
  it.each([
    ['192.0.2.77', {}, '192.0.2.0/24'],
    ['192.0.2.77', { ipv4Prefix: 16 }, '192.0.0.0/16'],
    ['192.0.2.77', { ipv4Prefix: 32 }, '192.0.2.77/32'],
    ['192.0.2.77', { ipv4Prefix: 0 }, '0.0.0.0/0'],
    ['192.0.2.255', { ipv4Prefix: 25 }, '192.0.2.128/25'],
    ['2001:db8:0:1ff:a:b:c:d', {}, '2001:db8:0:100::/56'],
    ['2001:DB8:0:1FF::1', {}, '2001:db8:0:100::/56'],
    ['2001:db8::1', { ipv6Prefix: 64 }, '2001:db8::/64'],
    ['2001:db8:abcd:1234::1', { ipv6Prefix: 50 }, '2001:db8:abcd::/50'],
    ['fe80::1%eth0', {}, 'fe80::/56'],
    ['::1', { ipv6Prefix: 128 }, '::1/128'],
    ['::ffff:192.0.2.200', {}, '192.0.2.0/24'],
    ['::ffff:c000:2c8', { ipv4Prefix: 8 }, '192.0.0.0/8'],
    ['example.com', {}, 'example.com'],
  ])('%s %j → %s', (host, prefixes, key) => {
    expect(subnetKey(host, prefixes)).toBe(key);
  });

  it('rejects what is neither an address nor a host name, and prefixes out of range', () => {
    expect(() => subnetKey('1.2.3.4/8')).toThrow(AddressError);
    expect(() => subnetKey('::1', { ipv6Prefix: 129 })).toThrow(RangeError);
    expect(() => subnetKey('1.2.3.4', { ipv4Prefix: 1.5 })).toThrow(RangeError);
  });
});
