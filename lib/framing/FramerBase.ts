import type { OperatorFunction } from 'rxjs';
import type { FramingError } from './FramingError.js';

/**
 * Options for {@link FramerBase.messages}, per subscription.
 *
 * ## Example
 * ```ts
 * import { NewlineFramer } from 'rxrpcx';
 * let dropped = 0;
 * const unframe = new NewlineFramer().messages({ onDrop: () => { dropped += 1; } });
 * ```
 */
export interface FramerMessagesOptions {
  /**
   * Called, synchronously and once per message, for each message the framer
   * discards while the stream carries on: an {@link OversizedMessageError}
   * (NewlineFramer, ContentLengthFramer) or a {@link BadChecksumError}
   * (BitcoinFramer). A session counts these as errors, charging
   * `errorBaseCost + error.cost`. Errors that end the stream are not passed
   * here: the stream errors with them instead. If the callback throws, the
   * stream errors with what it threw.
   * @default undefined (drops are silent)
   */
  readonly onDrop?: (error: FramingError) => void;
}

/**
 * A framer: turns outgoing messages into bytes, and a byte stream back into
 * messages.
 *
 * aiorpcX's `FramerBase`, in RxJS terms: `frame` is unchanged, and
 * `received_bytes` / `receive_message` become one operator, `messages()`,
 * which takes chunks of bytes as they arrive — split anywhere — and emits
 * whole messages. Each subscription to the piped stream has its own buffers,
 * so one framer can serve any number of connections. The source completing
 * completes the messages (a partial trailing frame is discarded); the source
 * erroring errors them; a fatal framing error (a {@link FramingError} whose
 * class says so) errors them too.
 *
 * Emitted messages may be views into the received chunks (no copy when a
 * frame lies within one chunk); the framer never writes to them.
 *
 * ## Example
 * ```ts
 * import { memoryTransportPair, NewlineFramer, type FramerBase } from 'rxrpcx';
 * const framer: FramerBase<Uint8Array> = new NewlineFramer();
 * const [client, server] = memoryTransportPair();
 * server.incoming.pipe(framer.messages()).subscribe((message) => console.log(message.length)); // 33
 * await client.write(framer.frame(new TextEncoder().encode('{"jsonrpc":"2.0","method":"ping"}')));
 * ```
 *
 * @typeParam M - the message type: `Uint8Array` for text protocols,
 *   {@link BinaryMessage} for binary ones
 */
export interface FramerBase<M = Uint8Array> {
  /**
   * Frames one message for the wire.
   * @param message - the message
   * @returns the bytes to write, in a new buffer
   */
  frame(message: M): Uint8Array;
  /**
   * An operator that splits a stream of byte chunks into messages.
   * @param options - per-subscription callbacks
   * @returns the operator; state lives in each subscription
   */
  messages(options?: FramerMessagesOptions): OperatorFunction<Uint8Array, M>;
}

/**
 * Another name for {@link FramerBase}.
 *
 * ## Example
 * ```ts
 * import { BitcoinFramer, type BinaryMessage, type Framer } from 'rxrpcx';
 * const framer: Framer<BinaryMessage> = new BitcoinFramer();
 * ```
 */
export type Framer<M = Uint8Array> = FramerBase<M>;
