import { Observable, type OperatorFunction, type Unsubscribable } from 'rxjs';
import type { FramerBase, FramerMessagesOptions } from './FramerBase.js';
import type { FramingError } from './FramingError.js';

/** A chunk at least this long, and at least half of its ArrayBuffer, is held by reference. */
const KEEP_MIN = 4096;
/** The first capacity of a coalescing buffer; also the slack a piece may carry beyond twice its bytes. */
const COALESCE_MIN = 256;

/**
 * A byte queue holding what a decoder must keep between chunks: the frame in
 * progress. Memory stays within about twice the bytes held, whatever the
 * chunking: a big chunk (4 KiB or more, and at least half of its
 * ArrayBuffer) is held by reference, while small chunks and small views of
 * big buffers are copied into a growable buffer (doubling, so amortised O(1)
 * per byte). Holding every chunk object as it came would cost about 100
 * bytes of heap per byte for a peer that sends one byte at a time, and a
 * 1-byte view of a pooled 64 KiB slab would pin the slab.
 *
 * `take` returns a view when the bytes lie within one piece and copies only
 * when they span pieces. Decoders read a frame that lies whole in its chunk
 * straight from the chunk, without pushing it here, so the common path
 * copies nothing.
 */
export class ChunkQueue {
  /**
   * The held bytes in order; while `tail` is open, the last piece is its view
   * `[tailStart, tailEnd)` (of the right buffer, but short while `tailStale`:
   * a dribble of tiny pushes makes no view per push).
   */
  private chunks: Uint8Array[] = [];
  private size = 0;
  /** The open coalescing buffer, written only past `tailEnd`; undefined once any view of it is handed out. */
  private tail: Uint8Array | undefined;
  private tailStart = 0;
  private tailEnd = 0;
  private tailStale = false;

  /** Bytes queued. */
  get length(): number {
    return this.size;
  }

  /** Appends `chunk`'s bytes: by reference when big and compact, by copy otherwise. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    this.size += n;
    if (n >= KEEP_MIN && chunk.buffer.byteLength <= 2 * n) {
      this.syncTail();
      this.tail = undefined; // sealed: its piece stays as it is, within twice its bytes
      this.chunks.push(chunk);
      return;
    }
    let tail = this.tail;
    if (tail === undefined) {
      tail = this.tail = new Uint8Array(Math.max(COALESCE_MIN, n));
      tail.set(chunk);
      this.tailStart = 0;
      this.tailEnd = n;
      this.chunks.push(tail.subarray(0, n));
      return;
    }
    const used = this.tailEnd - this.tailStart;
    if (this.tailEnd + n > tail.length) {
      // Grow to twice what is held (or move the live bytes down): amortised O(1) per byte.
      const grown = new Uint8Array(Math.max(used + n, 2 * used, COALESCE_MIN));
      grown.set(tail.subarray(this.tailStart, this.tailEnd));
      tail = this.tail = grown;
      this.tailStart = 0;
      this.tailEnd = used;
      this.chunks[this.chunks.length - 1] = grown.subarray(0, used);
    }
    const end = this.tailEnd;
    if (n <= 16) {
      // A few bytes: a loop is cheaper than set()'s call.
      for (let i = 0; i < n; i += 1) tail[end + i] = chunk[i]!;
    } else {
      tail.set(chunk, end);
    }
    this.tailEnd = end + n;
    this.tailStale = true;
  }

  /** Removes and returns the first `n` bytes (`n` ≤ `length`). */
  take(n: number): Uint8Array {
    if (n > this.size) throw new RangeError(`take(${n}) from a queue of ${this.size} bytes`);
    if (n === 0) return new Uint8Array(0);
    this.syncTail();
    const chunks = this.chunks;
    const first = chunks[0]!;
    this.size -= n;
    if (first.length >= n) {
      // A view of the open buffer goes out: never write to that buffer again.
      if (chunks.length === 1) this.tail = undefined;
      if (first.length === n) {
        chunks.shift();
        return first;
      }
      chunks[0] = first.subarray(n);
      this.rehomeHead();
      return first.subarray(0, n);
    }
    const out = new Uint8Array(n);
    let filled = 0;
    let used = 0;
    while (filled < n) {
      const chunk = chunks[used]!;
      const want = n - filled;
      if (chunk.length <= want) {
        out.set(chunk, filled);
        filled += chunk.length;
        used += 1;
      } else {
        out.set(chunk.subarray(0, want), filled);
        chunks[used] = chunk.subarray(want);
        if (used === chunks.length - 1 && this.tail !== undefined) this.tailStart += want;
        filled = n;
      }
    }
    chunks.splice(0, used);
    if (chunks.length === 0) this.tail = undefined;
    else this.rehomeHead();
    return out;
  }

  /** Drops everything held. */
  clear(): void {
    this.chunks = [];
    this.size = 0;
    this.tail = undefined;
    this.tailStale = false;
  }

  /** Brings the open buffer's piece up to date with the bytes appended since. */
  private syncTail(): void {
    if (!this.tailStale) return;
    this.tailStale = false;
    this.chunks[this.chunks.length - 1] = this.tail!.subarray(this.tailStart, this.tailEnd);
  }

  /** After a partial take: a head piece left small in a big buffer is copied out, so it does not pin the buffer. */
  private rehomeHead(): void {
    const head = this.chunks[0]!;
    if (head.buffer.byteLength <= 2 * head.length + COALESCE_MIN) return;
    if (this.chunks.length === 1) {
      this.clear();
      this.push(head);
    } else {
      this.chunks[0] = head.slice();
    }
  }
}

/** Where a decoder delivers what it finds. */
export interface FrameSink<M> {
  emit(message: M): void;
  drop(error: FramingError): void;
  /** True once the subscriber is gone: stop work mid-chunk. */
  readonly closed: boolean;
}

/** A sans-I/O, per-subscription decoder; a throw ends the stream. */
export interface FrameDecoder {
  push(chunk: Uint8Array): void;
}

/**
 * `FramerMessagesOptions` plus what the session layer passes privately:
 * `onChunk` sees every chunk as it arrives, before framing (a session counts
 * received bytes there instead of wrapping the source in another operator).
 */
export interface DecodeOptions extends FramerMessagesOptions {
  readonly onChunk?: (chunk: Uint8Array) => void;
}

/** Where frames go: a Subscriber, or any observer that says when it is closed. */
export interface FrameObserver<M> {
  next(message: M): void;
  error(error: unknown): void;
  complete(): void;
  readonly closed: boolean;
}

/**
 * Reads the source into a decoder, and is the subscription's teardown: one
 * object per subscription, methods on the prototype.
 */
class FrameReader<M> implements FrameSink<M> {
  #decoder: FrameDecoder | undefined;
  /** Undefined only while the source subscribes (a synchronous source may end before it returns). */
  readonly #source: Unsubscribable | undefined;
  readonly #subscriber: FrameObserver<M>;
  readonly #options: DecodeOptions;

  /** Starts reading `source`: the reader is the decoder's sink and the source's observer. */
  constructor(subscriber: FrameObserver<M>, options: DecodeOptions, createDecoder: (sink: FrameSink<M>) => FrameDecoder, source: Observable<Uint8Array>) {
    this.#subscriber = subscriber;
    this.#options = options;
    this.#decoder = createDecoder(this);
    this.#source = source.subscribe(this);
  }

  emit(message: M): void {
    this.#subscriber.next(message);
  }

  drop(error: FramingError): void {
    this.#options.onDrop?.(error);
  }

  get closed(): boolean {
    return this.#subscriber.closed;
  }

  next(chunk: Uint8Array): void {
    if (this.#decoder === undefined || this.#subscriber.closed) return;
    try {
      this.#options.onChunk?.(chunk);
      this.#decoder.push(chunk);
    } catch (error) {
      this.#decoder = undefined;
      this.#subscriber.error(error);
    }
  }

  error(error: unknown): void {
    this.#decoder = undefined;
    this.#subscriber.error(error);
  }

  complete(): void {
    this.#decoder = undefined;
    this.#subscriber.complete();
  }

  unsubscribe(): void {
    this.#decoder = undefined;
    this.#source?.unsubscribe();
  }
}

/**
 * The one operator shape every framer's `messages()` shares: a fresh decoder
 * per subscription, throws turned into `subscriber.error`, buffers released
 * on completion, error and unsubscription.
 */
export function decodeFrames<M>(
  createDecoder: (sink: FrameSink<M>) => FrameDecoder,
  options: DecodeOptions = {},
): OperatorFunction<Uint8Array, M> {
  return (source) =>
    new Observable<M>((subscriber) => {
      return new FrameReader(subscriber, options, createDecoder, source);
    });
}

/** Makes a framer's decoder for one stream. */
export type DecoderFactory = (framer: FramerBase<unknown>, sink: FrameSink<unknown>) => FrameDecoder;

/** Built-in framers' decoders, keyed by their `messages` method (a subclass overriding it is not one). */
const decoders = new WeakMap<object, DecoderFactory>();

/** Called once per built-in framer class: its `messages` method is `decodeFrames` over `factory`. */
export function defineDecoder(messages: object, factory: DecoderFactory): void {
  decoders.set(messages, factory);
}

/**
 * Reads `source` through a built-in framer's decoder straight into
 * `observer` — what `source.pipe(framer.messages(options)).subscribe(observer)`
 * does, without the operator's Observable and subscriber — and returns the
 * teardown; undefined for a framer of one's own (pipe its `messages()` then).
 * `options.onChunk` sees every chunk.
 */
export function readFrames<M>(
  source: Observable<Uint8Array>,
  framer: FramerBase<M>,
  observer: FrameObserver<M>,
  options: DecodeOptions,
): Unsubscribable | undefined {
  const factory = decoders.get(framer.messages);
  if (factory === undefined) return undefined;
  return new FrameReader(observer, options, (sink) => factory(framer, sink as FrameSink<unknown>), source);
}

const HEX = '0123456789abcdef';

/** Lower-case hex of some bytes. */
export function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += HEX[byte >> 4]! + HEX[byte & 15]!;
  return text;
}

/** Parses an even-length hex string; throws RangeError otherwise. */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new RangeError(`invalid hex: ${text}`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytes as a string, one character per byte (lossless, unlike UTF-8). */
export function latin1Decode(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return text;
}

/** Validates a size limit option: a non-negative safe integer. */
export function checkLimit(name: string, value: number, allowZero: boolean): number {
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`${name} must be ${allowZero ? 'a non-negative' : 'a positive'} integer: ${String(value)}`);
  }
  return value;
}

/**
 * Text forms of framings, keyed by the `frame` method they match: a framer
 * whose `frame` is that very function frames text this way. A subclass that
 * overrides `frame`, or a framer of the user's own, has none.
 */
const textForms = new WeakMap<object, (text: string) => string>();

/**
 * Declares that `frame` has a text form: `textForm(text)`, UTF-8 encoded,
 * must equal `frame` of the UTF-8 encoded text, and may add ASCII only.
 * Called from a framer class's static block.
 */
export function defineTextFraming(frame: object, textForm: (text: string) => string): void {
  textForms.set(frame, textForm);
}

/**
 * How `framer` frames a message given as text (text in, framed text out; the
 * framing adds ASCII only), so a sender can frame many messages and encode
 * them once; undefined when it cannot.
 */
export function textFraming(framer: FramerBase<unknown>): ((text: string) => string) | undefined {
  return textForms.get(framer.frame);
}
