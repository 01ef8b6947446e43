import { FramingError } from './FramingError.js';
import { formatCount } from '../util/pythonInternals.js';

/**
 * A binary frame's header declared a payload over the limit; fatal.
 *
 * aiorpcX's `OversizedPayloadError` (cost 500). Raised from the header alone,
 * before any of the payload is buffered: the `messages()` stream errors with
 * it and the session disconnects.
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { BitcoinFramer, OversizedPayloadError } from 'rxrpcx';
 * const big = new BitcoinFramer({ maxPayloadSize: 3_000_000 }).frame({ command: 'tx', payload: new Uint8Array(2_000_001) });
 * of(big).pipe(new BitcoinFramer().messages()).subscribe({
 *   error: (error) => {
 *     if (error instanceof OversizedPayloadError) console.log(error.command, error.payloadLength);
 *     // tx 2000001
 *   },
 * });
 * ```
 */
export class OversizedPayloadError extends FramingError {
  /** Always `'OversizedPayloadError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'OversizedPayloadError' as const;
  readonly code = 'RXRPCX_ERR_OVERSIZED_PAYLOAD' as const;
  readonly cost = 500;
  /** The command of the frame (NULs stripped). */
  readonly command: string;
  /** The payload length the header declared. */
  readonly payloadLength: number;
  /** The largest payload allowed for this command. */
  readonly limit: number;

  /**
   * @param command - the command of the frame
   * @param payloadLength - the declared payload length
   * @param limit - the largest payload allowed for the command
   */
  constructor(command: string, payloadLength: number, limit: number) {
    super(`oversized payload of ${formatCount(payloadLength)} bytes to command ${command}`);
    this.command = command;
    this.payloadLength = payloadLength;
    this.limit = limit;
  }
}
