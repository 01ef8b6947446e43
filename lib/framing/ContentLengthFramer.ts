import type { OperatorFunction } from 'rxjs';
import { BadHeaderError } from './BadHeaderError.js';
import type { FramerBase, FramerMessagesOptions } from './FramerBase.js';
import { formatCount } from '../util/pythonInternals.js';
import { OversizedMessageError } from './OversizedMessageError.js';
import {
  ChunkQueue,
  checkLimit,
  decodeFrames,
  defineDecoder,
  latin1Decode,
  type FrameDecoder,
  type FrameSink,
} from './framingInternals.js';

const CR = 0x0d;
const LF = 0x0a;
const BLANK_LINE = [CR, LF, CR, LF] as const;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DECIMAL = /^[0-9]{1,15}$/;

/**
 * Options of a {@link ContentLengthFramer}.
 *
 * ## Example
 * ```ts
 * import { ContentLengthFramer, type ContentLengthFramerOptions } from 'rxrpcx';
 * const options: ContentLengthFramerOptions = { maxSize: 16_000_000, maxHeaderSize: 1024 };
 * const framer = new ContentLengthFramer(options);
 * ```
 */
export interface ContentLengthFramerOptions {
  /**
   * The largest body delivered, in bytes; longer ones are skipped. `0` means
   * no limit.
   * @default 1_000_000
   */
  readonly maxSize?: number;
  /**
   * The largest header block, in bytes, counting the blank line that ends it.
   * @default 8192
   */
  readonly maxHeaderSize?: number;
}

/**
 * Frames messages with `Content-Length` headers, as the Language Server
 * Protocol does.
 *
 * Each frame is a header block — `Content-Length: N`, optionally other
 * `Name: value` headers such as `Content-Type`, each ended by CRLF — then a
 * blank line (CRLF), then exactly N bytes of body. `frame` writes only
 * `Content-Length`; received headers other than `Content-Length` are ignored,
 * and header names are matched without regard to case.
 *
 * Limits are checked the moment they can be: a header block over
 * `maxHeaderSize` bytes, a header line that is not `Name: value`, and a
 * missing, duplicated or non-decimal `Content-Length` error the stream with a
 * {@link BadHeaderError} — past a broken header there is no way to find the
 * next frame. A declared length over `maxSize` is not fatal: the body is
 * skipped as it streams past, without being buffered, and `onDrop` receives an
 * {@link OversizedMessageError} carrying the declared length.
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { ContentLengthFramer } from 'rxrpcx';
 * const framer = new ContentLengthFramer();
 * const bytes = framer.frame(new TextEncoder().encode('{"jsonrpc":"2.0","method":"initialized"}'));
 * // Content-Length: 40\r\n\r\n{"jsonrpc":"2.0","method":"initialized"}
 * of(bytes.subarray(0, 9), bytes.subarray(9))
 *   .pipe(framer.messages({ onDrop: (error) => console.warn(error.message) }))
 *   .subscribe((body) => console.log(new TextDecoder().decode(body)));
 * ```
 */
export class ContentLengthFramer implements FramerBase<Uint8Array> {
  /** The default options. */
  static readonly defaults: Readonly<Required<ContentLengthFramerOptions>> = Object.freeze({
    maxSize: 1_000_000,
    maxHeaderSize: 8192,
  });

  /** The largest body delivered, in bytes; 0 for no limit. */
  readonly maxSize: number;
  /** The largest header block, in bytes. */
  readonly maxHeaderSize: number;

  /**
   * @param options - the limits
   * @throws RangeError if `maxSize` is negative or `maxHeaderSize` is not positive, or either is not an integer
   */
  constructor(options: ContentLengthFramerOptions = {}) {
    const defaults = ContentLengthFramer.defaults;
    this.maxSize = checkLimit('maxSize', options.maxSize ?? defaults.maxSize, true);
    this.maxHeaderSize = checkLimit('maxHeaderSize', options.maxHeaderSize ?? defaults.maxHeaderSize, false);
  }

  /**
   * Frames a message: `Content-Length: N\r\n\r\n` then the body.
   * @param message - the body
   * @returns a new buffer
   */
  frame(message: Uint8Array): Uint8Array {
    const header = `Content-Length: ${message.length}\r\n\r\n`;
    const framed = new Uint8Array(header.length + message.length);
    for (let i = 0; i < header.length; i += 1) framed[i] = header.charCodeAt(i);
    framed.set(message, header.length);
    return framed;
  }

  /**
   * Splits byte chunks into message bodies.
   * @param options - `onDrop` receives an OversizedMessageError per skipped body
   * @returns an operator from byte chunks to message bodies
   */
  messages(options?: FramerMessagesOptions): OperatorFunction<Uint8Array, Uint8Array> {
    const { maxSize, maxHeaderSize } = this;
    return decodeFrames((sink) => contentLengthDecoder(maxSize, maxHeaderSize, sink), options);
  }

  static {
    defineDecoder(ContentLengthFramer.prototype.messages, (framer, sink) => {
      const { maxSize, maxHeaderSize } = framer as ContentLengthFramer;
      return contentLengthDecoder(maxSize, maxHeaderSize, sink as FrameSink<Uint8Array>);
    });
  }
}

function contentLengthDecoder(maxSize: number, maxHeaderSize: number, sink: FrameSink<Uint8Array>): FrameDecoder {
  const queue = new ChunkQueue();
  let state: 'header' | 'body' | 'skip' = 'header';
  // header: how much of the blank-line pattern the last bytes matched.
  let matched = 0;
  // body: the declared length; skip: the bytes still to discard.
  let length = 0;
  return {
    push(chunk) {
      let pos = 0;
      while (!sink.closed) {
        if (state === 'body' && queue.length === length) {
          state = 'header';
          sink.emit(queue.take(length));
          continue;
        }
        if (pos === chunk.length) return;
        if (state === 'skip') {
          const n = Math.min(length, chunk.length - pos);
          length -= n;
          pos += n;
          if (length === 0) state = 'header';
          continue;
        }
        if (state === 'body') {
          if (queue.length === 0 && chunk.length - pos >= length) {
            // The whole body lies in this chunk: a view, nothing copied.
            state = 'header';
            sink.emit(pos === 0 && length === chunk.length ? chunk : chunk.subarray(pos, pos + length));
            pos += length;
            continue;
          }
          const n = Math.min(length - queue.length, chunk.length - pos);
          queue.push(n === chunk.length ? chunk : chunk.subarray(pos, pos + n));
          pos += n;
          continue;
        }
        // Scan no further than the header limit allows, byte by byte: the
        // blank line may be split across chunks.
        const scanEnd = Math.min(chunk.length, pos + maxHeaderSize - queue.length);
        if (scanEnd === pos) {
          throw new BadHeaderError(`header block over ${formatCount(maxHeaderSize)} bytes`, 'too-large');
        }
        let i = pos;
        let m = matched;
        while (i < scanEnd && m < 4) {
          const byte = chunk[i]!;
          m = byte === BLANK_LINE[m] ? m + 1 : byte === CR ? 1 : 0;
          i += 1;
        }
        const part = chunk.subarray(pos, i);
        pos = i;
        matched = m;
        if (m < 4) {
          queue.push(part);
          continue;
        }
        matched = 0;
        let block = part;
        if (queue.length > 0) {
          queue.push(part);
          block = queue.take(queue.length);
        }
        const declared = parseContentLength(block);
        if (maxSize !== 0 && declared > maxSize) {
          sink.drop(new OversizedMessageError(maxSize, declared));
          state = 'skip';
        } else {
          state = 'body';
        }
        length = declared;
      }
    },
  };
}

/** Reads the Content-Length of a header block that ends with CRLF CRLF. */
function parseContentLength(block: Uint8Array): number {
  const lines = latin1Decode(block.subarray(0, block.length - BLANK_LINE.length)).split('\r\n');
  let declared: number | undefined;
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon);
    if (!TOKEN.test(name)) {
      throw new BadHeaderError(`malformed header line ${JSON.stringify(line.slice(0, 80))}`, 'malformed');
    }
    if (name.toLowerCase() !== 'content-length') continue;
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (declared !== undefined) throw new BadHeaderError('duplicate Content-Length header', 'bad-length');
    if (!DECIMAL.test(value)) {
      throw new BadHeaderError(`invalid Content-Length ${JSON.stringify(value.slice(0, 80))}`, 'bad-length');
    }
    declared = Number(value);
  }
  if (declared === undefined) throw new BadHeaderError('no Content-Length header', 'missing-length');
  return declared;
}
