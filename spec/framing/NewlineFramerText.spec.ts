import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { NewlineFramer, type FramerBase } from 'rxrpcx';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Any UTF-16 code unit except the newline, lone surrogates included. */
const codeUnit = fc
  .integer({ min: 0, max: 0xffff })
  .filter((unit) => unit !== 0x0a)
  .map((unit) => String.fromCharCode(unit));

describe('NewlineFramer.frameText', () => {
  const framer = new NewlineFramer();

  it('appends a newline', () => {
    expect(framer.frameText('')).toBe('\n');
    expect(framer.frameText('{"id":0}')).toBe('{"id":0}\n');
    expect(framer.frameText('é€😀')).toBe('é€😀\n');
  });

  it('is the optional text hook of FramerBase', () => {
    const base: FramerBase<Uint8Array> = framer;
    expect(base.frameText?.('x')).toBe('x\n');
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
