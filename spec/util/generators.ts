/**
 * Inputs for the util specs: names of exact lengths, and fast-check
 * generators of strings near the edges of the reference's rules, sampled
 * with fixed seeds so every run compares the same calls with the reference.
 */
import fc from 'fast-check';

/** `n` characters of `char`. */
export const repeat = (char: string, n: number): string => char.repeat(n);

/**
 * A valid-looking host name of exactly `length` characters: 63-character
 * labels of `a`, the last one shortened, ending in a letter.
 */
export function nameOfLength(length: number): string {
  const labels: string[] = [];
  let remaining = length;
  while (remaining > 63) {
    // Leave at least '.a' for the next label.
    const size = Math.min(63, remaining - 2);
    labels.push(repeat('a', size));
    remaining -= size + 1;
  }
  labels.push(repeat('a', remaining));
  return labels.join('.');
}

/** Draws `count` values of `arbitrary` with a fixed seed. */
export function sample<T>(arbitrary: fc.Arbitrary<T>, count: number, seed: number): T[] {
  return fc.sample(arbitrary, { numRuns: count, seed });
}

const pick = (chars: string): fc.Arbitrary<string> => fc.constantFrom(...chars);

/** Short strings over characters that matter to the rules. */
export const edgyString: fc.Arbitrary<string> = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: pick('abzAZ019fF') },
    { weight: 3, arbitrary: pick('-_.:') },
    { weight: 1, arbitrary: pick('%[]/ \n\tİıſK٣²+,') },
  ),
  maxLength: 16,
});

const hexGroup = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[0-9a-fA-F]{1,4}$/) },
  { weight: 2, arbitrary: fc.constantFrom('0', '00', '0000', 'ffff', 'FFFF') },
  { weight: 1, arbitrary: fc.constantFrom('', '00000', '12345', 'g', ' 1') },
);
const octet = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 255 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('256', '00', '01', '007', '', '1a') },
);
const ipv4Text = fc.oneof(
  { weight: 6, arbitrary: fc.array(octet, { minLength: 4, maxLength: 4 }).map((parts) => parts.join('.')) },
  { weight: 1, arbitrary: fc.array(octet, { minLength: 3, maxLength: 5 }).map((parts) => parts.join('.')) },
);

/** IPv6-like text: hex groups, `::` (sometimes two), IPv4 tails, zones. */
export const ipv6ishString: fc.Arbitrary<string> = fc
  .record({
    groups: fc.oneof(fc.array(hexGroup, { minLength: 0, maxLength: 9 }), fc.array(hexGroup, { minLength: 6, maxLength: 8 })),
    doubleAt: fc.oneof(
      { weight: 6, arbitrary: fc.array(fc.nat({ max: 8 }), { maxLength: 1 }) },
      { weight: 1, arbitrary: fc.array(fc.nat({ max: 8 }), { maxLength: 2 }) },
    ),
    ipv4: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: ipv4Text }),
    zone: fc.oneof(
      { weight: 6, arbitrary: fc.constant(null) },
      { weight: 2, arbitrary: fc.constantFrom('eth0', '1', 'a b', 'x]', 'Zone') },
      { weight: 1, arbitrary: fc.constantFrom('', '%', 'a%b', 'a/b') },
    ),
  })
  .map(({ groups, doubleAt, ipv4, zone }) => {
    let text = groups.map((group, index) => (index === 0 ? '' : doubleAt.includes(index) ? '::' : ':') + group).join('');
    if (doubleAt.includes(0)) text = `::${text}`;
    if (doubleAt.includes(groups.length) && groups.length > 0) text += '::';
    if (ipv4 !== null) text += `${text.endsWith(':') ? '' : ':'}${ipv4}`;
    if (zone !== null) text += `%${zone}`;
    return text;
  });

/** Real IPv6 addresses in every written form fast-check knows, in either case. */
export const ipv6Address: fc.Arbitrary<string> = fc
  .tuple(fc.ipV6(), fc.boolean())
  .map(([address, upper]) => (upper ? address.toUpperCase() : address));

/** Dotted names with labels of 0–65 characters, around the 253 limit. */
export const longishName: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: 65 }), { minLength: 1, maxLength: 6 }),
    fc.constantFrom('', '.', '..'),
    fc.constantFrom('a', '-', '_', '1'),
  )
  .map(([sizes, dots, edge]) => sizes.map((size) => (size === 0 ? '' : edge + repeat('b', size - 1))).join('.') + dots);
