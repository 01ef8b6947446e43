import { AddressError } from './AddressError.js';

/*
 * The reference's `[A-Za-z][A-Za-z0-9+-.]+$`: '+-.' is a range, so ',' is
 * allowed too; Python's `$` also matches before one final '\n'.
 */
const PROTOCOL = /^[A-Za-z][A-Za-z0-9+,.-]+\n?$/;

/**
 * Validates a protocol name and returns it lowercased.
 *
 * aiorpcX's `validate_protocol`: an ASCII letter followed by at least one
 * more ASCII letter, digit, `+`, `,`, `-` or `.` — so `'tcp'`, `'ssl'`,
 * `'ws'`, `'WSS'` and `'svn+ssh'` pass, and one-letter names do not.
 *
 * ## Example
 * ```ts
 * import { validateProtocol } from 'rxrpcx';
 * validateProtocol('TCP'); // 'tcp'
 * validateProtocol('t');   // throws AddressError: invalid protocol: t
 * ```
 *
 * @param protocol - the protocol name
 * @returns the protocol, lowercased
 * @throws AddressError (field `'protocol'`) if the name is not valid
 * @throws TypeError if `protocol` is not a string
 */
export function validateProtocol(protocol: string): string {
  if (typeof protocol !== 'string') throw new TypeError(`protocol must be a string: ${String(protocol)}`);
  if (!PROTOCOL.test(protocol)) throw new AddressError(`invalid protocol: ${protocol}`, 'protocol', protocol);
  return protocol.toLowerCase();
}
