/**
 * The SOCKS4 protocol marker: the destination must be an IPv4 address, and a
 * username goes as the user id (no password).
 *
 * ## Example
 * ```ts
 * import { SOCKS4, SOCKSProxy } from 'rxrpcx/node';
 * const proxy = new SOCKSProxy('127.0.0.1:1080', SOCKS4, null);
 * const { socket } = await proxy.createConnection('203.0.113.7', 50001);
 * ```
 */
export const SOCKS4 = 'SOCKS4' as const;
/**
 * The SOCKS4a protocol marker: the destination is an IPv4 address or a host
 * name the proxy resolves (never an IPv6 address).
 *
 * ## Example
 * ```ts
 * import { SOCKS4a, SOCKSProxy } from 'rxrpcx/node';
 * const proxy = new SOCKSProxy('127.0.0.1:1080', SOCKS4a, null);
 * const { socket } = await proxy.createConnection('electrum.example.com', 50001);
 * ```
 */
export const SOCKS4a = 'SOCKS4a' as const;
/**
 * The SOCKS5 protocol marker (RFC 1928), with optional username/password
 * authentication (RFC 1929); any destination: IPv4, IPv6 or a host name.
 *
 * ## Example
 * ```ts
 * import { SOCKS5, SOCKSProxy, SOCKSRandomAuth } from 'rxrpcx/node';
 * const tor = new SOCKSProxy('127.0.0.1:9050', SOCKS5, new SOCKSRandomAuth());
 * const { socket } = await tor.createConnection('electrum.example.com', 50001);
 * ```
 */
export const SOCKS5 = 'SOCKS5' as const;

/**
 * Which SOCKS protocol a {@link SOCKSProxy} speaks: {@link SOCKS4},
 * {@link SOCKS4a} or {@link SOCKS5}.
 *
 * aiorpcX's protocol classes `SOCKS4`, `SOCKS4a` and `SOCKS5`, used there only
 * as markers; here they are string constants, so a protocol prints as its
 * name, compares with `===` and can come from a configuration file.
 *
 * ## Example
 * ```ts
 * import { SOCKS5, SOCKSProxy, type SOCKSProtocol } from 'rxrpcx/node';
 * const protocol: SOCKSProtocol = process.env.TOR_SOCKS4 ? 'SOCKS4a' : SOCKS5;
 * const proxy = new SOCKSProxy('127.0.0.1:9050', protocol, null);
 * console.log(String(proxy)); // SOCKS5 proxy at 127.0.0.1:9050, auth: none
 * ```
 */
export type SOCKSProtocol = typeof SOCKS4 | typeof SOCKS4a | typeof SOCKS5;

/**
 * The three protocols, in the order auto-detection tries them: SOCKS5,
 * SOCKS4a, SOCKS4.
 *
 * ## Example
 * ```ts
 * import { SOCKS_PROTOCOLS } from 'rxrpcx/node';
 * console.log(SOCKS_PROTOCOLS.join(' > ')); // SOCKS5 > SOCKS4a > SOCKS4
 * ```
 */
export const SOCKS_PROTOCOLS: readonly SOCKSProtocol[] = Object.freeze([SOCKS5, SOCKS4a, SOCKS4]);

/**
 * Whether `value` is one of the three protocol names.
 *
 * Narrows text from a configuration file or the command line.
 *
 * ## Example
 * ```ts
 * import { isSOCKSProtocol, SOCKS5 } from 'rxrpcx/node';
 * const protocol = isSOCKSProtocol(process.env.PROXY_PROTOCOL) ? process.env.PROXY_PROTOCOL : SOCKS5;
 * ```
 *
 * @param value - anything
 * @returns `true` for `'SOCKS4'`, `'SOCKS4a'` and `'SOCKS5'`
 */
export function isSOCKSProtocol(value: unknown): value is SOCKSProtocol {
  return value === SOCKS4 || value === SOCKS4a || value === SOCKS5;
}
