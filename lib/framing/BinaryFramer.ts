import type { OperatorFunction } from 'rxjs';
import { BadChecksumError } from './BadChecksumError.js';
import type { FramerBase, FramerMessagesOptions } from './FramerBase.js';
import { ChunkQueue, decodeFrames, defineDecoder, type FrameDecoder, type FrameSink } from './framingInternals.js';

/**
 * A message of a binary protocol: a command and its payload.
 *
 * The command is a string of one-byte characters (U+0000–U+00FF, one byte
 * each on the wire, so any command bytes round-trip); protocol commands are
 * ASCII (`'version'`, `'block'`).
 *
 * ## Example
 * ```ts
 * import type { BinaryMessage } from 'rxrpcx';
 * const ping: BinaryMessage = { command: 'ping', payload: new Uint8Array(8) };
 * ```
 */
export interface BinaryMessage {
  /** The command, without padding. */
  readonly command: string;
  /** The payload bytes. */
  readonly payload: Uint8Array;
}

/**
 * What a {@link BinaryFramer} subclass reads from a frame header.
 *
 * ## Example
 * ```ts
 * import type { BinaryHeader } from 'rxrpcx';
 * const header: BinaryHeader = { command: 'ping', payloadLength: 8, checksum: new Uint8Array(4) };
 * ```
 */
export interface BinaryHeader {
  /** The command, without padding. */
  readonly command: string;
  /** The payload length, already checked against the subclass's limits. */
  readonly payloadLength: number;
  /** The checksum the header claims for the payload. */
  readonly checksum: Uint8Array;
}

/**
 * The base of framers for binary protocols whose frames are a fixed-size
 * header followed by a checksummed payload.
 *
 * aiorpcX's `BinaryFramer`. Subclasses say how large a header is, how to
 * write and read one, and how to checksum a payload; this class does the
 * rest. `parseHeader` sees the header as soon as it is complete and checks
 * the declared length there, so no payload is buffered past a limit; whatever
 * it throws ends the stream. A payload whose checksum does not match is
 * dropped, the stream carries on, and `onDrop` receives a
 * {@link BadChecksumError}.
 *
 * ## Example
 * ```ts
 * import { BinaryFramer, type BinaryHeader } from 'rxrpcx';
 * // A toy protocol: 1-byte command code, 1-byte length, no checksum.
 * class TinyFramer extends BinaryFramer {
 *   readonly headerSize = 2;
 *   protected checksum(): Uint8Array { return new Uint8Array(0); }
 *   protected writeHeader(target: Uint8Array, command: string, payload: Uint8Array): void {
 *     target[0] = command.charCodeAt(0);
 *     target[1] = payload.length;
 *   }
 *   protected parseHeader(header: Uint8Array): BinaryHeader {
 *     return { command: String.fromCharCode(header[0]!), payloadLength: header[1]!, checksum: new Uint8Array(0) };
 *   }
 * }
 * ```
 */
export abstract class BinaryFramer implements FramerBase<BinaryMessage> {
  /** The size of a frame header in bytes. */
  abstract readonly headerSize: number;

  /**
   * The checksum of a payload, as it appears in a header.
   * @param payload - the payload
   */
  protected abstract checksum(payload: Uint8Array): Uint8Array;

  /**
   * Writes the header of a frame.
   * @param target - exactly `headerSize` bytes to fill
   * @param command - the message's command
   * @param payload - the message's payload
   * @throws RangeError if the message cannot be framed (command too long…)
   */
  protected abstract writeHeader(target: Uint8Array, command: string, payload: Uint8Array): void;

  /**
   * Reads and checks a received header. Throw a FramingError to end the stream.
   * @param header - `headerSize` bytes; may be a view into a received chunk, so copy what you keep
   */
  protected abstract parseHeader(header: Uint8Array): BinaryHeader;

  /**
   * Frames a message: header, then payload, in one new buffer.
   * @param message - the command and payload
   * @returns the frame
   */
  frame(message: BinaryMessage): Uint8Array {
    const { command, payload } = message;
    const size = this.headerSize;
    const framed = new Uint8Array(size + payload.length);
    this.writeHeader(framed.subarray(0, size), command, payload);
    framed.set(payload, size);
    return framed;
  }

  /**
   * Splits byte chunks into messages.
   * @param options - `onDrop` receives a BadChecksumError per dropped message
   * @returns an operator from byte chunks to messages
   */
  messages(options?: FramerMessagesOptions): OperatorFunction<Uint8Array, BinaryMessage> {
    return decodeFrames((sink) => this.#decoder(sink), options);
  }

  static {
    defineDecoder(BinaryFramer.prototype.messages, (framer, sink) => (framer as BinaryFramer).#decoder(sink as FrameSink<BinaryMessage>));
  }

  #decoder(sink: FrameSink<BinaryMessage>): FrameDecoder {
    const headerSize = this.headerSize;
    if (!Number.isSafeInteger(headerSize) || headerSize < 1) {
      throw new RangeError(`headerSize must be a positive integer: ${String(headerSize)}`);
    }
    const queue = new ChunkQueue();
    let header: BinaryHeader | undefined;
    const deliver = ({ command, checksum: claimed }: BinaryHeader, payload: Uint8Array): void => {
      const actual = this.checksum(payload);
      if (bytesEqual(actual, claimed)) sink.emit({ command, payload });
      else sink.drop(new BadChecksumError(actual, claimed, command));
    };
    return {
      push: (chunk) => {
        let pos = 0;
        while (!sink.closed) {
          if (header !== undefined && queue.length === header.payloadLength) {
            const complete = header;
            header = undefined;
            deliver(complete, queue.take(complete.payloadLength));
            continue;
          }
          if (pos === chunk.length) return;
          if (queue.length === 0) {
            // A header or payload that lies whole in this chunk is read as a view, nothing copied.
            const wholeLength = header === undefined ? headerSize : header.payloadLength;
            if (chunk.length - pos >= wholeLength) {
              const whole = pos === 0 && wholeLength === chunk.length ? chunk : chunk.subarray(pos, pos + wholeLength);
              pos += wholeLength;
              if (header === undefined) {
                header = this.parseHeader(whole);
              } else {
                const complete = header;
                header = undefined;
                deliver(complete, whole);
              }
              continue;
            }
          }
          const wanted = (header === undefined ? headerSize : header.payloadLength) - queue.length;
          const n = Math.min(wanted, chunk.length - pos);
          queue.push(n === chunk.length ? chunk : chunk.subarray(pos, pos + n));
          pos += n;
          if (header === undefined && queue.length === headerSize) header = this.parseHeader(queue.take(headerSize));
        }
      },
    };
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
