import { runHeapProbe } from '../../helpers/heapProbe';

/**
 * Issue 13, item 1, end to end: 50 connections to a `serveRs` server on
 * loopback each dribble an unterminated 4,000-byte line in 1-byte writes. The
 * server (in a `node --expose-gc` child) holds 200,000 bytes in its framers,
 * and must cost about that, not a chunk object per byte.
 */
describe('serveRs fed 50 unterminated lines one byte at a time', () => {
  it('grows heap + ArrayBuffers by at most 3 × the bytes held + 1 MB', async () => {
    const { held, grown } = await runHeapProbe<{ held: number; grown: number }>('dribbleSocket', ['50', '4000']);
    expect(held).toBe(200_000);
    expect(grown).toBeLessThanOrEqual(3 * held + (1 << 20));
  });
});
