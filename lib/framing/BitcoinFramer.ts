import { sha256 } from '@noble/hashes/sha2.js';
import { BadMagicError } from './BadMagicError.js';
import { BinaryFramer, type BinaryHeader } from './BinaryFramer.js';
import { OversizedPayloadError } from './OversizedPayloadError.js';
import { checkLimit, fromHex, latin1Decode } from './framingInternals.js';

const HEADER_SIZE = 24;
const COMMAND_SIZE = 12;

/**
 * Options of a {@link BitcoinFramer}.
 *
 * ## Example
 * ```ts
 * import { BitcoinFramer, type BitcoinFramerOptions } from 'rxrpcx';
 * const testnet: BitcoinFramerOptions = { magic: '0b110907' };
 * const framer = new BitcoinFramer(testnet);
 * ```
 */
export interface BitcoinFramerOptions {
  /**
   * The network magic that starts every frame: 4 bytes, or 8 hex digits.
   * @default 'e3e1f3e8'
   */
  readonly magic?: Uint8Array | string;
  /**
   * The largest payload of a `block` message.
   * @default 128_000_000
   */
  readonly maxBlockSize?: number;
  /**
   * The largest payload of any other message.
   * @default 2_000_000
   */
  readonly maxPayloadSize?: number;
}

/**
 * Frames messages as the Bitcoin network protocol does.
 *
 * aiorpcX's `BitcoinFramer`, byte for byte. Each frame is a 24-byte header —
 * the 4-byte network magic, the command NUL-padded to 12 bytes, the payload
 * length as a little-endian 32-bit integer, the first 4 bytes of the payload's
 * double SHA-256 — followed by the payload.
 *
 * Received headers are checked as soon as they are complete: a wrong magic
 * errors the stream with {@link BadMagicError}, a payload over
 * `maxPayloadSize` (over `maxBlockSize` for `block`) errors it with
 * {@link OversizedPayloadError}, before any payload is buffered. A payload
 * whose checksum does not match is dropped and reported through `onDrop` as a
 * {@link BadChecksumError}; the stream carries on.
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { BitcoinFramer } from 'rxrpcx';
 * const framer = new BitcoinFramer();
 * const bytes = framer.frame({ command: 'ping', payload: new Uint8Array(8) });
 * // e3e1f3e8 70696e670000000000000000 08000000 <4 checksum bytes> 0000000000000000
 * of(bytes.subarray(0, 18), bytes.subarray(18))
 *   .pipe(framer.messages({ onDrop: (error) => console.warn(error.code) }))
 *   .subscribe({
 *     next: ({ command, payload }) => console.log(command, payload.length), // ping 8
 *     error: (error) => console.error(error.code), // RXRPCX_ERR_BAD_MAGIC, RXRPCX_ERR_OVERSIZED_PAYLOAD
 *   });
 * ```
 */
export class BitcoinFramer extends BinaryFramer {
  /** The default options. */
  static readonly defaults: Readonly<{
    /** The network magic as 8 hex digits: aiorpcX's default, Bitcoin Cash mainnet's `'e3e1f3e8'`. */
    magic: string;
    /** The largest `block` payload, in bytes. */
    maxBlockSize: number;
    /** The largest payload of any other message, in bytes. */
    maxPayloadSize: number;
  }> = Object.freeze({
    magic: 'e3e1f3e8',
    maxBlockSize: 128_000_000,
    maxPayloadSize: 2_000_000,
  });

  /** 24 bytes: magic, command, length, checksum. */
  readonly headerSize = HEADER_SIZE;
  /** The largest payload of a `block` message. */
  readonly maxBlockSize: number;
  /** The largest payload of any other message. */
  readonly maxPayloadSize: number;
  readonly #magic: Uint8Array;

  /**
   * @param options - magic and limits
   * @throws RangeError if the magic is not 4 bytes or a limit is not a non-negative integer
   */
  constructor(options: BitcoinFramerOptions = {}) {
    super();
    const defaults = BitcoinFramer.defaults;
    const magic = options.magic ?? defaults.magic;
    this.#magic = typeof magic === 'string' ? fromHex(magic) : Uint8Array.from(magic);
    if (this.#magic.length !== 4) throw new RangeError(`magic must be 4 bytes, not ${this.#magic.length}`);
    this.maxBlockSize = checkLimit('maxBlockSize', options.maxBlockSize ?? defaults.maxBlockSize, true);
    this.maxPayloadSize = checkLimit('maxPayloadSize', options.maxPayloadSize ?? defaults.maxPayloadSize, true);
  }

  /** The network magic (a copy). */
  get magic(): Uint8Array {
    return this.#magic.slice();
  }

  /**
   * The first 4 bytes of the double SHA-256 of the payload.
   * @param payload - the payload
   */
  protected checksum(payload: Uint8Array): Uint8Array {
    return sha256(sha256(payload)).subarray(0, 4);
  }

  /**
   * Writes magic, padded command, length and checksum.
   * @throws RangeError if the command is over 12 characters or has one above U+00FF,
   *   or the payload is over 4 GiB
   */
  protected writeHeader(target: Uint8Array, command: string, payload: Uint8Array): void {
    if (command.length > COMMAND_SIZE) throw new RangeError(`command ${command} too long`);
    if (payload.length > 0xffffffff) throw new RangeError(`payload of ${payload.length} bytes too long`);
    target.set(this.#magic, 0);
    for (let i = 0; i < COMMAND_SIZE; i += 1) {
      const code = i < command.length ? command.charCodeAt(i) : 0;
      if (code > 0xff) throw new RangeError(`command ${command} has a character above U+00FF`);
      target[4 + i] = code;
    }
    new DataView(target.buffer, target.byteOffset, HEADER_SIZE).setUint32(16, payload.length, true);
    target.set(this.checksum(payload), 20);
  }

  /**
   * Checks magic and length limits; strips the command's trailing NULs.
   * @throws BadMagicError, OversizedPayloadError
   */
  protected parseHeader(header: Uint8Array): BinaryHeader {
    const magic = this.#magic;
    for (let i = 0; i < 4; i += 1) {
      if (header[i] !== magic[i]) throw new BadMagicError(header.subarray(0, 4), magic);
    }
    let end = 4 + COMMAND_SIZE;
    while (end > 4 && header[end - 1] === 0) end -= 1;
    const command = latin1Decode(header.subarray(4, end));
    const payloadLength = new DataView(header.buffer, header.byteOffset, HEADER_SIZE).getUint32(16, true);
    if (payloadLength > this.maxPayloadSize) {
      if (command !== 'block' || payloadLength > this.maxBlockSize) {
        const limit = command === 'block' ? Math.max(this.maxBlockSize, this.maxPayloadSize) : this.maxPayloadSize;
        throw new OversizedPayloadError(command, payloadLength, limit);
      }
    }
    return { command, payloadLength, checksum: header.slice(20, 24) };
  }
}
