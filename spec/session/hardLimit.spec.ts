/**
 * The hard cost limit, reached by any route: error costs from invalid
 * messages, the bandwidth of what is read or written, cost set by hand. At
 * the limit, the next thing the peer sends is refused with one −101 and the
 * session closes after the turn; nothing after it is answered. (aiorpcX
 * 0.22.1 only checks when a well-formed request takes a slot, so a peer
 * sending nothing but invalid messages is answered for ever.)
 */
import { JSONRPC, rpcSessionDefaults, type RPCSessionConfig } from 'rxrpcx';
import { at, capturingLogger, err, lines, probe, rawPeer, req, testScheduler } from './sessionTestKit';

const excessive = (id: unknown): object => err(id as number | null, JSONRPC.EXCESSIVE_RESOURCE_USAGE, 'excessive resource usage');
const isExcessive = (reply: unknown): boolean =>
  (reply as { error?: { code?: unknown } } | null)?.error?.code === JSONRPC.EXCESSIVE_RESOURCE_USAGE;

/** One invalid line of each kind the issue lists, cycling; `id` is the id its error reply carries. */
interface Invalid {
  readonly text: string;
  readonly id: number | null;
  readonly parseError: boolean;
}

function invalidLine(i: number): Invalid {
  switch (i % 5) {
    case 0:
      return { text: `{"jsonrpc":"2.0","method":"echo","params":[${i}]`, id: null, parseError: true }; // bad JSON
    case 1:
      return { text: `{"jsonrpc":"2.0","method":${i},"id":${i}}`, id: i, parseError: false }; // a non-string method
    case 2:
      return { text: `{"jsonrpc":"2.0","method":"echo","params":${i},"id":${i}}`, id: i, parseError: false }; // scalar params
    case 3:
      return { text: '[]', id: null, parseError: false }; // an empty batch
    default:
      return { text: `{"jsonrpc":"3.0","method":"echo","params":[],"id":${i}}`, id: i, parseError: false }; // a wrong version
  }
}

const invalid = Array.from({ length: 2000 }, (_, i) => invalidLine(i));
const input = lines(...invalid.map((line) => line.text));

/**
 * The 1-based number of the line whose error cost reaches `hardLimit`:
 * `errorBaseCost` each, ten times that more for a parse error (as the
 * reference charges), plus the bandwidth of the whole write, read first.
 */
function crossingLine(hardLimit: number, errorBaseCost = rpcSessionDefaults.errorBaseCost): number {
  let cost = (input.length + 1) * rpcSessionDefaults.bwCostPerByte;
  for (const [index, line] of invalid.entries()) {
    cost += errorBaseCost + (line.parseError ? errorBaseCost * 10 : 0);
    if (cost >= hardLimit) return index + 1;
  }
  throw new Error('never crosses');
}

describe('the hard cost limit, by any route (marbles)', () => {
  it.each([
    ['the default limits: a parse error crosses', {}],
    ['a limit a request with an id crosses', { costHardLimit: 9200 }],
  ])('2,000 invalid lines in one write: %s — refused at the crossing line with −101, then closed', (_, limits: RPCSessionConfig) => {
    const logger = capturingLogger();
    const hardLimit = limits.costHardLimit ?? rpcSessionDefaults.costHardLimit;
    const crossing = crossingLine(hardLimit);
    expect(crossing).toBeLessThan(60);
    const replies: unknown[] = [];
    testScheduler().run(({ cold, expectObservable }) => {
      const peer = rawPeer({ ...limits, logger });
      const hook = jest.spyOn(peer.server, 'onDisconnectDueToExcessiveSessionCost');
      peer.replies$.subscribe((reply) => replies.push(reply));
      peer.send(cold('-a', { a: input }));
      const ticks = '--a';
      expectObservable(peer.server.closed$).toBe('-(c|)', { c: undefined });
      // Lines up to the crossing one read, nothing after; the hook called once.
      expectObservable(probe(cold(ticks), () => [peer.server.recvCount, hook.mock.calls.length])).toBe(ticks, { a: [crossing, 1] });
    });
    // Every line before the crossing one answered with its error; that one with −101, and nothing after.
    expect(replies).toHaveLength(crossing);
    expect(replies.slice(0, -1).filter(isExcessive)).toEqual([]);
    expect(replies.at(-1)).toEqual(excessive(invalid[crossing - 1]?.id));
    expect(logger.lines.filter((line) => line.includes('excessive resource usage'))).toHaveLength(1);
  });

  it('a well-behaved peer never gets near it: 2,000 requests, all answered, cost far below the soft limit', () => {
    const replies: unknown[] = [];
    testScheduler().run(({ cold, expectObservable }) => {
      const peer = rawPeer({ handlers: { echo: (s: string) => s } });
      peer.replies$.subscribe((reply) => replies.push(reply));
      const requests = Array.from({ length: 2000 }, (_, i) => req(i, 'echo', [`text ${i}`]));
      peer.send(cold('-a', { a: lines(...requests) }));
      const ticks = '-- 10ms a';
      expectObservable(probe(cold(ticks), () => [peer.server.isClosing(), peer.server.cost < 10])).toBe(ticks, { a: [false, true] });
      at(20, () => void peer.server.close());
    });
    expect(replies).toHaveLength(2000);
    expect(replies.filter(isExcessive)).toEqual([]);
  });

  describe.each([
    ['cost set by hand', {}, (peer: ReturnType<typeof rawPeer>) => (peer.server.cost = 12_000)],
    ['bumpCost', {}, (peer: ReturnType<typeof rawPeer>) => peer.server.bumpCost(12_000)],
    // about 100 bytes read at 1,000 a byte: the write itself crosses, before any of its lines is decoded.
    ['the bandwidth of what is read', { bwCostPerByte: 1000 }, () => undefined],
  ])('crossed by %s', (_, config: RPCSessionConfig, cross: (peer: ReturnType<typeof rawPeer>) => void) => {
    it('an invalid line with an id is refused with its id, and the session closes; the line after it is not answered', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ ...config, handlers: { echo: (s: string) => s } });
        cross(peer);
        peer.send(cold('-a', { a: lines(invalidLine(2).text, req(3, 'echo', ['x'])) }));
        expectObservable(peer.replies$).toBe('-(r|)', { r: excessive(2) });
        expectObservable(peer.server.closed$).toBe('-(c|)', { c: undefined });
      });
    });

    it('bad JSON is refused with id null', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer(config);
        cross(peer);
        peer.send(cold('-a', { a: lines(invalidLine(0).text, invalidLine(5).text) }));
        expectObservable(peer.replies$).toBe('-(r|)', { r: excessive(null) });
      });
    });
  });

  it('crossed by the bandwidth of what is written: the next line the peer sends is refused', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const peer = rawPeer({ bwCostPerByte: 1, costSoftLimit: 100, costHardLimit: 2000, handlers: { echo: (s: string) => s } });
      // A 3,000-byte push, written at 1, crosses the limit; the peer's request comes at 10.
      const big = 'x'.repeat(3000);
      at(1, () => peer.server.notify('big', [big]));
      peer.send(cold('10ms a', { a: req(1, 'echo', ['y']) }));
      expectObservable(peer.replies$).toBe('-n 8ms (b|)', { n: { jsonrpc: '2.0', method: 'big', params: [big] }, b: excessive(1) });
    });
  });

  it('the slot path: a request at the limit is answered −101 with its id; the next one in the same write is not answered', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const peer = rawPeer({ handlers: { echo: (s: string) => s } });
      peer.server.cost = 12_000;
      peer.send(cold('-a', { a: lines(req(0, 'echo', ['x']), req(1, 'echo', ['y'])) }));
      // b, in the same write, is not answered: the session is closing.
      expectObservable(peer.replies$).toBe('-(r|)', { r: excessive(0) });
    });
  });
});
