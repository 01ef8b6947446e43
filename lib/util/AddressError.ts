/**
 * Which piece of an address or service string an {@link AddressError} is
 * about.
 *
 * `'host'`, `'port'` and `'protocol'` are single values that failed their
 * check; `'address'` and `'service'` are whole strings with a part missing
 * after the defaults were consulted.
 *
 * ## Example
 * ```ts
 * import { AddressError, NetAddress } from 'rxrpcx';
 * try {
 *   NetAddress.fromString('example.com', { defaultHost: 'localhost' }); // no port, and no default port
 * } catch (e) {
 *   if (e instanceof AddressError) console.log(e.field); // 'address'
 * }
 * ```
 */
export type AddressField = 'host' | 'port' | 'protocol' | 'address' | 'service';

/**
 * Thrown when a host, port, protocol, address string or service string is not
 * valid — aiorpcX's `ValueError`, with the reference's message text.
 *
 * The message is word for word the reference's (`'invalid port: 0'`,
 * `"'a..b' does not appear to be an IPv4 or IPv6 address"`); branch on
 * `code` and `field` rather than on the message. A value of the wrong type
 * (a port that is an object, a host that is not a string) is a `TypeError`
 * instead, as in the reference.
 *
 * ## Example
 * ```ts
 * import { AddressError, NetAddress } from 'rxrpcx';
 * try {
 *   NetAddress.fromString('localhost:0');
 * } catch (error) {
 *   if (error instanceof AddressError) {
 *     console.log(error.code, error.field, error.message);
 *     // RXRPCX_ERR_INVALID_ADDRESS port invalid port: 0
 *   }
 * }
 * ```
 */
export class AddressError extends Error {
  /** Always `'AddressError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'AddressError' as const;
  /** Stable code for programmatic checks. */
  readonly code = 'RXRPCX_ERR_INVALID_ADDRESS' as const;
  /** Which piece was invalid. */
  readonly field: AddressField;
  /** The rejected input, as given. */
  readonly value: unknown;

  /**
   * @param message - the reference's message text
   * @param field - which piece was invalid
   * @param value - the rejected input
   */
  constructor(message: string, field: AddressField, value: unknown) {
    super(message);
    this.field = field;
    this.value = value;
  }
}
