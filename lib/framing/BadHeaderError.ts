import { FramingError } from './FramingError.js';

/**
 * Why a {@link BadHeaderError} was raised.
 *
 * `'too-large'`: no blank line within `maxHeaderSize` bytes; `'malformed'`: a
 * header line is not `Name: value`; `'missing-length'`: no `Content-Length`;
 * `'bad-length'`: a `Content-Length` that is not a plain decimal number, or
 * appears twice.
 *
 * ## Example
 * ```ts
 * import type { BadHeaderReason } from 'rxrpcx';
 * const retryable = (reason: BadHeaderReason): boolean => reason === 'too-large';
 * ```
 */
export type BadHeaderReason = 'too-large' | 'malformed' | 'missing-length' | 'bad-length';

/**
 * A `Content-Length` header block could not be parsed; fatal.
 *
 * Once the header of a length-prefixed frame is unreadable there is no way to
 * find the next frame, so the `messages()` stream of a
 * {@link ContentLengthFramer} errors with it. It costs 1000, as much as a bad
 * network magic: both mean the peer is not speaking the protocol.
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { BadHeaderError, ContentLengthFramer } from 'rxrpcx';
 * of(new TextEncoder().encode('Content-Type: text/plain\r\n\r\n'))
 *   .pipe(new ContentLengthFramer().messages())
 *   .subscribe({
 *     error: (error) => {
 *       if (error instanceof BadHeaderError) console.log(error.code, error.reason);
 *       // RXRPCX_ERR_BAD_HEADER missing-length
 *     },
 *   });
 * ```
 */
export class BadHeaderError extends FramingError {
  /** Always `'BadHeaderError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'BadHeaderError' as const;
  readonly code = 'RXRPCX_ERR_BAD_HEADER' as const;
  readonly cost = 1000;
  /** What was wrong with the header block. */
  readonly reason: BadHeaderReason;

  /**
   * @param message - what was wrong, in words
   * @param reason - what was wrong, as a literal
   */
  constructor(message: string, reason: BadHeaderReason) {
    super(message);
    this.reason = reason;
  }
}
