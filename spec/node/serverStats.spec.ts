/**
 * A server's statistics, added up from its sessions' own counters: the
 * aggregator behind `server.stats()` and `server.stats$`, fed by sessions
 * over memory pairs, in virtual time. Closed sessions are folded into the
 * totals; the rates are over the last window; error replies are counted by
 * the code on the wire.
 */
import { map } from 'rxjs';
import { JSONRPC } from 'rxrpcx';
import type { ServerStats } from 'rxrpcx/node';
import { ServerStatsAggregator } from '../../lib/node/serverStatsInternals';
import { at, batch, lines, note, rawPeer, req, testScheduler, type RawPeer } from '../session/sessionTestKit';

const handlers = { echo: (x: unknown) => x };

/** The fields a marble compares (time and bytes are checked apart). */
function counts(stats: ServerStats): Partial<ServerStats> {
  const { sessionsOpen, sessionsOpened, requests, notifications, requestsPerSecond, notificationsPerSecond, errorReplies, costDisconnects } =
    stats;
  return { sessionsOpen, sessionsOpened, requests, notifications, requestsPerSecond, notificationsPerSecond, errorReplies, costDisconnects };
}

/** Adds the error codes of a reply (or a batch of replies) to `codes`. */
function countCodes(reply: unknown, codes: Map<number, number>): void {
  for (const one of Array.isArray(reply) ? reply : [reply]) {
    const code = (one as { error?: { code?: number } } | null)?.error?.code;
    if (code !== undefined) codes.set(code, (codes.get(code) ?? 0) + 1);
  }
}

describe('ServerStatsAggregator (marbles)', () => {
  it('adds up live and closed sessions, each second: requests, rates, error replies by code', () => {
    const onTheWire = new Map<number, number>();
    testScheduler().run(({ cold, expectObservable }) => {
      const stats = new ServerStatsAggregator(undefined, 1);
      const a = rawPeer({ handlers });
      const b = rawPeer({ handlers });
      stats.add(a.server);
      stats.add(b.server);
      for (const peer of [a, b]) peer.replies$.subscribe((reply) => countCodes(reply, onTheWire));
      // A: two requests (one to an unknown method), a notification, and bad JSON.
      a.send(cold('-a', { a: lines(req(1, 'echo', [1]), req(2, 'nope'), note('echo', [2]), '{"jsonrpc":') }));
      // B: a batch of a request, a notification and an invalid member; then it leaves.
      b.send(cold('--b', { b: batch(req(3, 'echo', [3]), note('echo'), '7') }));
      at(5, () => void b.peerEnd.close());
      // A: one more request to an unknown method, in the second window.
      a.send(cold('1500ms a', { a: req(5, 'nope') }));
      expectObservable(stats.stats$.pipe(map(counts)), '^ 2100ms !').toBe('a 999ms b 999ms c', {
        a: {
          sessionsOpen: 2,
          sessionsOpened: 2,
          requests: 0,
          notifications: 0,
          requestsPerSecond: 0,
          notificationsPerSecond: 0,
          errorReplies: {},
          costDisconnects: 0,
        },
        b: {
          sessionsOpen: 1,
          sessionsOpened: 2,
          requests: 3,
          notifications: 2,
          requestsPerSecond: 3,
          notificationsPerSecond: 2,
          errorReplies: { [JSONRPC.PARSE_ERROR]: 1, [JSONRPC.INVALID_REQUEST]: 1, [JSONRPC.METHOD_NOT_FOUND]: 1 },
          costDisconnects: 0,
        },
        c: {
          sessionsOpen: 1,
          sessionsOpened: 2,
          requests: 4,
          notifications: 2,
          requestsPerSecond: 1,
          notificationsPerSecond: 0,
          errorReplies: { [JSONRPC.PARSE_ERROR]: 1, [JSONRPC.INVALID_REQUEST]: 1, [JSONRPC.METHOD_NOT_FOUND]: 2 },
          costDisconnects: 0,
        },
      });
    });
    // What was counted is what the peers read.
    expect(Object.fromEntries(onTheWire)).toEqual({ [JSONRPC.PARSE_ERROR]: 1, [JSONRPC.INVALID_REQUEST]: 1, [JSONRPC.METHOD_NOT_FOUND]: 2 });
  });

  it('counts the bytes and messages of closed sessions as well as live ones', () => {
    let closedBytes = { received: 0, sent: 0, messagesReceived: 0, messagesSent: 0 };
    let totals: ServerStats | undefined;
    testScheduler().run(({ cold, flush }) => {
      const stats = new ServerStatsAggregator(undefined, 1);
      const a = rawPeer({ handlers });
      const b = rawPeer({ handlers });
      stats.add(a.server);
      stats.add(b.server);
      a.send(cold('-a', { a: req(1, 'echo', ['x'.repeat(100)]) }));
      b.send(cold('-b', { b: lines(req(1, 'echo', [1]), req(2, 'echo', [2])) }));
      at(5, () => {
        closedBytes = {
          received: b.server.recvSize,
          sent: b.server.sendSize,
          messagesReceived: b.server.recvCount,
          messagesSent: b.server.sendCount,
        };
        void b.peerEnd.close();
      });
      flush();
      totals = stats.snapshot();
      expect(totals.sessionsOpen).toBe(1);
      expect(totals.bytesReceived).toBe(a.server.recvSize + closedBytes.received);
      expect(totals.bytesSent).toBe(a.server.sendSize + closedBytes.sent);
      expect(totals.messagesReceived).toBe(a.server.recvCount + closedBytes.messagesReceived);
      expect(totals.messagesSent).toBe(a.server.sendCount + closedBytes.messagesSent);
    });
    expect(closedBytes).toEqual({ received: expect.any(Number), sent: expect.any(Number), messagesReceived: 2, messagesSent: 2 });
    expect(totals?.messagesReceived).toBe(3);
    expect(totals?.bytesReceived).toBeGreaterThan(100);
  });

  it('spreads the live costs, and counts a session refused at the hard limit once', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const stats = new ServerStatsAggregator(undefined, 1);
      const peers: RawPeer[] = [0, 100, 200, 300, 2500].map((cost) => {
        const peer = rawPeer({ handlers, costDecayPerSec: 0, bwCostPerByte: 0 });
        peer.server.cost = cost;
        stats.add(peer.server);
        return peer;
      });
      const refused = rawPeer({ handlers, costHardLimit: 5000, costDecayPerSec: 0 });
      stats.add(refused.server);
      refused.server.cost = 5000;
      // Two requests in one write: the first refused with −101, and the session disconnects (counted once).
      refused.send(cold('-a', { a: lines(req(1, 'echo'), req(2, 'echo')) }));
      const spread = stats.stats$.pipe(map(({ cost, costDisconnects, sessionsOpen, errorReplies }) => ({ cost, costDisconnects, sessionsOpen, errorReplies })));
      expectObservable(spread, '^ 1000ms !').toBe('a 999ms b', {
        a: { cost: { overSoftLimit: 2, p50: 200, p90: 5000, p99: 5000, max: 5000 }, costDisconnects: 0, sessionsOpen: 6, errorReplies: {} },
        b: {
          cost: { overSoftLimit: 1, p50: 200, p90: 2500, p99: 2500, max: 2500 },
          costDisconnects: 1,
          sessionsOpen: 5,
          errorReplies: { [JSONRPC.EXCESSIVE_RESOURCE_USAGE]: 1 },
        },
      });
      expect(peers).toHaveLength(5);
    });
  });

  it('emits a last snapshot and completes at end(); later subscribers get one and completion', () => {
    testScheduler().run(({ expectObservable, cold }) => {
      const stats = new ServerStatsAggregator(undefined, 1);
      const a = rawPeer({ handlers });
      stats.add(a.server);
      a.send(cold('-a', { a: req(1, 'echo') }));
      at(1500, () => stats.end());
      const requests = stats.stats$.pipe(map((s) => s.requests));
      expectObservable(requests).toBe('a 999ms b 499ms (c|)', { a: 0, b: 1, c: 1 });
    });
    testScheduler().run(({ expectObservable }) => {
      const stats = new ServerStatsAggregator(undefined, 1);
      stats.end();
      expectObservable(stats.stats$.pipe(map((s) => s.sessionsOpened))).toBe('(a|)', { a: 0 });
    });
  });

  it('shares one timer between subscribers, and runs none without one', () => {
    testScheduler().run(({ expectObservable }) => {
      const stats = new ServerStatsAggregator(undefined, 1);
      const opened = stats.stats$.pipe(map((s) => s.sessionsOpened));
      expectObservable(opened, '^ 1500ms !').toBe('a 999ms a', { a: 0 });
      expectObservable(opened, '500ms ^ 1000ms !').toBe('500ms a 499ms a', { a: 0 });
    });
  });

  it('refuses an interval that is not positive', () => {
    expect(() => new ServerStatsAggregator(undefined, 0)).toThrow(RangeError);
    expect(() => new ServerStatsAggregator(undefined, Number.NaN)).toThrow(RangeError);
  });
});
