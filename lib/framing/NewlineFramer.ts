import type { OperatorFunction } from 'rxjs';
import type { FramerBase, FramerMessagesOptions } from './FramerBase.js';
import { OversizedMessageError } from './OversizedMessageError.js';
import { ChunkQueue, checkLimit, decodeFrames, defineDecoder, defineTextFraming, type FrameDecoder, type FrameSink } from './framingInternals.js';

const NEWLINE = 0x0a;

/**
 * Options of a {@link NewlineFramer}.
 *
 * ## Example
 * ```ts
 * import { NewlineFramer, type NewlineFramerOptions } from 'rxrpcx';
 * const options: NewlineFramerOptions = { maxSize: 4_000_000 };
 * const framer = new NewlineFramer(options);
 * ```
 */
export interface NewlineFramerOptions {
  /**
   * The largest message, in bytes without its newline, that is delivered;
   * longer ones are dropped. `0` means no limit.
   * @default 1_000_000
   */
  readonly maxSize?: number;
}

/**
 * Frames messages as lines: each message is followed by an ASCII newline.
 *
 * aiorpcX's `NewlineFramer`, the framing of JSON-RPC over TCP. `frame`
 * appends `\n` and, as in the reference, does not escape newlines inside the
 * message (JSON encoders never emit raw ones).
 *
 * An anti-DoS limit applies to incoming messages: a message longer than
 * `maxSize` bytes is dropped. The drop is detected as soon as more than
 * `maxSize` bytes are buffered without a newline — nothing beyond the limit is
 * ever buffered — and reported once, through `onDrop`, with an
 * {@link OversizedMessageError}; the rest of the message is discarded up to
 * the next newline, where the stream resynchronises. The stream never errors
 * because of a peer's message size. (Unlike the reference, a long message that
 * happens to arrive within one chunk is dropped too, so what is delivered does
 * not depend on how the bytes were split; and the drop is reported once
 * rather than once per `maxSize` bytes.)
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { NewlineFramer } from 'rxrpcx';
 * const framer = new NewlineFramer({ maxSize: 20 });
 * const bytes = framer.frame(new TextEncoder().encode('{"id":0,"method":"ping"}'));
 * let dropped = 0;
 * of(bytes.subarray(0, 5), bytes.subarray(5), new TextEncoder().encode('[]\n'))
 *   .pipe(framer.messages({ onDrop: () => { dropped += 1; } }))
 *   .subscribe((line) => console.log(new TextDecoder().decode(line), dropped));
 * // [] 1   (the 24-byte request was over maxSize)
 * ```
 */
export class NewlineFramer implements FramerBase<Uint8Array> {
  static {
    // A line's text is the text and a newline (JSON text never holds a raw one).
    defineTextFraming(NewlineFramer.prototype.frame, (text) => text + '\n');
    defineDecoder(NewlineFramer.prototype.messages, (framer, sink) => newlineDecoder((framer as NewlineFramer).maxSize, sink as FrameSink<Uint8Array>));
  }

  /** The default options. */
  static readonly defaults: Readonly<Required<NewlineFramerOptions>> = Object.freeze({ maxSize: 1_000_000 });

  /** The largest message delivered, in bytes; 0 for no limit. */
  readonly maxSize: number;

  /**
   * @param options - the options, or just `maxSize`
   * @throws RangeError if `maxSize` is not a non-negative integer
   */
  constructor(options: NewlineFramerOptions | number = {}) {
    const { maxSize = NewlineFramer.defaults.maxSize } = typeof options === 'number' ? { maxSize: options } : options;
    this.maxSize = checkLimit('maxSize', maxSize, true);
  }

  /**
   * Frames a message: its bytes followed by `\n`.
   * @param message - the message, without a newline
   * @returns a new buffer
   */
  frame(message: Uint8Array): Uint8Array {
    const framed = new Uint8Array(message.length + 1);
    framed.set(message);
    framed[message.length] = NEWLINE;
    return framed;
  }

  /**
   * Splits byte chunks into lines, without their newlines.
   * @param options - `onDrop` is called with an OversizedMessageError per dropped message
   * @returns an operator from byte chunks to messages
   */
  messages(options?: FramerMessagesOptions): OperatorFunction<Uint8Array, Uint8Array> {
    const maxSize = this.maxSize;
    return decodeFrames((sink) => newlineDecoder(maxSize, sink), options);
  }
}

function newlineDecoder(maxSize: number, sink: FrameSink<Uint8Array>): FrameDecoder {
  const limit = maxSize === 0 ? Infinity : maxSize;
  const pending = new ChunkQueue();
  // True while discarding the rest of an oversized message.
  let resyncing = false;
  const drop = (): void => {
    pending.clear();
    sink.drop(new OversizedMessageError(maxSize));
  };
  return {
    push(chunk) {
      let start = 0;
      while (!sink.closed) {
        const end = chunk.indexOf(NEWLINE, start);
        if (end === -1) {
          if (resyncing || start === chunk.length) return;
          const rest = start === 0 ? chunk : chunk.subarray(start);
          if (pending.length + rest.length > limit) {
            resyncing = true;
            drop();
          } else {
            pending.push(rest);
          }
          return;
        }
        if (resyncing) {
          resyncing = false;
        } else if (pending.length + end - start > limit) {
          drop();
        } else if (pending.length === 0) {
          // The whole line lies in this chunk: a view, nothing copied.
          sink.emit(chunk.subarray(start, end));
        } else {
          pending.push(chunk.subarray(start, end));
          sink.emit(pending.take(pending.length));
        }
        start = end + 1;
      }
    },
  };
}
