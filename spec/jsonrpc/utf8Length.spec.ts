import fc from 'fast-check';
import { utf8Length } from '../../lib/jsonrpc/jsonrpcInternals';

const encoder = new TextEncoder();
const encodedLength = (text: string): number => encoder.encode(text).length;

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
/** Surrogates only: pairs, reversed pairs and lone halves in every arrangement. */
const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
/** Characters on the boundaries of the 1-, 2-, 3- and 4-byte forms. */
const boundary = fc.constantFrom(
  '\u0000', '\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\ufffd',
  '\u{10000}', '\u{10ffff}', '\ud800', '\udbff', '\udc00', '\udfff', 'a', 'é', '€', '😀',
);

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['ascii', 5],
    ['é', 2],
    ['€', 3],
    ['😀', 4],
    ['\u007f\u0080\u07ff\u0800\uffff\u{10000}\u{10ffff}', 1 + 2 + 2 + 3 + 3 + 4 + 4],
    ['\ud800', 3], // a lone high surrogate is encoded as U+FFFD
    ['\udc00', 3], // a lone low surrogate too
    ['\udc00\ud800', 6], // a reversed pair is two lone surrogates
    ['\ud800\ud800\udc00', 3 + 4], // a lone high surrogate, then a pair
    ['\ud83d', 3], // half an emoji at the end
    ['x\ud83d', 4],
    ['\ud83dx', 4],
  ])('utf8Length(%j) = %i', (text, length) => {
    expect(utf8Length(text)).toBe(length);
    expect(utf8Length(text)).toBe(encodedLength(text));
  });

  it('property: equals the TextEncoder length for full-Unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(utf8Length(text)).toBe(encodedLength(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('property: equals the TextEncoder length for strings of arbitrary code units (lone surrogates included)', () => {
    fc.assert(
      fc.property(fc.string({ unit: codeUnit, maxLength: 200 }), (text) => {
        expect(utf8Length(text)).toBe(encodedLength(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('property: equals the TextEncoder length for surrogate soup and boundary characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(surrogate, boundary, codeUnit), maxLength: 60 }), (text) => {
        expect(utf8Length(text)).toBe(encodedLength(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: equals the TextEncoder length for grapheme strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        expect(utf8Length(text)).toBe(encodedLength(text));
      }),
      { numRuns: 500 },
    );
  });
});
