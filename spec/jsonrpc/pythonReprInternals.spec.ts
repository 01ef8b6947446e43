import { formatCount } from '../../lib/util/pythonInternals';
import { compareCodePoints, pyNumberRepr, pyRepr, pyStr } from '../../lib/jsonrpc/pythonReprInternals';
import { runReference, type Case } from './referenceHarness';

const VALUES: readonly unknown[] = [
  'plain',
  "it's",
  'say "hi"',
  `both ' and "`,
  '\\ back \t tab \n nl \r cr \u0000 \u0007 \u001f \u007f',
  '\u0080\u009f\u00a0\u00ad\u00e9 \u0378 \u200b\u2028\u2029\u3000\ue000\ufeff\uffff',
  '😀 \u{e0001} \u{10ffff} \ud800 \udfff x\ud83d',
  ['a', "b'", 1, null, true, false, [], {}],
  { a: 1, 'b c': [null, 'x'], nested: { deep: [{ k: 'v' }] } },
  { "it's": '"' },
  null,
  true,
  0,
  -17,
  123456789012,
  0.5,
  -1.25,
  0.1,
  1 / 3,
  123456.789,
  1.5e-7,
  0.0001,
  0.00001,
  1e-300,
  2.5e-5,
  -2.5e-5,
  9.999e-5,
  0.1 + 0.2,
  1234567890123456.8,
  -123456789.125,
  5e-324,
  -1.5e-10,
  [0.5, { x: -0.75 }],
];

describe('pyStr against Python str()', () => {
  const cases: Case[] = VALUES.map((value): Case => ({ op: 'str', value }));
  let reference: unknown[];
  beforeAll(() => {
    reference = runReference(cases);
  });

  it.each(VALUES.map((value, i) => [JSON.stringify(value), i] as const))('%s', (_label, i) => {
    expect({ text: pyStr(VALUES[i]) }).toEqual(reference[i]);
  });
});

describe('python repr helpers', () => {
  it('renders non-finite numbers as Python does', () => {
    expect([NaN, Infinity, -Infinity].map(pyNumberRepr)).toEqual(['nan', 'inf', '-inf']);
  });

  it('is safe on cycles, depth, BigInt and functions', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(pyRepr(cyclic)).toBe('[[...]]');
    let deep: unknown = [];
    for (let i = 0; i < 5000; i++) deep = [deep];
    expect(pyRepr(deep)).toContain('[...]');
    expect(pyRepr([10n, undefined, function named() {}])).toBe('[10, None, <function named>]');
  });

  it('formats thousands like f"{n:,d}"', () => {
    expect([0, 999, 1000, 1234567, -1234567, 1234.9].map(formatCount)).toEqual(['0', '999', '1,000', '1,234,567', '-1,234,567', '1,234']);
  });

  it('orders strings by code point', () => {
    expect(['\u{10000}', '\uffff', 'a'].sort(compareCodePoints)).toEqual(['a', '\uffff', '\u{10000}']);
  });
});
