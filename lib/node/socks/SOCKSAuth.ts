/**
 * A username and password for one connection through a SOCKS proxy.
 *
 * ## Example
 * ```ts
 * import type { SOCKSCredentials } from 'rxrpcx/node';
 * const credentials: SOCKSCredentials = { username: 'alice', password: 'correct horse' };
 * ```
 */
export interface SOCKSCredentials {
  /** Sent by every protocol (as the user id for SOCKS4 and SOCKS4a). */
  readonly username: string;
  /** Sent by SOCKS5 only. */
  readonly password: string;
}

/**
 * How a {@link SOCKSProxy} authenticates: asked once for each connection it
 * opens to the proxy.
 *
 * {@link SOCKSUserAuth} answers the same credentials every time;
 * {@link SOCKSRandomAuth} fresh random ones, so Tor puts every connection on
 * its own circuit. Any object with a `credentials()` method will do.
 *
 * ## Example
 * ```ts
 * import { SOCKS5, SOCKSProxy, type SOCKSAuth } from 'rxrpcx/node';
 * let n = 0;
 * const perWallet: SOCKSAuth = { credentials: () => ({ username: `wallet-${n++}`, password: 'x' }) };
 * const proxy = new SOCKSProxy('127.0.0.1:9050', SOCKS5, perWallet);
 * ```
 */
export interface SOCKSAuth {
  /** The credentials for the next connection. */
  credentials(): SOCKSCredentials;
}
