import fc from 'fast-check';
import { catchError, from, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  BadChecksumError,
  BadMagicError,
  BinaryFramer,
  BitcoinFramer,
  OversizedPayloadError,
  type BinaryMessage,
  type FramingError,
} from 'rxrpcx';
import {
  NUM_RUNS,
  concat,
  decode,
  enc,
  everyTwoCuts,
  fractionsArb,
  hex,
  runReference,
  type Reference,
  type ReferenceEvent as Event,
  scaledCuts,
  splitAt,
  unhex,
} from './framingHelpers';

const blockPayload = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
const frameCases = [
  { command: 'version', payload: '0102' },
  { command: '', payload: '' },
  { magic: '0b110907', command: 'abcdefghijkl', payload: 'ff' },
  { command: 'block', payload: hex(blockPayload) },
  { command: 'ping', payload: '0001020304050607' },
  { command: 'caf\u00e9', payload: '00' },
];

const framer = new BitcoinFramer();
const msg = (command: string, payload: Uint8Array | string): BinaryMessage => ({
  command,
  payload: typeof payload === 'string' ? unhex(payload) : payload,
});
const version = msg('version', '0102');
const empty = msg('', '');
const ping = msg('ping', '0001020304050607');

/** A header as raw bytes: magic, padded command, little-endian length, checksum. */
function rawHeader(command: string, length: number, magic = 'e3e1f3e8', checksum = '00000000'): Uint8Array {
  const header = new Uint8Array(24);
  header.set(unhex(magic), 0);
  header.set(enc(command), 4);
  new DataView(header.buffer).setUint32(16, length, true);
  header.set(unhex(checksum), 20);
  return header;
}

function corruptChecksum(frame: Uint8Array): Uint8Array {
  const copy = frame.slice();
  copy[20]! ^= 0xff;
  return copy;
}

/** Ours, in the reference script's event shape: messages and errors in order. */
function events(chunks: readonly Uint8Array[], f: BinaryFramer = framer): Event[] {
  const log: Event[] = [];
  from(chunks)
    .pipe(f.messages({ onDrop: (error) => log.push({ error: error.name }) }))
    .subscribe({
      next: ({ command, payload }) => log.push({ command, payload: hex(payload) }),
      error: (error: Error) => log.push({ error: error.name }),
    });
  return log;
}

const streams: { hex: string; count: number; magic?: string }[] = [
  { hex: hex(concat([version, empty, ping].map((m) => framer.frame(m)))), count: 3 },
  { hex: hex(concat([framer.frame(version), corruptChecksum(framer.frame(ping)), framer.frame(empty)])), count: 3 },
  { hex: hex(new BitcoinFramer({ magic: '0b110907' }).frame(ping)), count: 1 },
  { hex: hex(rawHeader('tx', 2_000_001)), count: 1 },
  { hex: hex(rawHeader('block', 128_000_001)), count: 1 },
  { hex: hex(concat([framer.frame(ping), rawHeader('ping', 2_000_001)])), count: 2 },
];

let reference: Reference;

beforeAll(() => {
  reference = runReference({ frames: frameCases, streams });
});

describe('BitcoinFramer', () => {
  describe('parity with aiorpcX', () => {
    it('has the reference defaults', () => {
      expect(hex(framer.magic)).toBe(reference.limits.magic);
      expect(framer.maxPayloadSize).toBe(reference.limits.max_payload_size);
      expect(framer.maxBlockSize).toBe(reference.limits.max_block_size);
      expect(BitcoinFramer.defaults).toEqual({ magic: 'e3e1f3e8', maxBlockSize: 128_000_000, maxPayloadSize: 2_000_000 });
    });

    it('frames byte for byte as the reference', () => {
      const ours = frameCases.map(({ magic, command, payload }) =>
        hex(new BitcoinFramer(magic ? { magic } : {}).frame(msg(command, payload))),
      );
      expect(ours).toEqual(reference.frames);
    });

    it('unframes the same streams to the same messages and errors as the reference', () => {
      const ours = streams.map((stream) => events([unhex(stream.hex)]));
      expect(ours).toEqual(reference.streams);
    });

    it('charges the reference costs', () => {
      expect(new BadChecksumError(new Uint8Array(4), new Uint8Array(4), 'x').cost).toBe(reference.costs.BadChecksumError);
      expect(new BadMagicError(new Uint8Array(4), new Uint8Array(4)).cost).toBe(reference.costs.BadMagicError);
      expect(new OversizedPayloadError('x', 1, 0).cost).toBe(reference.costs.OversizedPayloadError);
    });

    it('reads the reference frames', () => {
      const chunks = reference.frames.slice(0, 2).map(unhex);
      expect(events(chunks)).toEqual([
        { command: 'version', payload: '0102' },
        { command: '', payload: '' },
      ]);
    });
  });

  describe('frame', () => {
    it('lays out magic, padded command, little-endian length and checksum', () => {
      const framed = framer.frame(msg('version', blockPayload));
      expect(framed).toHaveLength(24 + 1000);
      expect(hex(framed.subarray(0, 4))).toBe('e3e1f3e8');
      expect(hex(framed.subarray(4, 16))).toBe(hex(enc('version')) + '0000000000');
      expect(hex(framed.subarray(16, 20))).toBe('e8030000');
      expect(hex(framed.subarray(24))).toBe(hex(blockPayload));
    });

    it('takes the magic as bytes or hex', () => {
      const a = new BitcoinFramer({ magic: Uint8Array.of(0xf9, 0xbe, 0xb4, 0xd9) });
      const b = new BitcoinFramer({ magic: 'F9BEB4D9' });
      expect(hex(a.frame(ping))).toBe(hex(b.frame(ping)));
      expect(hex(a.magic)).toBe('f9beb4d9');
    });

    it.each(['e3e1f3', 'e3e1f3e8e3', 'zzzzzzzz'])('rejects the magic %p', (magic) => {
      expect(() => new BitcoinFramer({ magic })).toThrow(RangeError);
    });

    it('rejects a command over 12 characters with the reference message', () => {
      expect(() => framer.frame(msg('abcdefghijklm', ''))).toThrow(new RangeError('command abcdefghijklm too long'));
    });

    it('rejects a command character above U+00FF', () => {
      expect(() => framer.frame(msg('€', ''))).toThrow(RangeError);
    });

    it.each([{ maxBlockSize: -1 }, { maxPayloadSize: 1.5 }])('rejects the limits %p', (options) => {
      expect(() => new BitcoinFramer(options)).toThrow(RangeError);
    });
  });

  describe('messages', () => {
    it('strips trailing NULs from the command only', () => {
      const framed = framer.frame(msg('a\u0000b', '01'));
      expect(events([framed])).toEqual([{ command: 'a\u0000b', payload: '01' }]);
    });

    it('emits a view into the chunk when a frame lies within one chunk (no copy)', () => {
      const chunk = framer.frame(ping);
      const { messages } = decode((onDrop) => framer.messages({ onDrop }), [chunk]);
      expect(messages[0]!.payload.buffer).toBe(chunk.buffer);
    });

    it('gives the same messages for a fixed sample cut at every pair of offsets', () => {
      // Cuts land inside the magic, the command, the length field, the checksum and the payload.
      const sample = concat([framer.frame(version), framer.frame(empty), framer.frame(ping)]);
      const expected = events([sample]);
      expect(expected).toHaveLength(3);
      for (const chunks of everyTwoCuts(sample)) expect(events(chunks)).toEqual(expected);
      expect(events(splitAt(sample, [...sample.keys()]))).toEqual(expected);
    });

    it('drops a message with a bad checksum, reports it, and carries on', () => {
      const result = decode((onDrop) => framer.messages({ onDrop }), [
        concat([corruptChecksum(framer.frame(ping)), framer.frame(version)]),
      ]);
      expect(result.messages.map((m) => m.command)).toEqual(['version']);
      expect(result.completed).toBe(true);
      expect(result.drops).toHaveLength(1);
      const [drop] = result.drops as BadChecksumError[];
      expect(drop).toBeInstanceOf(BadChecksumError);
      expect(drop).toMatchObject({ name: 'BadChecksumError', code: 'RXRPCX_ERR_BAD_CHECKSUM', cost: 100, command: 'ping' });
      const actual = hex(framer.frame(ping).subarray(20, 24));
      expect(hex(drop!.payloadChecksum)).toBe(actual);
      expect(drop!.message).toBe(`checksum mismatch: actual ${actual} vs claimed ${hex(drop!.claimedChecksum)}`);
    });

    it('errors with BadMagicError on a wrong magic', () => {
      const result = decode((onDrop) => framer.messages({ onDrop }), [new BitcoinFramer({ magic: '0b110907' }).frame(ping)]);
      expect(result.error).toBeInstanceOf(BadMagicError);
      expect(result.error).toMatchObject({
        code: 'RXRPCX_ERR_BAD_MAGIC',
        cost: 1000,
        message: 'bad network magic: got 0b110907 expected e3e1f3e8',
      });
      expect(hex((result.error as BadMagicError).magic)).toBe('0b110907');
    });

    it('errors with OversizedPayloadError from the header alone, before any payload', () => {
      const result = decode((onDrop) => framer.messages({ onDrop }), [rawHeader('tx', 2_000_001)]);
      expect(result.error).toBeInstanceOf(OversizedPayloadError);
      expect(result.error).toMatchObject({
        code: 'RXRPCX_ERR_OVERSIZED_PAYLOAD',
        cost: 500,
        command: 'tx',
        payloadLength: 2_000_001,
        limit: 2_000_000,
        message: 'oversized payload of 2,000,001 bytes to command tx',
      });
    });

    it('allows block payloads up to maxBlockSize, and no further', () => {
      const waiting = decode((onDrop) => framer.messages({ onDrop }), [rawHeader('block', 128_000_000)]);
      expect(waiting.error).toBeUndefined();
      expect(waiting.completed).toBe(true);
      const over = decode((onDrop) => framer.messages({ onDrop }), [rawHeader('block', 128_000_001)]);
      expect(over.error).toMatchObject({ code: 'RXRPCX_ERR_OVERSIZED_PAYLOAD', limit: 128_000_000 });
      const payloadLimitOnly = decode((onDrop) => framer.messages({ onDrop }), [rawHeader('blocks', 2_000_001)]);
      expect(payloadLimitOnly.error).toBeInstanceOf(OversizedPayloadError);
    });

    it('honours custom limits', () => {
      const small = new BitcoinFramer({ maxPayloadSize: 4, maxBlockSize: 8 });
      const ok = decode((onDrop) => small.messages({ onDrop }), [small.frame(msg('x', '01020304')), small.frame(msg('block', '0102030405060708'))]);
      expect(ok.messages.map((m) => m.command)).toEqual(['x', 'block']);
      expect(decode((onDrop) => small.messages({ onDrop }), [small.frame(msg('x', '0102030405'))]).error).toMatchObject({
        payloadLength: 5,
        limit: 4,
      });
      // The reference checks the block limit only past the payload limit.
      const odd = new BitcoinFramer({ maxPayloadSize: 8, maxBlockSize: 4 });
      expect(decode((onDrop) => odd.messages({ onDrop }), [odd.frame(msg('block', '0102030405'))]).messages).toHaveLength(1);
    });
  });

  describe('operator (marbles)', () => {
    const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    const asCode = (error: FramingError) => of({ name: error.name, code: error.code });

    it('emits a message when its last byte arrives', () => {
      const framed = framer.frame(ping);
      newScheduler().run(({ cold, expectObservable }) => {
        const source = cold('-a-b-c|', { a: framed.subarray(0, 10), b: framed.subarray(10, 25), c: framed.subarray(25) });
        expectObservable(source.pipe(framer.messages(), map((m) => m.command))).toBe('-----p|', { p: 'ping' });
      });
    });

    it('errors on a bad magic and unsubscribes from the source', () => {
      const bad = new BitcoinFramer({ magic: '0b110907' }).frame(ping);
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-b-a|', { a: framer.frame(version), b: bad });
        const result = source.pipe(framer.messages(), map((m) => m.command), catchError(asCode));
        expectObservable(result).toBe('-v-(e|)', { v: 'version', e: { name: 'BadMagicError', code: 'RXRPCX_ERR_BAD_MAGIC' } });
        expectSubscriptions(source.subscriptions).toBe('^--!');
      });
    });
  });

  describe('properties', () => {
    const commandArb = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'), maxLength: 12 });
    const messageArb = fc.record({ command: commandArb, payload: fc.uint8Array({ maxLength: 60 }) });

    it('frame then messages round-trips any messages, however the bytes are split', () => {
      fc.assert(
        fc.property(fc.array(messageArb, { maxLength: 8 }), fractionsArb, (messages, fractions) => {
          const bytes = concat(messages.map((m) => framer.frame(m)));
          const chunks = splitAt(bytes, scaledCuts(bytes, fractions));
          expect(events(chunks)).toEqual(messages.map(({ command, payload }) => ({ command, payload: hex(payload) })));
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('drops exactly the messages with a bad checksum, reporting each', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(messageArb, fc.boolean()), { maxLength: 8 }), fractionsArb, (cases, fractions) => {
          const bytes = concat(cases.map(([m, corrupt]) => (corrupt ? corruptChecksum(framer.frame(m)) : framer.frame(m))));
          const chunks = splitAt(bytes, scaledCuts(bytes, fractions));
          expect(events(chunks)).toEqual(
            cases.map(([{ command, payload }, corrupt]) =>
              corrupt ? { error: 'BadChecksumError' } : { command, payload: hex(payload) },
            ),
          );
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });
});
