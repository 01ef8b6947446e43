import type { SOCKSAuth, SOCKSCredentials } from './SOCKSAuth';

/**
 * A fixed username and password for a SOCKS proxy — aiorpcX's `SOCKSUserAuth`.
 *
 * All protocols send the username (SOCKS4 and SOCKS4a as the user id); only
 * SOCKS5 sends the password, and it requires both to be 1–255 bytes of UTF-8
 * (checked before any I/O). The password is kept in a private field behind a
 * getter, so logging or `JSON.stringify` of the object never shows it.
 *
 * ## Example
 * ```ts
 * import { SOCKS5, SOCKSProxy, SOCKSUserAuth } from 'rxrpcx/node';
 * const proxy = new SOCKSProxy('127.0.0.1:1080', SOCKS5, new SOCKSUserAuth('alice', 'correct horse'));
 * console.log(String(proxy)); // SOCKS5 proxy at 127.0.0.1:1080, auth: username
 * ```
 */
export class SOCKSUserAuth implements SOCKSAuth {
  /** The username (the user id for SOCKS4 and SOCKS4a). */
  readonly username: string;
  readonly #password: string;

  /**
   * @param username - the username
   * @param password - the password (ignored by SOCKS4 and SOCKS4a)
   * @throws TypeError if either is not a string
   */
  constructor(username: string, password: string) {
    if (typeof username !== 'string') throw new TypeError('SOCKS username must be a string');
    if (typeof password !== 'string') throw new TypeError('SOCKS password must be a string');
    this.username = username;
    this.#password = password;
  }

  /** The password. */
  get password(): string {
    return this.#password;
  }

  /**
   * The same username and password every time.
   *
   * @returns the credentials
   */
  credentials(): SOCKSCredentials {
    return { username: this.username, password: this.#password };
  }
}
