/**
 * Shared helpers of the framing specs: byte and text conversions, splitting a
 * byte string into chunks, and running a framer's operator synchronously.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { from, type OperatorFunction } from 'rxjs';
import fc from 'fast-check';
import type { FramingError } from 'rxrpcx';

export const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
export const dec = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Splits `bytes` at the given offsets (any order, clamped, duplicates allowed). */
export function splitAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const cuts = [...offsets.map((o) => Math.min(Math.max(o, 0), bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    // Fresh copies, so no test passes by accident through shared buffers.
    chunks.push(bytes.slice(start, cut));
    start = cut;
  }
  return chunks;
}

/** Every way of cutting `bytes` into three chunks (including empty ones). */
export function* everyTwoCuts(bytes: Uint8Array): Generator<Uint8Array[]> {
  for (let i = 0; i <= bytes.length; i += 1) {
    for (let j = i; j <= bytes.length; j += 1) yield splitAt(bytes, [i, j]);
  }
}

export interface Decoded<M> {
  messages: M[];
  drops: FramingError[];
  error: unknown;
  completed: boolean;
}

/** Runs chunks through a framer operator synchronously. */
export function decode<M>(
  unframe: (onDrop: (error: FramingError) => void) => OperatorFunction<Uint8Array, M>,
  chunks: readonly Uint8Array[],
): Decoded<M> {
  const result: Decoded<M> = { messages: [], drops: [], error: undefined, completed: false };
  from(chunks)
    .pipe(unframe((error) => result.drops.push(error)))
    .subscribe({
      next: (message) => result.messages.push(message),
      error: (error: unknown) => (result.error = error),
      complete: () => (result.completed = true),
    });
  return result;
}

/** Cut offsets within `bytes`, from fractions of its length (so shrinking stays meaningful). */
export function scaledCuts(bytes: Uint8Array, fractions: readonly number[]): number[] {
  return fractions.map((f) => Math.floor(f * (bytes.length + 1)));
}

export const fractionsArb = fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { maxLength: 12 });

export const NUM_RUNS = 200;

/** A message or an error, in the order a framer produced them. */
export type ReferenceEvent = { command: string; payload: string } | { error: string };

/** What `referenceFraming.py` asks aiorpcX to do. */
export interface ReferenceRequest {
  frames: { magic?: string; command: string; payload: string }[];
  streams: { hex: string; count: number; magic?: string }[];
}

/** What aiorpcX answered. */
export interface Reference {
  frames: string[];
  streams: ReferenceEvent[][];
  limits: { max_payload_size: number; max_block_size: number; newline_max_size: number; magic: string };
  costs: Record<'BadChecksumError' | 'BadMagicError' | 'OversizedPayloadError', number>;
  newline_drop: string[];
}

/** Runs the reference (Debian's python3-aiorpcx); fails, never skips, when it is missing. */
export function runReference(request: ReferenceRequest = { frames: [], streams: [] }): Reference {
  try {
    const out = execFileSync('/usr/bin/python3', [join(__dirname, 'referenceFraming.py')], {
      input: JSON.stringify(request),
      encoding: 'utf8',
    });
    return JSON.parse(out) as Reference;
  } catch (error) {
    throw new Error(
      `running the aiorpcX reference failed — is it installed? apt-get install -y python3-aiorpcx\n${String(error)}`,
    );
  }
}
