import fc from 'fast-check';
import { formatCount } from '../../lib/util/pythonInternals';
import { ChunkQueue, fromHex, toHex } from '../../lib/framing/framingInternals';
import { NUM_RUNS, concat } from './framingHelpers';

describe('ChunkQueue', () => {
  it('holds a big chunk by reference: a view when the bytes lie in it, a copy when they span pieces', () => {
    const big = new Uint8Array(8192).map((_, i) => i & 0xff);
    const queue = new ChunkQueue();
    queue.push(big);
    queue.push(new Uint8Array(0));
    queue.push(Uint8Array.of(4, 5));
    expect(queue.length).toBe(8194);
    const first = queue.take(8000);
    expect(first.buffer).toBe(big.buffer);
    const spanning = queue.take(193);
    expect(spanning[0]).toBe(8000 & 0xff);
    expect(spanning[192]).toBe(4);
    expect(spanning.buffer).not.toBe(big.buffer);
    expect(queue.take(1)).toEqual(Uint8Array.of(5));
    expect(queue.length).toBe(0);
    expect(queue.take(0)).toHaveLength(0);
    expect(() => queue.take(1)).toThrow(RangeError);
  });

  it('copies small chunks into one growable buffer, and small views of big buffers too', () => {
    const queue = new ChunkQueue();
    const slab = new Uint8Array(65536);
    slab[7] = 9;
    queue.push(slab.subarray(7, 8));
    for (let i = 0; i < 1000; i++) queue.push(Uint8Array.of(i & 0xff));
    const chunks = (queue as unknown as { chunks: Uint8Array[] }).chunks;
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.buffer).not.toBe(slab.buffer);
    expect(chunks[0]!.buffer.byteLength).toBeLessThanOrEqual(2 * 1001 + 256);
    const all = queue.take(1001);
    expect(all[0]).toBe(9);
    expect(all[1000]).toBe(999 & 0xff);
  });

  it('a partial take leaves no small remainder pinning a big buffer', () => {
    const queue = new ChunkQueue();
    queue.push(new Uint8Array(100_000));
    queue.take(99_990);
    const chunks = (queue as unknown as { chunks: Uint8Array[] }).chunks;
    expect(chunks[0]!.buffer.byteLength).toBeLessThanOrEqual(2 * 10 + 256);
    expect(queue.take(10)).toHaveLength(10);
  });

  it('behaves as slicing the concatenation, for any pushes and takes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ minLength: 4090, maxLength: 4200 }), fc.nat({ max: 30 }), fc.nat({ max: 9000 })), { maxLength: 40 }),
        (operations) => {
          const queue = new ChunkQueue();
          let model: number[] = [];
          for (const op of operations) {
            if (op instanceof Uint8Array) {
              queue.push(op);
              model = model.concat([...op]);
            } else {
              const n = Math.min(op, model.length);
              expect([...queue.take(n)]).toEqual(model.slice(0, n));
              model = model.slice(n);
            }
            expect(queue.length).toBe(model.length);
          }
          queue.clear();
          expect(queue.length).toBe(0);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('never lets a taken view change when later chunks arrive', () => {
    const queue = new ChunkQueue();
    queue.push(concat([Uint8Array.of(1, 2), Uint8Array.of(3)]));
    const view = queue.take(3);
    queue.push(Uint8Array.of(9));
    expect([...view]).toEqual([1, 2, 3]);
  });
});

describe('framing helpers', () => {
  it('formats counts as Python f"{n:,d}"', () => {
    expect([0, 999, 1000, 1_000_000, 128_000_001].map(formatCount)).toEqual(['0', '999', '1,000', '1,000,000', '128,000,001']);
  });

  it('converts hex both ways', () => {
    expect(toHex(fromHex('00ffE3e1'))).toBe('00ffe3e1');
    expect(() => fromHex('abc')).toThrow(RangeError);
    expect(() => fromHex('zz')).toThrow(RangeError);
  });
});
