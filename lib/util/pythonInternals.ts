/**
 * The few pieces of Python's string semantics the reference's messages and
 * rules depend on: `repr()` of a string, `str.isdecimal()` / `int()` on
 * Unicode digits, and the truthiness of a default.
 *
 * Not re-exported.
 *
 * @internal
 */

/** What Python's `str.isprintable()` calls non-printable (space excepted). */
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;
const DECIMAL_DIGITS = /^\p{Nd}+$/u;
/**
 * Python's `str.isdigit()`: decimal digits plus the characters of
 * Numeric_Type=Digit (superscripts, circled digits …), a closed set Unicode
 * no longer adds to; these `int()` refuses.
 */
const DIGITS = /* @__PURE__ */ new RegExp(
  '^[\\p{Nd}\\u00b2\\u00b3\\u00b9\\u1369-\\u1371\\u19da\\u2070\\u2074-\\u2079\\u2080-\\u2089\\u2460-\\u2468' +
    '\\u2474-\\u247c\\u2488-\\u2490\\u24ea\\u24f5-\\u24fd\\u24ff\\u2776-\\u277e\\u2780-\\u2788\\u278a-\\u2792' +
    '\\u{10a40}-\\u{10a43}\\u{10e60}-\\u{10e68}\\u{11052}-\\u{1105a}\\u{1f100}-\\u{1f10a}]+$',
  'u',
);

function hex(codePoint: number, width: number): string {
  return codePoint.toString(16).padStart(width, '0');
}

/**
 * Python's `repr()` of a string: single quotes unless the text holds a `'`
 * and no `"`, with the same escapes (`\n`, `\x07`, `\u200b`, `\U000e0001` …),
 * so error messages that quote input read exactly as the reference's.
 */
export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  // for…of walks code points; a lone surrogate arrives as its own unit.
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\t') out += '\\t';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (codePoint < 0x20 || codePoint === 0x7f) out += `\\x${hex(codePoint, 2)}`;
    else if (codePoint < 0x7f || !NON_PRINTABLE.test(char)) out += char;
    else if (codePoint <= 0xff) out += `\\x${hex(codePoint, 2)}`;
    else if (codePoint <= 0xffff) out += `\\u${hex(codePoint, 4)}`;
    else out += `\\U${hex(codePoint, 8)}`;
  }
  return out + quote;
}

/** True when the text is non-empty and all digits, as `str.isdigit()` says. */
export function isDigitString(text: string): boolean {
  return DIGITS.test(text);
}

/** True when the text is non-empty and all decimal digits (`str.isdecimal()`). */
export function isDecimalString(text: string): boolean {
  return DECIMAL_DIGITS.test(text);
}

/**
 * The value of one Unicode decimal digit. Unicode encodes every decimal digit
 * set as a contiguous run 0…9, and adjacent sets (the mathematical digits)
 * abut in whole tens, so the distance from the start of the run, modulo ten,
 * is the value.
 */
function digitValue(codePoint: number): number {
  let start = codePoint;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
  return (codePoint - start) % 10;
}

/**
 * `str(int(text))` for a string of Unicode decimal digits: ASCII digits
 * without leading zeros (`'٠٨٠'` → `'80'`, `'000'` → `'0'`).
 */
export function decimalText(text: string): string {
  let ascii = '';
  for (const char of text) ascii += String(digitValue(char.codePointAt(0)!));
  return ascii.replace(/^0+(?=.)/, '');
}

/**
 * Whether a default counts as given: the reference tests defaults with
 * Python truthiness (`host or default_func(...)`), so `''`, `0`, `null` and
 * `undefined` all mean "missing".
 */
export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && value !== 0;
}

/** Python's `f'{n:,d}'`: an integer with thousands separators (one owner, for the framers' and the connection's messages). */
export function formatCount(value: number): string {
  return String(Math.trunc(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
