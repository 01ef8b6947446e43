import { Subject } from 'rxjs';
import { BitcoinFramer, ContentLengthFramer, NewlineFramer, type FramerBase } from '../../lib/framing';
import { ChunkQueue } from '../../lib/framing/framingInternals';
import { runHeapProbe } from '../helpers/heapProbe';

/**
 * Issue 13, item 1: a peer that sends a frame one byte at a time must cost
 * about the bytes the framer holds, not a chunk object per byte.
 */

const HELD = 200_000;

/** What a queue keeps: its pieces, and the bytes of their distinct ArrayBuffers. */
function footprint(queue: ChunkQueue): { pieces: number; bufferBytes: number } {
  const chunks = (queue as unknown as { chunks: Uint8Array[] }).chunks;
  const buffers = new Set<ArrayBufferLike>(chunks.map((chunk) => chunk.buffer));
  return { pieces: chunks.length, bufferBytes: [...buffers].reduce((n, buffer) => n + buffer.byteLength, 0) };
}

/** Subscribes `framer` to a Subject and returns the Subject and the decoder's queue (caught on its first push). */
function decode(framer: FramerBase<unknown>): { input: Subject<Uint8Array>; queue: () => ChunkQueue } {
  let queue: ChunkQueue | undefined;
  const push = ChunkQueue.prototype.push;
  const spy = jest.spyOn(ChunkQueue.prototype, 'push').mockImplementation(function (this: ChunkQueue, chunk: Uint8Array) {
    queue ??= this;
    push.call(this, chunk);
  });
  const input = new Subject<Uint8Array>();
  input.pipe(framer.messages()).subscribe();
  return {
    input,
    queue: () => {
      spy.mockRestore();
      if (queue === undefined) throw new Error('the decoder never pushed');
      return queue;
    },
  };
}

/** A frame's bytes before its payload, and a framer that accepts a payload of twice `HELD`. */
const cases: Array<[string, () => { framer: FramerBase<unknown>; prefix: Uint8Array }]> = [
  ['NewlineFramer', () => ({ framer: new NewlineFramer({ maxSize: 2 * HELD }), prefix: new Uint8Array(0) })],
  [
    'ContentLengthFramer',
    () => ({
      framer: new ContentLengthFramer({ maxSize: 2 * HELD }),
      prefix: new TextEncoder().encode(`Content-Length: ${2 * HELD}\r\n\r\n`),
    }),
  ],
  [
    'BitcoinFramer',
    () => {
      const framer = new BitcoinFramer({ maxPayloadSize: 2 * HELD });
      return { framer, prefix: framer.frame({ command: 'tx', payload: new Uint8Array(2 * HELD) }).slice(0, 24) };
    },
  ],
];

describe.each(cases)('%s fed a frame one byte at a time', (_name, make) => {
  it(`holds ${HELD.toLocaleString('en-US')} dribbled bytes in a few buffers within twice their size`, () => {
    const { framer, prefix } = make();
    const { input, queue } = decode(framer);
    for (const byte of prefix) input.next(Uint8Array.of(byte));
    for (let i = 0; i < HELD; i++) input.next(Uint8Array.of(0x61));
    const held = queue();
    expect(held.length).toBe(HELD);
    const { pieces, bufferBytes } = footprint(held);
    expect(pieces).toBeLessThanOrEqual(4);
    expect(bufferBytes).toBeLessThanOrEqual(2 * HELD + 1024);
  });

  it('does not let 1-byte views pin the 64 KiB buffers they view', () => {
    const { framer, prefix } = make();
    const { input, queue } = decode(framer);
    for (const byte of prefix) input.next(Uint8Array.of(byte));
    for (let i = 0; i < 100; i++) input.next(new Uint8Array(65536).fill(0x61).subarray(i, i + 1));
    const { bufferBytes } = footprint(queue());
    expect(bufferBytes).toBeLessThanOrEqual(2 * 100 + 1024);
  });
});

describe('framers fed one byte at a time: the heap, measured in a child process after GC', () => {
  it.each(['newline', 'content-length', 'bitcoin'])('%s: heap + ArrayBuffers grow by at most 3 × the bytes held + 1 MB', async (kind) => {
    const { held, grown } = await runHeapProbe<{ held: number; grown: number }>('framerDribble', [kind, String(HELD)]);
    expect(held).toBe(HELD);
    expect(grown).toBeLessThanOrEqual(3 * held + (1 << 20));
  });
});
