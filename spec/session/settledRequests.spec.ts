import { runHeapProbe } from '../helpers/heapProbe';

/**
 * Issue 13, item 2: one request that is never answered must not keep every
 * later, answered request's state alive until its timeout. Both sessions of
 * a memory pair hold a deadline for the unanswered request (the client its
 * `sentRequestTimeout`, the server its `processingTimeout`), and 20,000
 * answered requests of 1 KiB follow it. Measured in a child process after GC.
 */
describe('settled requests behind one that is never answered', () => {
  it('retain nothing: no params or results reachable on either side, the heap grows by under 1 MB', async () => {
    const report = await runHeapProbe<{
      count: number;
      watched: number;
      grown: number;
      serverParamsAlive: number;
      clientParamsAlive: number;
      clientResultsAlive: number;
    }>('settledRequests', ['20000']);
    expect(report.count).toBe(20_000);
    expect(report.watched).toBe(1000);
    expect(report.serverParamsAlive).toBe(0);
    expect(report.clientParamsAlive).toBe(0);
    expect(report.clientResultsAlive).toBe(0);
    expect(report.grown).toBeLessThanOrEqual(1 << 20);
  });
});
