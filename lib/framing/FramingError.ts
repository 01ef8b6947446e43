/**
 * The stable codes of the framing errors, one per error class.
 *
 * ## Example
 * ```ts
 * import type { FramingErrorCode } from 'rxrpcx';
 * const fatal: FramingErrorCode[] = ['RXRPCX_ERR_BAD_MAGIC', 'RXRPCX_ERR_OVERSIZED_PAYLOAD'];
 * ```
 */
export type FramingErrorCode =
  | 'RXRPCX_ERR_BAD_MAGIC'
  | 'RXRPCX_ERR_BAD_CHECKSUM'
  | 'RXRPCX_ERR_OVERSIZED_PAYLOAD'
  | 'RXRPCX_ERR_OVERSIZED_MESSAGE'
  | 'RXRPCX_ERR_BAD_HEADER';

/**
 * The base class of everything a framer reports about a misbehaving peer.
 *
 * A framing error is either *fatal* — the `messages()` stream errors with it,
 * because the byte stream can no longer be split reliably (BadMagicError,
 * OversizedPayloadError, BadHeaderError) — or *non-fatal*: one message is
 * dropped, the stream carries on and the error is handed to the
 * {@link FramerMessagesOptions.onDrop} callback (BadChecksumError,
 * OversizedMessageError). `cost` is what the peer is charged on top of the
 * session's `errorBaseCost`, as in aiorpcX (`error_base_cost +
 * getattr(exception, 'cost', 0)`).
 *
 * ## Example
 * ```ts
 * import { FramingError, NewlineFramer, memoryTransportPair } from 'rxrpcx';
 * const [, server] = memoryTransportPair();
 * let errors = 0;
 * server.incoming
 *   .pipe(new NewlineFramer().messages({ onDrop: (error) => { errors += 1; console.warn(error.code, error.cost); } }))
 *   .subscribe({
 *     error: (error: unknown) => {
 *       if (error instanceof FramingError) console.error('disconnecting', error.code, 100 + error.cost);
 *     },
 *   });
 * ```
 */
export abstract class FramingError extends Error {
  /** Stable code for programmatic checks. */
  abstract readonly code: FramingErrorCode;
  /** Cost the session adds to its base error cost for this error. */
  abstract readonly cost: number;
}
