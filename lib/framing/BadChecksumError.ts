import { FramingError } from './FramingError.js';
import { toHex } from './framingInternals.js';

/**
 * A binary frame's payload did not match its checksum; the message is
 * dropped and the stream carries on.
 *
 * aiorpcX's `BadChecksumError` (cost 100). Not fatal: the length field was
 * still trusted, so the stream stays in step; the framer skips the message and
 * hands this error to the `onDrop` callback of `messages()`.
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { BitcoinFramer } from 'rxrpcx';
 * const framer = new BitcoinFramer();
 * const corrupt = framer.frame({ command: 'verack', payload: new Uint8Array(0) });
 * corrupt.fill(0, 20, 24); // zero the checksum
 * let errors = 0;
 * of(corrupt)
 *   .pipe(framer.messages({ onDrop: (error) => { errors += 1; console.warn(error.message); } }))
 *   .subscribe(({ command }) => console.log(command)); // never called
 * // checksum mismatch: actual 5df6e0e2 vs claimed 00000000
 * ```
 */
export class BadChecksumError extends FramingError {
  /** Always `'BadChecksumError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'BadChecksumError' as const;
  readonly code = 'RXRPCX_ERR_BAD_CHECKSUM' as const;
  readonly cost = 100;
  /** Checksum computed over the payload received. */
  readonly payloadChecksum: Uint8Array;
  /** Checksum the header claimed. */
  readonly claimedChecksum: Uint8Array;
  /** The command of the dropped message (NULs stripped). */
  readonly command: string;

  /**
   * @param payloadChecksum - the checksum of the payload as received
   * @param claimedChecksum - the checksum in the header
   * @param command - the command of the dropped message
   */
  constructor(payloadChecksum: Uint8Array, claimedChecksum: Uint8Array, command: string) {
    super(`checksum mismatch: actual ${toHex(payloadChecksum)} vs claimed ${toHex(claimedChecksum)}`);
    this.payloadChecksum = Uint8Array.from(payloadChecksum);
    this.claimedChecksum = Uint8Array.from(claimedChecksum);
    this.command = command;
  }
}
