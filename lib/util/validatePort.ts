import { AddressError } from './AddressError.js';
import { decimalText, isDecimalString, isDigitString, pythonRepr } from './pythonInternals.js';

const MAX_PORT = 65535;

/**
 * Validates a port, given as a number or a string of digits, and returns it
 * as a number in 1–65535.
 *
 * aiorpcX's `validate_port`: a string must be digits only — no sign, spaces,
 * exponent or hex (`'080'` is 80) — and, as in Python, any Unicode decimal
 * digits count (`'٨٠'` is 80). A number must be an integer. Zero and values
 * above 65535 are rejected, with the value in the message as Python's
 * `int()` would print it (`'00000'` → `'invalid port: 0'`).
 *
 * ## Example
 * ```ts
 * import { validatePort } from 'rxrpcx';
 * validatePort(50001);   // 50001
 * validatePort('8080');  // 8080
 * validatePort('65536'); // throws AddressError: invalid port: 65536
 * ```
 *
 * @param port - the port, as a number or a digit string
 * @returns the port as a number
 * @throws AddressError (field `'port'`) if the port is out of range or not all digits
 * @throws TypeError if `port` is neither a string nor an integer
 */
export function validatePort(port: number | string): number {
  if (typeof port === 'string') {
    if (isDecimalString(port)) {
      const digits = decimalText(port);
      // Check the length first: a long digit string would lose precision as a number.
      if (digits.length <= 5 && Number(digits) >= 1 && Number(digits) <= MAX_PORT) return Number(digits);
      throw new AddressError(`invalid port: ${digits}`, 'port', port);
    }
    // The reference converts anything str.isdigit() accepts with int(), which
    // refuses superscripts and the like with its own message.
    if (isDigitString(port)) {
      throw new AddressError(`invalid literal for int() with base 10: ${pythonRepr(port)}`, 'port', port);
    }
    throw new AddressError(`invalid port: ${port}`, 'port', port);
  }
  if (typeof port !== 'number' || !Number.isInteger(port)) {
    throw new TypeError(`port must be an integer or string: ${String(port)}`);
  }
  if (port >= 1 && port <= MAX_PORT) return port;
  throw new AddressError(`invalid port: ${BigInt(port).toString()}`, 'port', port);
}
