/*
 * The reference's patterns, with two Python `re` behaviours spelled out:
 * under IGNORECASE, Python's `[a-z]` also matches 'İ' (U+0130), 'ı' (U+0131),
 * 'ſ' (U+017F) and the Kelvin sign (U+212A); and `$` also matches before one
 * final '\n'.
 */
const LETTER_OR_DIGIT = 'A-Za-z0-9_\\u0130\\u0131\\u017f\\u212a';
const LABEL = new RegExp(`^[${LETTER_OR_DIGIT}](?:[${LETTER_OR_DIGIT}-]{0,61}[${LETTER_OR_DIGIT}])?\\n?$`);
const NUMERIC = /^[0-9]+\n?$/;
const MAX_LENGTH = 253;

/**
 * Tells whether a string is a valid DNS host name, by aiorpcX's rules.
 *
 * One trailing dot is allowed and ignored; the rest must be at most 253
 * characters of dot-separated labels, each 1–63 letters, digits, hyphens or
 * underscores, not starting or ending with a hyphen; the last label (the TLD)
 * must not be all digits, so `'1.2.3.4'` is not a host name. Underscores are
 * accepted, as in the reference (valid in domain names, strictly not in host
 * names). Case is not significant and nothing is normalised.
 *
 * ## Example
 * ```ts
 * import { isValidHostname } from 'rxrpcx';
 * isValidHostname('electrum.example.com.'); // true
 * isValidHostname('example.123');           // false: numeric TLD
 * isValidHostname('-bad.example');          // false
 * ```
 *
 * @param hostname - the text to check
 * @returns `true` if `hostname` is a valid host name
 * @throws TypeError if `hostname` is not a string
 */
export function isValidHostname(hostname: string): boolean {
  if (typeof hostname !== 'string') throw new TypeError('hostname must be a string');
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  // Python counts code points; a name with an astral character is rejected by
  // the label rule anyway, so counting UTF-16 units gives the same answers.
  if (name === '' || name.length > MAX_LENGTH) return false;
  const labels = name.split('.');
  if (NUMERIC.test(labels[labels.length - 1]!)) return false;
  return labels.every((label) => LABEL.test(label));
}
