/**
 * Renders decoded JSON the way Python's `str()` and `repr()` do, because the
 * reference quotes values inside error messages that go on the wire
 * (`invalid "id": {'a': 1}`, `invalid request arguments: None`). Not
 * re-exported.
 *
 * @internal
 */
import { pythonRepr } from '../util/pythonInternals.js';

/** Deeper containers render as `...`; decoded JSON never gets this deep. */
const MAX_REPR_DEPTH = 1000;

// Python's str.isprintable() is false for these categories (the space aside).

/** Python's `str(value)`: strings as they are, anything else as `repr`. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** Python's `repr(value)` for a decoded JSON value (cycle- and depth-safe). */
export function pyRepr(value: unknown): string {
  return reprAt(value, 0, new Set());
}

function reprAt(value: unknown, depth: number, open: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return pyStringRepr(value);
    case 'number':
      return pyNumberRepr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'bigint':
      return value.toString();
    case 'undefined':
      return 'None';
    case 'function':
      return `<function ${value.name || '<anonymous>'}>`;
    case 'symbol':
      return value.toString();
    default:
      break;
  }
  if (value === null) return 'None';
  const container = value as object;
  const isArray = Array.isArray(container);
  if (open.has(container) || depth >= MAX_REPR_DEPTH) return isArray ? '[...]' : '{...}';
  open.add(container);
  try {
    if (isArray) {
      return `[${(container as unknown[]).map((item) => reprAt(item, depth + 1, open)).join(', ')}]`;
    }
    const entries = Object.entries(container).map(
      ([key, item]) => `${pyStringRepr(key)}: ${reprAt(item, depth + 1, open)}`,
    );
    return `{${entries.join(', ')}}`;
  } finally {
    open.delete(container);
  }
}

/** Python's `repr()` of a string (one implementation, shared with the address errors). */
export const pyStringRepr: (text: string) => string = pythonRepr;

/**
 * Python's rendering of a JSON number. JavaScript cannot tell `1` from `1.0`,
 * so integral values print as integers (Python's `int`) and the rest as
 * Python's `float` repr (`1e+16`, `1.5e-05`, `nan`, `inf`).
 */
export function pyNumberRepr(value: number): string {
  if (Number.isInteger(value)) return BigInt(value).toString();
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  // Both print the shortest digits that round-trip; in Python's fixed range
  // (exponents -4 to 15) JavaScript prints them the same way.
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) return String(value);
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** Python's string ordering: by code point, not by UTF-16 code unit. */
export function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const diff = (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}
