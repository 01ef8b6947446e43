import { AddressError } from './AddressError.js';
import { isValidHostname } from './isValidHostname.js';
import { compressHextets, parseIPv4, parseIPv6Hextets } from './ipInternals.js';

/**
 * The prefix lengths {@link subnetKey} cuts addresses at.
 *
 * ## Example
 * ```ts
 * import { subnetKey, type SubnetPrefixes } from 'rxrpcx';
 * const coarse: SubnetPrefixes = { ipv4Prefix: 16, ipv6Prefix: 48 };
 * console.log(subnetKey('198.51.100.7', coarse)); // 198.51.0.0/16
 * ```
 */
export interface SubnetPrefixes {
  /** Leading bits kept of an IPv4 address (0–32). @default 24 */
  readonly ipv4Prefix?: number;
  /** Leading bits kept of an IPv6 address (0–128). @default 56 */
  readonly ipv6Prefix?: number;
}

/**
 * The subnet an IP address is in, as CIDR text: the key by which cost groups
 * put one client's connections together.
 *
 * IPv4 addresses are cut at `ipv4Prefix` bits (`'192.0.2.77'` →
 * `'192.0.2.0/24'`), IPv6 at `ipv6Prefix` bits, written the way
 * {@link classifyHost} writes addresses (`'2001:db8:0:1ff::/56'`). An
 * IPv4-mapped IPv6 address (`::ffff:192.0.2.77`, as a dual-stack socket
 * reports IPv4 peers) is the IPv4 address it carries; a `%zone` is dropped.
 * A host name is its own key, unchanged.
 *
 * ## Example
 * ```ts
 * import { subnetKey } from 'rxrpcx';
 * subnetKey('192.0.2.77');                   // '192.0.2.0/24'
 * subnetKey('::ffff:192.0.2.77');            // '192.0.2.0/24'
 * subnetKey('2001:db8:0:1ff:a:b:c:d');       // '2001:db8:0:100::/56'
 * subnetKey('2001:db8::1', { ipv6Prefix: 64 }); // '2001:db8::/64'
 * ```
 *
 * @param host - an IPv4 or IPv6 address (no brackets), or a host name
 * @param prefixes - where to cut: `ipv4Prefix` (24) and `ipv6Prefix` (56)
 * @returns the subnet in CIDR form, or the host name
 * @throws AddressError (field `'host'`) if `host` is neither an IP address nor a host name
 * @throws RangeError if a prefix is not an integer in range
 */
export function subnetKey(host: string, prefixes: SubnetPrefixes = {}): string {
  const ipv4Prefix = checkedPrefix(prefixes.ipv4Prefix ?? 24, 32, 'ipv4Prefix');
  const ipv6Prefix = checkedPrefix(prefixes.ipv6Prefix ?? 56, 128, 'ipv6Prefix');
  const octets = parseIPv4(host);
  if (octets !== undefined) return ipv4Subnet(octets, ipv4Prefix);
  const percent = host.indexOf('%');
  const hextets = parseIPv6Hextets(percent === -1 ? host : host.slice(0, percent));
  if (hextets !== undefined) {
    if (hextets.slice(0, 5).every((hextet) => hextet === 0) && hextets[5] === 0xffff) {
      const [high, low] = [hextets[6] as number, hextets[7] as number];
      return ipv4Subnet([high >> 8, high & 0xff, low >> 8, low & 0xff], ipv4Prefix);
    }
    const network = hextets.map((hextet, index) => hextet & maskBits(ipv6Prefix - index * 16, 16));
    return `${compressHextets(network)}/${ipv6Prefix}`;
  }
  if (isValidHostname(host)) return host;
  throw new AddressError(`'${host}' is not an IP address or a host name`, 'host', host);
}

function ipv4Subnet(octets: readonly number[], prefix: number): string {
  return `${octets.map((octet, index) => octet & maskBits(prefix - index * 8, 8)).join('.')}/${prefix}`;
}

/** The mask of a `width`-bit part of which the first `bits` are kept (clamped to 0…width). */
function maskBits(bits: number, width: number): number {
  const kept = Math.max(0, Math.min(width, bits));
  return ((1 << width) - 1) ^ ((1 << (width - kept)) - 1);
}

/** A prefix length checked: an integer from 0 to `max`. */
function checkedPrefix(prefix: number, max: number, name: string): number {
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new RangeError(`${name} must be an integer from 0 to ${max}, not ${String(prefix)}`);
  }
  return prefix;
}
