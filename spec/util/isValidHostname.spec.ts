import fc from 'fast-check';
import { isValidHostname } from '../../lib/util';
import { edgyString, longishName, nameOfLength, repeat, sample } from './generators';
import { describeAgainstReference, type Call } from './reference';

const hostnames: unknown[] = [
  // shapes
  '', '.', '..', 'a', 'a.', 'a..', '.a', 'a..b', 'a.b.', 'a.b..', 'localhost', 'example.com', 'EXAMPLE.Com',
  'a.b.c.d.e.f.g', 'xn--bcher-kva.example', 'a-b.c', 'a--b.com', '0a.b', 'a0.b',
  // hyphens at label edges
  '-', '-a.com', 'a-.com', 'a.-b', 'a.b-', '-.com', 'a.-', 'a.--',
  // underscores (accepted, as in the reference)
  '_', '__', '_-_', 'a_', '_a', '_srv._tcp.example.com', 'a_b.c_d', 'a._',
  // numeric TLDs
  '0', '123', 'a.1', 'a.123', 'a.1a', 'a.a1', '1a', '1.a', '1.2.3.4', '1.2.3.4.', '1.2.3.a', 'a.0x1', 'a.123.',
  // label lengths 63 / 64
  repeat('a', 63), repeat('a', 64), `${repeat('a', 63)}.com`, `${repeat('a', 64)}.com`, `com.${repeat('b', 63)}`,
  `com.${repeat('b', 64)}`, `a${repeat('-', 61)}a`, `a${repeat('-', 62)}a`, `-${repeat('a', 62)}`,
  // total lengths 253 / 254, with and without the trailing dot
  nameOfLength(252), nameOfLength(253), nameOfLength(254), `${nameOfLength(253)}.`, `${nameOfLength(254)}.`,
  `${nameOfLength(252)}..`, repeat('x', 300),
  // Python's `$` matches before one final newline
  'foo\n', 'foo\n.com', 'foo.com\n', 'a.123\n', 'foo\n\n', 'foo.\n', '\nfoo', 'foo\r', 'foo.\n.com', '\n',
  // whitespace and punctuation
  'a b', 'a\tb', ' foo', 'foo ', 'a*b', 'a/b', 'a:b', 'a@b', 'a,b', '[::1]', '::1', 'a%b', 'a+b',
  // Python's case-insensitive [a-z] also matches İ ı ſ K
  'İ', 'ı', 'ſ', '\u212a', 'ſ.k', 'İstanbul.example', 'a\u212a-b.com', 'münchen.de', 'é', '٣.com', 'a.٣',
  '😀.com', 'a😀', `${repeat('ſ', 63)}.com`, `${repeat('ſ', 64)}.com`,
  // not strings: TypeError
  5, null,
];

const generated = (count: number, seed: number, arbitrary: fc.Arbitrary<string>): Call[] =>
  sample(arbitrary, count, seed).map((text) => ({ op: 'isValidHostname', args: [text] }));

describeAgainstReference(
  'isValidHostname agrees with aiorpcx is_valid_hostname',
  hostnames.map((hostname) => ({ op: 'isValidHostname', args: [hostname] })),
  {
    'random short strings': generated(400, 101, edgyString),
    'random dotted names near 253 characters': generated(300, 102, longishName),
  },
);

describe('isValidHostname', () => {
  const short = (text: string): string => (text.length > 40 ? `${text.length}-character name ${text.slice(-12)}` : text);

  it.each(
    (
      [
        ['example.com', true],
        ['example.com.', true],
        ['example.com..', false],
        ['example.123', false],
        ['example.123a', true],
        ['-example.com', false],
        ['example-.com', false],
        ['under_score.com', true],
        [repeat('a', 63), true],
        [repeat('a', 64), false],
        [nameOfLength(253), true],
        [`${nameOfLength(253)}.`, true],
        [nameOfLength(254), false],
      ] as Array<[string, boolean]>
    ).map(([hostname, expected]) => [short(hostname), hostname, expected] as const),
  )('%s → %s', (_title, hostname, expected) => {
    expect(isValidHostname(hostname)).toBe(expected);
  });

  it('throws a TypeError for a non-string', () => {
    expect(() => isValidHostname(42 as unknown as string)).toThrow(new TypeError('hostname must be a string'));
  });

  it('accepts every name of 1–63-character letter labels up to 253 characters', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$|^[a-z]$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 8 }), fc.boolean(), (labels, dot) => {
        const name = labels.join('.');
        fc.pre(name.length <= 253);
        expect(isValidHostname(dot ? `${name}.` : name)).toBe(true);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
