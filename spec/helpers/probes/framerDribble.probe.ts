/**
 * A framer fed one byte at a time: prints `{ held, grown }`, the bytes the
 * framer holds (a frame in progress) and how much the heap plus ArrayBuffers
 * grew after GC. Argument: `newline`, `content-length` or `bitcoin`, then the
 * byte count.
 */
import { Subject } from 'rxjs';
import { BitcoinFramer } from '../../../lib/framing/BitcoinFramer';
import type { FramerBase } from '../../../lib/framing/FramerBase';
import { ContentLengthFramer } from '../../../lib/framing/ContentLengthFramer';
import { NewlineFramer } from '../../../lib/framing/NewlineFramer';
import { heldMemory } from './heap';

const [kind = 'newline', count = '200000'] = process.argv.slice(2);
const held = Number(count);

function stream(): { framer: FramerBase<unknown>; bytes: Uint8Array } {
  const body = new Uint8Array(held).fill(0x61);
  if (kind === 'newline') return { framer: new NewlineFramer({ maxSize: 2 * held }), bytes: body };
  if (kind === 'content-length') {
    const header = new TextEncoder().encode(`Content-Length: ${2 * held}\r\n\r\n`);
    return { framer: new ContentLengthFramer({ maxSize: 2 * held }), bytes: new Uint8Array([...header, ...body]) };
  }
  const framer = new BitcoinFramer({ maxPayloadSize: 2 * held });
  const frame = framer.frame({ command: 'tx', payload: new Uint8Array(2 * held) });
  return { framer: framer, bytes: new Uint8Array([...frame.subarray(0, 24), ...body]) };
}

const { framer, bytes } = stream();
const input = new Subject<Uint8Array>();
const subscription = input.pipe(framer.messages()).subscribe();
const before = heldMemory();
// Fresh 1-byte arrays, as a socket delivers a dribble.
for (const byte of bytes) input.next(Uint8Array.of(byte));
const after = heldMemory();
subscription.unsubscribe();
// `bytes` stays alive across both measurements.
console.log(JSON.stringify({ held, grown: after - before, fed: bytes.length }));
