import type { NetAddress } from '../../util/NetAddress.js';

/**
 * The destinations auto-detection asks a suspected proxy to connect to.
 *
 * `ipv4` is used for SOCKS5 and SOCKS4 and must be an IPv4 address (SOCKS4
 * can carry nothing else); `hostname` for SOCKS4a, normally a host name so
 * the proxy has to resolve it (an IPv6 address is refused). Whether the
 * connection succeeds does not matter — a refusal also shows a proxy is
 * there — but the proxy does try to reach it, so it is real traffic from the
 * proxy to that address.
 *
 * ## Example
 * ```ts
 * import { SOCKSProxy, type SOCKSProbe } from 'rxrpcx/node';
 * // Probe our own server instead of public hosts.
 * const probe: SOCKSProbe = { ipv4: '203.0.113.7:50001', hostname: 'electrum.example.com:50001' };
 * const proxy = await SOCKSProxy.autoDetectAtAddress('127.0.0.1:9050', null, { probe });
 * ```
 */
export interface SOCKSProbe {
  /** The probe for SOCKS5 and SOCKS4: an IPv4 address and port. */
  readonly ipv4: NetAddress | string;
  /** The probe for SOCKS4a: a host name (or IPv4 address) and port. */
  readonly hostname: NetAddress | string;
}

/**
 * The reference's probes: `8.8.8.8:53` for SOCKS5 and SOCKS4,
 * `www.apple.com:80` for SOCKS4a.
 *
 * Public addresses, reached through the proxy: pass your own
 * {@link SOCKSProbe} where that traffic is unwanted (tests, private networks).
 *
 * ## Example
 * ```ts
 * import { defaultSOCKSProbe } from 'rxrpcx/node';
 * console.log(String(defaultSOCKSProbe.ipv4), String(defaultSOCKSProbe.hostname)); // 8.8.8.8:53 www.apple.com:80
 * ```
 */
export const defaultSOCKSProbe: SOCKSProbe = Object.freeze({ ipv4: '8.8.8.8:53', hostname: 'www.apple.com:80' });
