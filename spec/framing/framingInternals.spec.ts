import fc from 'fast-check';
import { ChunkQueue, formatCount, fromHex, toHex } from '../../lib/framing/framingInternals';
import { NUM_RUNS, concat } from './framingHelpers';

describe('ChunkQueue', () => {
  it('returns a view when the bytes lie in one chunk, and a copy when they span chunks', () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = Uint8Array.of(4, 5);
    const queue = new ChunkQueue();
    queue.push(a);
    queue.push(new Uint8Array(0));
    queue.push(b);
    expect(queue.length).toBe(5);
    const first = queue.take(2);
    expect(first.buffer).toBe(a.buffer);
    const spanning = queue.take(2);
    expect([...spanning]).toEqual([3, 4]);
    expect(spanning.buffer).not.toBe(a.buffer);
    expect(spanning.buffer).not.toBe(b.buffer);
    expect(queue.take(1)).toEqual(Uint8Array.of(5));
    expect(queue.length).toBe(0);
    expect(queue.take(0)).toHaveLength(0);
    expect(() => queue.take(1)).toThrow(RangeError);
  });

  it('behaves as slicing the concatenation, for any pushes and takes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 20 }), fc.nat({ max: 30 })), { maxLength: 40 }),
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
