import {
  ContentLengthFramer,
  JSONRPCAutoDetect,
  JSONRPCLoose,
  JSONRPCv1,
  JSONRPCv2,
  NewlineFramer,
  type FramerBase,
  type JSONRPCProtocol,
} from '../index.js';
import { UsageError } from './UsageError.js';

const PROTOCOLS: Readonly<Record<string, JSONRPCProtocol>> = {
  '2.0': JSONRPCv2,
  '1.0': JSONRPCv1,
  loose: JSONRPCLoose,
  auto: JSONRPCAutoDetect,
};

/**
 * `--protocol 2.0|1.0|loose|auto`: JSONRPCv2, JSONRPCv1, JSONRPCLoose or
 * JSONRPCAutoDetect.
 */
export function protocolFromFlag(value: string | undefined): JSONRPCProtocol {
  if (value === undefined) return JSONRPCv2;
  const protocol = PROTOCOLS[value];
  if (protocol === undefined) throw new UsageError(`--protocol takes 2.0, 1.0, loose or auto, not ${JSON.stringify(value)}`);
  return protocol;
}

/**
 * `--framing newline|content-length`: a fresh framer for one session (each
 * session needs its own), with `maxSize` if given; `undefined` when the flag
 * is absent, so the transport's default applies (newline on TCP, none on
 * WebSocket).
 */
export function framerFromFlag(value: string | undefined, maxSize?: number): (() => FramerBase<Uint8Array>) | undefined {
  const options = maxSize === undefined ? {} : { maxSize };
  if (value === undefined) return maxSize === undefined ? undefined : () => new NewlineFramer(options);
  if (value === 'newline') return () => new NewlineFramer(options);
  if (value === 'content-length') return () => new ContentLengthFramer(options);
  throw new UsageError(`--framing takes newline or content-length, not ${JSON.stringify(value)}`);
}

/**
 * A number flag: `--timeout 2.5`, `--count 3`. Absent: `fallback`.
 *
 * @param name - the flag, for the message
 * @param value - its text
 * @param fallback - the value when absent
 * @param kind - `'seconds'` (positive, fractions allowed), `'count'` (a positive integer) or `'port'` (0–65535)
 */
export function numberFromFlag(name: string, value: string | undefined, fallback: number, kind: 'seconds' | 'count' | 'port'): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  const ok =
    value.trim() !== '' &&
    Number.isFinite(number) &&
    (kind === 'seconds' ? number > 0 : kind === 'count' ? Number.isInteger(number) && number > 0 : Number.isInteger(number) && number >= 0 && number <= 65535);
  if (!ok) throw new UsageError(`--${name} takes ${kind === 'seconds' ? 'a positive number of seconds' : kind === 'count' ? 'a positive integer' : 'a port, 0 to 65535'}, not ${JSON.stringify(value)}`);
  return number;
}
