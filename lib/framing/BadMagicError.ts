import { FramingError } from './FramingError.js';
import { toHex } from './framingInternals.js';

/**
 * A binary frame began with the wrong network magic; fatal.
 *
 * aiorpcX's `BadMagicError` (cost 1000): the peer is on another network or
 * not speaking the protocol at all, so the `messages()` stream errors with it
 * and the session disconnects.
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { BadMagicError, BitcoinFramer } from 'rxrpcx';
 * const testnetFrame = new BitcoinFramer({ magic: '0b110907' }).frame({ command: 'ping', payload: new Uint8Array(8) });
 * of(testnetFrame).pipe(new BitcoinFramer().messages()).subscribe({
 *   error: (error) => {
 *     if (error instanceof BadMagicError) console.log(error.code, error.message);
 *     // RXRPCX_ERR_BAD_MAGIC bad network magic: got 0b110907 expected e3e1f3e8
 *   },
 * });
 * ```
 */
export class BadMagicError extends FramingError {
  /** Always `'BadMagicError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'BadMagicError' as const;
  readonly code = 'RXRPCX_ERR_BAD_MAGIC' as const;
  readonly cost = 1000;
  /** The magic received. */
  readonly magic: Uint8Array;
  /** The magic expected. */
  readonly expected: Uint8Array;

  /**
   * @param magic - the magic bytes received
   * @param expected - the framer's magic
   */
  constructor(magic: Uint8Array, expected: Uint8Array) {
    super(`bad network magic: got ${toHex(magic)} expected ${toHex(expected)}`);
    this.magic = Uint8Array.from(magic);
    this.expected = Uint8Array.from(expected);
  }
}
