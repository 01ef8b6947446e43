import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { BitcoinFramer, ContentLengthFramer, NewlineFramer, type FramerBase } from 'rxrpcx';
import { textFraming } from '../../lib/framing/framingInternals';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Any UTF-16 code unit except the newline, lone surrogates included. */
const codeUnit = fc
  .integer({ min: 0, max: 0xffff })
  .filter((unit) => unit !== 0x0a)
  .map((unit) => String.fromCharCode(unit));

describe('textFraming', () => {
  it('is internal: no framer has a public text method', () => {
    for (const framer of [new NewlineFramer(), new ContentLengthFramer(), new BitcoinFramer()]) {
      expect('frameText' in framer).toBe(false);
    }
  });

  it('has no text form for framers that have none, or that the user wrote or changed', () => {
    expect(textFraming(new ContentLengthFramer())).toBeUndefined();
    expect(textFraming(new BitcoinFramer())).toBeUndefined();
    const own: FramerBase<Uint8Array> = { frame: (message) => message, messages: () => (source) => source };
    expect(textFraming(own)).toBeUndefined();
    class Crlf extends NewlineFramer {
      override frame(message: Uint8Array): Uint8Array {
        return Uint8Array.of(...message, 0x0d, 0x0a);
      }
    }
    expect(textFraming(new Crlf())).toBeUndefined();
    // A subclass that keeps frame keeps the text form.
    class Small extends NewlineFramer {}
    expect(textFraming(new Small({ maxSize: 10 }))?.('x')).toBe('x\n');
    // Borrowing the newline framer's frame borrows its text form too.
    const borrowed: FramerBase<Uint8Array> = { frame: NewlineFramer.prototype.frame, messages: () => (source) => source };
    expect(textFraming(borrowed)?.('x')).toBe('x\n');
  });
});

describe('textFraming(NewlineFramer)', () => {
  const newline = new NewlineFramer();
  const textForm = textFraming(newline);
  const framer = {
    frame: (message: Uint8Array): Uint8Array => newline.frame(message),
    frameText: (text: string): string => {
      if (textForm === undefined) throw new Error('NewlineFramer has no text form');
      return textForm(text);
    },
  };

  it('appends a newline', () => {
    expect(framer.frameText('')).toBe('\n');
    expect(framer.frameText('{"id":0}')).toBe('{"id":0}\n');
    expect(framer.frameText('é€😀')).toBe('é€😀\n');
  });

  it('property: its UTF-8 encoding equals frame() of the UTF-8 encoded text (full Unicode)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }).map((s) => s.replace(/\n/g, ' ')), (text) => {
        expect(encoder.encode(framer.frameText(text))).toEqual(framer.frame(encoder.encode(text)));
      }),
      { numRuns: 500 },
    );
  });

  it('property: its UTF-8 encoding equals frame() of the UTF-8 encoded text (lone surrogates)', () => {
    fc.assert(
      fc.property(fc.string({ unit: codeUnit, maxLength: 100 }), (text) => {
        expect(encoder.encode(framer.frameText(text))).toEqual(framer.frame(encoder.encode(text)));
      }),
      { numRuns: 500 },
    );
  });

  it('property: many framed texts encoded at once split back into the messages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'binary', maxLength: 30 }).map((s) => s.replace(/\n/g, '')), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 17 }),
        async (texts, chunkSize) => {
          const joined = encoder.encode(texts.map((t) => framer.frameText(t)).join(''));
          const chunks: Uint8Array[] = [];
          for (let i = 0; i < joined.length; i += chunkSize) chunks.push(joined.subarray(i, i + chunkSize));
          const messages = await lastValueFrom(from(chunks).pipe(new NewlineFramer({ maxSize: 0 }).messages(), toArray()), {
            defaultValue: [],
          });
          expect(messages.map((m) => decoder.decode(m))).toEqual(texts);
        },
      ),
      { numRuns: 200 },
    );
  });
});
