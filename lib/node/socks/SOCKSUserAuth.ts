import type { SOCKSAuth, SOCKSCredentials } from './SOCKSAuth.js';

/**
 * A fixed username and password for a SOCKS proxy — aiorpcX's `SOCKSUserAuth`.
 *
 * All protocols send the username (SOCKS4 and SOCKS4a as the user id); only
 * SOCKS5 sends the password, and it requires both to be 1–255 bytes of UTF-8
 * (checked before any I/O). Both are kept in private fields behind getters,
 * so nothing that shows or copies the object reveals them: `util.inspect`
 * (hidden properties included) prints
 * `SOCKSUserAuth { username: '<redacted>', password: '<redacted>' }`,
 * `JSON.stringify` the same redacted pair, and `Object.keys` and
 * `structuredClone` find no field at all.
 *
 * ## Example
 * ```ts
 * import { SOCKS5, SOCKSProxy, SOCKSUserAuth } from 'rxrpcx/node';
 * const proxy = new SOCKSProxy('127.0.0.1:1080', SOCKS5, new SOCKSUserAuth('alice', 'correct horse'));
 * console.log(String(proxy)); // SOCKS5 proxy at 127.0.0.1:1080, auth: username
 * ```
 */
export class SOCKSUserAuth implements SOCKSAuth {
  readonly #username: string;
  readonly #password: string;

  /**
   * @param username - the username
   * @param password - the password (ignored by SOCKS4 and SOCKS4a)
   * @throws TypeError if either is not a string
   */
  constructor(username: string, password: string) {
    if (typeof username !== 'string') throw new TypeError('SOCKS username must be a string');
    if (typeof password !== 'string') throw new TypeError('SOCKS password must be a string');
    this.#username = username;
    this.#password = password;
  }

  /** The username (the user id for SOCKS4 and SOCKS4a). */
  get username(): string {
    return this.#username;
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
    return { username: this.#username, password: this.#password };
  }

  /**
   * What `JSON.stringify` shows: that there are credentials, not what they are.
   *
   * @returns `{ username: '<redacted>', password: '<redacted>' }`
   */
  toJSON(): {
    /** Always `'<redacted>'`. */
    readonly username: string;
    /** Always `'<redacted>'`. */
    readonly password: string;
  } {
    return { username: REDACTED, password: REDACTED };
  }

  /** What `util.inspect` (and so `console.log`) shows: the redacted pair. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SOCKSUserAuth { username: '${REDACTED}', password: '${REDACTED}' }`;
  }
}

const REDACTED = '<redacted>';
