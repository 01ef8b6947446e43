import { FramingError } from './FramingError.js';
import { formatCount } from '../util/pythonInternals.js';

/**
 * A newline- or header-framed message over the framer's `maxSize` was
 * dropped; the stream carries on.
 *
 * aiorpcX's NewlineFramer raises `MemoryError('dropping message over … bytes
 * and re-synchronizing')` here; rxrpcx hands this error, with the same
 * message, to the `onDrop` callback of `messages()` and keeps the stream
 * going. `cost` is 0, as the reference's MemoryError carries no cost: the
 * session charges only its base error cost, if it counts the drop at all.
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { NewlineFramer } from 'rxrpcx';
 * of(new TextEncoder().encode('a line that is too long\nok\n'))
 *   .pipe(new NewlineFramer({ maxSize: 10 }).messages({ onDrop: (error) => console.warn(error.message) }))
 *   .subscribe((message) => console.log(message.length)); // 2
 * // dropping message over 10 bytes and re-synchronizing
 * ```
 */
export class OversizedMessageError extends FramingError {
  /** Always `'OversizedMessageError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'OversizedMessageError' as const;
  readonly code = 'RXRPCX_ERR_OVERSIZED_MESSAGE' as const;
  readonly cost = 0;
  /** The framer's limit. */
  readonly maxSize: number;
  /**
   * The message length the peer declared (ContentLengthFramer); `undefined`
   * for NewlineFramer, which reports the drop as soon as the limit is passed,
   * before the end of the message is seen.
   */
  readonly length: number | undefined;

  /**
   * @param maxSize - the framer's limit
   * @param length - the declared length, when the framing declares one
   */
  constructor(maxSize: number, length?: number) {
    super(`dropping message over ${formatCount(maxSize)} bytes and re-synchronizing`);
    this.maxSize = maxSize;
    this.length = length;
  }
}
