import { AddressError } from './AddressError.js';
import { normaliseIPv6, parseIPv4 } from './ipInternals.js';
import { isValidHostname } from './isValidHostname.js';
import { pythonRepr } from './pythonInternals.js';

/**
 * What a host is: an IPv4 address, an IPv6 address or a DNS host name.
 *
 * ## Example
 * ```ts
 * import { classifyHost, type HostKind } from 'rxrpcx';
 * const kind: HostKind = classifyHost('::1').kind; // 'ipv6'
 * ```
 */
export type HostKind = 'ipv4' | 'ipv6' | 'hostname';

/**
 * A host after {@link classifyHost}: its kind and its text.
 *
 * `host` is the address in canonical form for IP addresses (`'::1'`,
 * `'2001:db8::1%eth0'` — lowercase, zeros compressed, zone kept) and the name
 * exactly as given for host names.
 *
 * ## Example
 * ```ts
 * import { classifyHost, type ClassifiedHost } from 'rxrpcx';
 * const { kind, host }: ClassifiedHost = classifyHost('0:0::1');
 * console.log(kind === 'ipv6' ? `[${host}]` : host); // [::1]
 * ```
 */
export interface ClassifiedHost {
  /** Which of the three kinds the host is. */
  readonly kind: HostKind;
  /** The canonical text of the host. */
  readonly host: string;
}

/**
 * Classifies a host string as a host name, an IPv4 address or an IPv6
 * address, or rejects it.
 *
 * The rules are aiorpcX's `classify_host`: a valid host name (see
 * {@link isValidHostname}) is kept verbatim; otherwise the text must be an IP
 * address as Python's `ipaddress.ip_address` reads it — IPv4 as four decimal
 * octets without leading zeros; IPv6 with at most one `::`, an optional
 * dotted-quad tail and an optional `%zone`. IP addresses come back in the
 * canonical form Python's `str()` prints, which is how they appear in
 * {@link NetAddress} strings. No brackets here: `'[::1]'` is rejected.
 *
 * ## Example
 * ```ts
 * import { classifyHost } from 'rxrpcx';
 * classifyHost('Example.COM');          // { kind: 'hostname', host: 'Example.COM' }
 * classifyHost('127.0.0.1');            // { kind: 'ipv4', host: '127.0.0.1' }
 * classifyHost('2001:DB8:0:0:0:0:0:1'); // { kind: 'ipv6', host: '2001:db8::1' }
 * classifyHost('::ffff:1.2.3.4');       // { kind: 'ipv6', host: '::ffff:102:304' }
 * ```
 *
 * @param host - the host text
 * @returns the kind and canonical text of the host
 * @throws AddressError (field `'host'`) if `host` is neither a host name nor an IP address
 * @throws TypeError if `host` is not a string
 */
export function classifyHost(host: string): ClassifiedHost {
  if (isValidHostname(host)) return { kind: 'hostname', host };
  // Valid IPv4 text is already canonical: leading zeros are refused.
  if (parseIPv4(host) !== undefined) return { kind: 'ipv4', host };
  const ipv6 = normaliseIPv6(host);
  if (ipv6 !== undefined) return { kind: 'ipv6', host: ipv6 };
  throw new AddressError(`${pythonRepr(host)} does not appear to be an IPv4 or IPv6 address`, 'host', host);
}
