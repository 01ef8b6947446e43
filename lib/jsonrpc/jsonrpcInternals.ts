/**
 * Helpers shared by the JSON-RPC layer: the error-code table, type guards that
 * narrow untrusted JSON, and the UTF-8 / JSON codec. Not re-exported.
 *
 * @internal
 */

/** The JSON-RPC error codes on the wire (the `JSONRPC` class re-exposes them). */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_ARGS = -32602;
export const INTERNAL_ERROR = -32603;
export const ERROR_CODE_UNAVAILABLE = -100;
export const EXCESSIVE_RESOURCE_USAGE = -101;
export const SERVER_BUSY = -102;

/**
 * A decoded JSON object (Python's `dict`): string keys, values not yet
 * checked. Named request arguments are one, and so is every payload a
 * protocol class builds or reads (`JSONRPCv2.requestPayload`,
 * `responseValue`).
 *
 * Public, exported from `rxrpcx` beside {@link RequestArgs}; it lives here
 * because the JSON-RPC layer's type guards narrow to it.
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPCv2, Request, type JSONRecord } from 'rxrpcx';
 *
 * const payload: JSONRecord = JSONRPCv2.requestPayload(new Request('server.ping', []), 1);
 * console.log(payload['method']); // 'server.ping'
 * ```
 */
export type JSONRecord = { readonly [key: string]: unknown };

/**
 * The arguments of a request or notification: positional (an array) or
 * named (a {@link JSONRecord}, a plain object). Anything else is refused
 * with `INVALID_ARGS`, as the reference refuses it.
 *
 * ## Example
 *
 * ```ts
 * import { Request, type RequestArgs } from 'rxrpcx';
 *
 * const byPosition: RequestArgs = [680000];
 * const byName: RequestArgs = { height: 680000 };
 * const request = new Request('blockchain.block.header', byName);
 * ```
 */
export type RequestArgs = readonly unknown[] | JSONRecord;

/**
 * Nesting deeper than this is refused as invalid JSON. The reference cannot
 * decode nesting deeper than about 995 levels at all (its decoder raises
 * `RecursionError`), so every message it accepts is accepted here, and nothing
 * downstream (`JSON.stringify`, error-message rendering, user handlers) can
 * overflow the stack on a hostile message.
 */
export const MAX_JSON_DEPTH = 1000;

/** A JSON object: not null, not an array. */
export function isRecord(value: unknown): value is JSONRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plain object as a caller would build one for named arguments. */
export function isPlainRecord(value: unknown): value is JSONRecord {
  if (!isRecord(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Python's `key in dict`: own properties only, so `"toString"` is never found. */
export function hasOwn(record: JSONRecord, key: string): boolean {
  return Object.hasOwn(record, key);
}

/** Python's `dict.get(key)`: the own value, or null when absent. */
export function getOwn(record: JSONRecord, key: string): unknown {
  return hasOwn(record, key) ? record[key] : null;
}

/**
 * Python's `isinstance(value, int)` on decoded JSON, as a number: `bool` is an
 * `int` in Python, so `true` / `false` give 1 / 0. Integral numbers written
 * with a fraction or exponent (`1.0`, `1e2`) also count, because JavaScript
 * cannot tell them from `1` and `100` (see README, 'JSON in JavaScript and Python').
 */
export function asPythonInt(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return undefined;
}

/** Python's `isinstance(value, (Number, str, type(None)))` on decoded JSON. */
export function isValidV2Id(value: unknown): boolean {
  const type = typeof value;
  return value === null || type === 'number' || type === 'string' || type === 'boolean';
}

/**
 * The key under which a single response finds its request. Only numbers can
 * match (ids are sent as integers); `true` / `false` equal 1 / 0 as in Python.
 */
export function numericId(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' ? value : undefined;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Why bytes did not decode to JSON. */
export type DecodeFailure = 'utf8' | 'json';

/** The result of decoding a message: the JSON value or the failure. */
export type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly failure: DecodeFailure };

/**
 * Decodes UTF-8 bytes into a JSON value as Python's `json.loads(bytes.decode())`
 * would: strict UTF-8 (a byte-order mark is kept, and so is invalid JSON), and
 * `NaN`, `Infinity` and `-Infinity` accepted as numbers.
 */
export function decodeJSONMessage(message: Uint8Array): Decoded {
  const text = decodeUtf8(message);
  if (text === undefined) return { ok: false, failure: 'utf8' };
  // Depth d needs 2d bracket characters, so short texts need no scan.
  if (text.length > 2 * MAX_JSON_DEPTH && nestingExceeds(text, MAX_JSON_DEPTH)) {
    return { ok: false, failure: 'json' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // JSON.parse refuses Python's NaN / Infinity tokens; a slower parser that
    // knows them runs only for text the fast path rejected.
    try {
      return { ok: true, value: parsePythonJSON(text) };
    } catch {
      return { ok: false, failure: 'json' };
    }
  }
}

/** JSON text, or undefined if the value has no JSON form. */
export function encodeJSONText(value: unknown): string | undefined {
  try {
    // Non-finite numbers become null; cycles, BigInt and runaway depth throw.
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** UTF-8 bytes of a string (the one encoder: messages, transports, the writer). */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** The text of `bytes` if they are valid UTF-8 (strictly, a byte-order mark kept), else undefined. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Whether brackets outside strings nest deeper than `limit`. */
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** A string literal, or a run of bare characters (a number, literal or garbage): JSON's tokens, minus punctuation. */
const TOKENS = /"(?:[^"\\]|\\.)*"|[\w.+-]+/g;

/**
 * Parses JSON that may hold Python's `NaN`, `Infinity` and `-Infinity`
 * tokens, where a value may stand (run only for text `JSON.parse` refused).
 * The bare tokens are rewritten for `JSON.parse` itself, so that everything
 * else — strings, escapes, numbers, syntax — is judged exactly as the fast
 * path judges it: ±Infinity as ±1e999, which JSON.parse reads as ±Infinity,
 * and NaN as a string literal no string in the text can equal (it holds a
 * random part that appears nowhere in the text), which a reviver turns back
 * into NaN and refuses as a key.
 */
function parsePythonJSON(text: string): unknown {
  let mark: string;
  do mark = `NaN~${Math.random().toString(36).slice(2)}`;
  while (text.includes(mark.slice(4)));
  let nan = false;
  const rewritten = text.replace(TOKENS, (token) => {
    if (token === 'NaN') {
      nan = true;
      return `"${mark}"`;
    }
    return token === 'Infinity' ? '1e999' : token === '-Infinity' ? '-1e999' : token;
  });
  if (!nan) return JSON.parse(rewritten) as unknown;
  return JSON.parse(rewritten, (key, value: unknown) => {
    if (key === mark) throw new SyntaxError('NaN is not a key');
    return value === mark ? NaN : value;
  }) as unknown;
}
