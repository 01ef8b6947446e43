import { randomBytes } from 'node:crypto';
import type { SOCKSAuth, SOCKSCredentials } from './SOCKSAuth.js';

/**
 * A fresh random username and password for every connection —
 * aiorpcX's `SOCKSRandomAuth`, for Tor stream isolation.
 *
 * Tor (with its default `IsolateSOCKSAuth`) puts connections with different
 * SOCKS credentials on different circuits, so no two connections made through
 * the proxy can be linked by the exit. Each call of {@link credentials} (one
 * per connection attempt) draws 32 random bytes for the username and another
 * 32 for the password, as 64 hex digits each (`secrets.token_hex(32)`).
 *
 * ## Example
 * ```ts
 * import { SOCKS5, SOCKSProxy, SOCKSRandomAuth } from 'rxrpcx/node';
 * const tor = new SOCKSProxy('127.0.0.1:9050', SOCKS5, new SOCKSRandomAuth());
 * const a = await tor.createConnection('electrum.example.com', 50001); // one circuit
 * const b = await tor.createConnection('electrum.example.com', 50001); // another
 * ```
 */
export class SOCKSRandomAuth implements SOCKSAuth {
  /**
   * New random credentials.
   *
   * @returns a username and a password of 64 hex digits each, never seen before
   */
  credentials(): SOCKSCredentials {
    return { username: randomBytes(32).toString('hex'), password: randomBytes(32).toString('hex') };
  }
}
