import fc from 'fast-check';
import { AddressError, validatePort } from '../../lib/util';
import { describeAgainstReference } from './reference';

const ports: unknown[] = [
  // numbers
  1, 80, 50001, 65535, 0, -1, -80, 65536, 100000, 2 ** 31, 2 ** 53, 1e21, 80.5, 0.5,
  // digit strings
  '1', '80', '080', '0080', '65535', '65536', '0', '00', '000', '00080000', '0000000000080', '99999',
  '99999999999999999999', '100000',
  // not digits only
  '', ' 80', '80 ', '\t80', '80\n', '+80', '-80', '-0', '8e1', '0x50', '0o120', '0b1010000', '80.0', '8_0', '8 0',
  '80a', 'eighty', '١', 'NaN',
  // any Unicode decimal digits, as Python's int() reads them
  '٨٠', '۸۰', '८०', '８０', '𝟖𝟎', '٠٠٨٠', '٠', '٦٥٥٣٦', '٦٥٥٣٥', '8٠',
  // digits to str.isdigit() but not to int()
  '²', '8²', '¹²³', '①', '⓪', '𐹠', '🄀', '½', '፩', 'Ⅷ',
  // a float is a TypeError (null too, but Python spells it None: see below)
  80.25,
];

describeAgainstReference(
  'validatePort agrees with aiorpcx validate_port',
  ports.map((port) => ({ op: 'validatePort', args: [port] })),
  {
    'every number from -2 to 65538, in steps of 97, plus the edges': [
      ...Array.from({ length: 678 }, (_, index) => -2 + index * 97),
      65534, 65535, 65536, 65537,
    ].flatMap((port) => [
      { op: 'validatePort' as const, args: [port] as [unknown] },
      { op: 'validatePort' as const, args: [String(port)] as [unknown] },
    ]),
  },
);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

describe('validatePort', () => {
  it.each([
    [80, 80],
    ['80', 80],
    ['0080', 80],
    ['٨٠', 80],
    [65535, 65535],
  ])('%j → %j', (port, expected) => {
    expect(validatePort(port)).toBe(expected);
  });

  it.each([
    [0, 'invalid port: 0'],
    ['0', 'invalid port: 0'],
    ['000', 'invalid port: 0'],
    [65536, 'invalid port: 65536'],
    ['0065536', 'invalid port: 65536'],
    [-0, 'invalid port: 0'],
    [1e21, 'invalid port: 1000000000000000000000'],
    ['', 'invalid port: '],
    [' 80', 'invalid port:  80'],
    ['+80', 'invalid port: +80'],
    ['8e1', 'invalid port: 8e1'],
    // Python's str.isdigit() accepts '²', and int() then fails with its own message.
    ['²', "invalid literal for int() with base 10: '²'"],
    ['8①', "invalid literal for int() with base 10: '8①'"],
  ])('%j is rejected with %j', (port, message) => {
    const error = thrown(() => validatePort(port));
    expect(error).toBeInstanceOf(AddressError);
    expect(error).toMatchObject({ code: 'RXRPCX_ERR_INVALID_ADDRESS', field: 'port', value: port, message });
  });

  it.each([
    [80.5, 'port must be an integer or string: 80.5'],
    [Number.NaN, 'port must be an integer or string: NaN'],
    [Number.POSITIVE_INFINITY, 'port must be an integer or string: Infinity'],
    [null, 'port must be an integer or string: null'],
    [undefined, 'port must be an integer or string: undefined'],
    [true, 'port must be an integer or string: true'],
    [80n, 'port must be an integer or string: 80'],
  ])('%p is a TypeError', (port, message) => {
    expect(() => validatePort(port as number)).toThrow(new TypeError(message));
  });

  it('round-trips every valid port through its decimal text, with leading zeros', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), fc.nat({ max: 6 }), (port, zeros) => {
        expect(validatePort(port)).toBe(port);
        expect(validatePort('0'.repeat(zeros) + String(port))).toBe(port);
      }),
      { numRuns: 500, seed: 21 },
    );
  });

  it('rejects every integer outside 1–65535', () => {
    const outside = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }));
    fc.assert(
      fc.property(outside, (port) => {
        expect(() => validatePort(port)).toThrow(AddressError);
        if (port >= 0) expect(() => validatePort(String(port))).toThrow(AddressError);
      }),
      { numRuns: 300, seed: 22 },
    );
  });
});
