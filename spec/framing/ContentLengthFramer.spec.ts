import fc from 'fast-check';
import { catchError, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { BadHeaderError, ContentLengthFramer, OversizedMessageError, type FramingError } from 'rxrpcx';
import {
  NUM_RUNS,
  concat,
  dec,
  decode,
  enc,
  everyTwoCuts,
  fractionsArb,
  scaledCuts,
  splitAt,
} from './framingHelpers';

const framer = new ContentLengthFramer();
const bodies = (f: ContentLengthFramer, chunks: readonly (Uint8Array | string)[]) =>
  decode(
    (onDrop) => f.messages({ onDrop }),
    chunks.map((c) => (typeof c === 'string' ? enc(c) : c)),
  );

describe('ContentLengthFramer', () => {
  describe('options', () => {
    it('defaults to maxSize 1,000,000 and maxHeaderSize 8192', () => {
      expect(framer.maxSize).toBe(1_000_000);
      expect(framer.maxHeaderSize).toBe(8192);
      expect(ContentLengthFramer.defaults).toEqual({ maxSize: 1_000_000, maxHeaderSize: 8192 });
    });

    it.each([{ maxSize: -1 }, { maxSize: 0.5 }, { maxHeaderSize: 0 }, { maxHeaderSize: NaN }])('rejects %p', (options) => {
      expect(() => new ContentLengthFramer(options)).toThrow(RangeError);
    });
  });

  describe('frame', () => {
    it('writes a Content-Length header, a blank line and the body', () => {
      expect(dec(framer.frame(enc('{"a":"é"}')))).toBe('Content-Length: 10\r\n\r\n{"a":"é"}');
      expect(dec(framer.frame(new Uint8Array(0)))).toBe('Content-Length: 0\r\n\r\n');
    });
  });

  describe('messages', () => {
    it('reads bodies, ignoring other headers and the case of header names', () => {
      const result = bodies(framer, [
        'Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\nhi',
        'content-length:3\r\n\r\nabc',
        'X-Other: 1\r\nCONTENT-LENGTH: \t0 \r\n\r\n',
      ]);
      expect(result.messages.map(dec)).toEqual(['hi', 'abc', '']);
      expect(result.error).toBeUndefined();
    });

    it('emits a view into the chunk when a body lies within one chunk (no copy)', () => {
      const chunk = framer.frame(enc('body'));
      const [message] = bodies(framer, [chunk]).messages;
      expect(message!.buffer).toBe(chunk.buffer);
    });

    it('gives the same bodies for a fixed sample cut at every pair of offsets', () => {
      // Cuts land inside the header name, the digits, the CRLF CRLF and multi-byte characters.
      const sample = concat([
        enc(`Content-Type: application/json\r\nContent-Length: ${enc('{"x":"€𝄞"}').length}\r\n\r\n`),
        enc('{"x":"€𝄞"}'),
        framer.frame(enc('')),
        framer.frame(enc('[1]')),
      ]);
      const expected = ['{"x":"€𝄞"}', '', '[1]'];
      for (const chunks of everyTwoCuts(sample)) expect(bodies(framer, chunks).messages.map(dec)).toEqual(expected);
      expect(bodies(framer, splitAt(sample, [...sample.keys()])).messages.map(dec)).toEqual(expected);
    });

    it('discards a partial frame at completion', () => {
      const result = bodies(framer, ['Content-Length: 5\r\n\r\nab']);
      expect(result.messages).toEqual([]);
      expect(result.completed).toBe(true);
    });
  });

  describe('oversized bodies', () => {
    it('skips a body over maxSize without buffering it, reports the drop, and carries on', () => {
      const small = new ContentLengthFramer({ maxSize: 3 });
      const result = bodies(small, ['Content-Length: 3\r\n\r\nabc', 'Content-Length: 4\r\n\r\nab', 'cd', 'Content-Length: 1\r\n\r\nz']);
      expect(result.messages.map(dec)).toEqual(['abc', 'z']);
      expect(result.drops).toHaveLength(1);
      expect(result.drops[0]).toBeInstanceOf(OversizedMessageError);
      expect(result.drops[0]).toMatchObject({ code: 'RXRPCX_ERR_OVERSIZED_MESSAGE', cost: 0, maxSize: 3, length: 4 });
    });

    it('reports the drop as soon as the header is read', () => {
      const result = bodies(new ContentLengthFramer({ maxSize: 10 }), ['Content-Length: 999999999999\r\n\r\n']);
      expect(result.drops).toHaveLength(1);
      expect((result.drops[0] as OversizedMessageError).length).toBe(999_999_999_999);
    });

    it('maxSize 0 means no limit', () => {
      const body = new Uint8Array(2_000_000).fill(0x20);
      expect(bodies(new ContentLengthFramer({ maxSize: 0 }), [new ContentLengthFramer().frame(body)]).messages[0]).toHaveLength(2_000_000);
    });
  });

  describe('bad headers', () => {
    const badHeader = (chunks: (string | Uint8Array)[], f = framer) => bodies(f, chunks).error as BadHeaderError;

    it.each([
      ['no Content-Length', 'Content-Type: x\r\n\r\n', 'missing-length'],
      ['an empty header block', '\r\n\r\n', 'malformed'],
      ['a line without a colon', 'Content-Length 5\r\n\r\nhello', 'malformed'],
      ['a space in the name', 'Content Length: 5\r\n\r\nhello', 'malformed'],
      ['a non-decimal length', 'Content-Length: 0x10\r\n\r\n', 'bad-length'],
      ['a negative length', 'Content-Length: -1\r\n\r\n', 'bad-length'],
      ['an empty length', 'Content-Length:\r\n\r\n', 'bad-length'],
      ['a length over 15 digits', 'Content-Length: 1234567890123456\r\n\r\n', 'bad-length'],
      ['two lengths', 'Content-Length: 1\r\nContent-Length: 1\r\n\r\nx', 'bad-length'],
      ['a bare LF inside the block', 'Content-Length: 2\nX: y\r\n\r\nhi', 'bad-length'],
    ])('errors the stream on %s', (_, text, reason) => {
      const error = badHeader([text]);
      expect(error).toBeInstanceOf(BadHeaderError);
      expect(error).toMatchObject({ name: 'BadHeaderError', code: 'RXRPCX_ERR_BAD_HEADER', cost: 1000, reason });
    });

    it('errors once the header block passes maxHeaderSize, without waiting for more', () => {
      const f = new ContentLengthFramer({ maxHeaderSize: 25 });
      // 'Content-Length: 3\r\n\r\n' is 21 bytes; padding headers push it over.
      expect(bodies(f, ['X: 1\r\nContent-Length: 3\r\n\r\nabc']).error).toBeInstanceOf(BadHeaderError);
      expect(bodies(f, ['X:\r\nContent-Length: 3\r\n\r\nabc']).messages.map(dec)).toEqual(['abc']);
      const endless = bodies(f, ['X'.repeat(25)]);
      expect(endless.error).toBeUndefined();
      const over = bodies(f, ['X'.repeat(25), 'X']);
      expect(over.error).toMatchObject({ reason: 'too-large', message: 'header block over 25 bytes' });
    });
  });

  describe('operator (marbles)', () => {
    const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

    it('emits each body when its last byte arrives; a bad header errors and unsubscribes', () => {
      newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-a-b-c-d-e|', {
          a: enc('Content-Len'),
          b: enc('gth: 5\r\n\r'),
          c: enc('\nhel'),
          d: enc('lo'),
          e: enc('Nonsense\r\n\r\n'),
        });
        const result = source.pipe(
          framer.messages(),
          map(dec),
          catchError((error: FramingError) => of(error.code)),
        );
        expectObservable(result).toBe('-------h-(e|)', { h: 'hello', e: 'RXRPCX_ERR_BAD_HEADER' });
        expectSubscriptions(source.subscriptions).toBe('^--------!');
      });
    });
  });

  describe('properties', () => {
    it('frame then messages round-trips any bodies, however the bytes are split', () => {
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), fractionsArb, (messages, fractions) => {
          const bytes = concat(messages.map((m) => framer.frame(m)));
          const result = bodies(framer, splitAt(bytes, scaledCuts(bytes, fractions)));
          expect(result.messages.map((m) => [...m])).toEqual(messages.map((m) => [...m]));
          expect(result.error).toBeUndefined();
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('delivers exactly the bodies within maxSize, and reports one drop per oversized one', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 12 }),
          fc.array(fc.uint8Array({ maxLength: 30 }), { maxLength: 10 }),
          fractionsArb,
          (maxSize, messages, fractions) => {
            const f = new ContentLengthFramer({ maxSize });
            const bytes = concat(messages.map((m) => f.frame(m)));
            const result = bodies(f, splitAt(bytes, scaledCuts(bytes, fractions)));
            const kept = messages.filter((m) => m.length <= maxSize);
            expect(result.messages.map((m) => [...m])).toEqual(kept.map((m) => [...m]));
            expect(result.drops).toHaveLength(messages.length - kept.length);
          },
        ),
        { numRuns: NUM_RUNS },
      );
    });
  });
});
