/**
 * Cost groups (issue 17): sessions of one client — by default one remote
 * subnet — are throttled and disconnected by their own cost plus the rest of
 * their group's, so a flood spread over many connections meets the limits a
 * single connection would. In virtual time: each `work` request costs 100,
 * limits soft 1000 / hard 2000, so one connection is served 20 requests and
 * its 21st is refused (−101) and the session closed.
 */
import { asyncScheduler, interval, take } from 'rxjs';
import { CostGroups, JSONRPC, NetAddress, RPCSession, rpcSessionDefaults, type CostGroupsOptions, type RPCSessionConfig } from 'rxrpcx';
import { at, capturingLogger, probe, rawPeer, req, testScheduler, type RawPeer } from './sessionTestKit';

/** Exact fractions, no decay, no sleep, no bandwidth cost: only `work` costs. */
const limits = { costSoftLimit: 1000, costHardLimit: 2000, costDecayPerSec: 0, costSleep: 0, bwCostPerByte: 0 } as const;

/** Cost groups that, like the sessions of `limits`, do not decay. */
const groupsOf = (options: CostGroupsOptions = {}): CostGroups => new CostGroups({ costDecayPerSec: 0, ...options });

interface Client extends RawPeer {
  /** Results received. */
  readonly served: unknown[];
  /** −101 refusals received. */
  readonly refused: unknown[];
  /** Sends one `work` request now (ignored once the connection is gone). */
  work(): void;
}

/** A server session for a peer at `host`, in `groups`; `work` costs 100. */
function client(groups: CostGroups | undefined, host: string | undefined, config: RPCSessionConfig = {}): Client {
  let server: RPCSession | undefined;
  const peer = rawPeer(
    {
      ...limits,
      ...(groups === undefined ? {} : { costGroups: groups }),
      handlers: {
        work: () => {
          server?.bumpCost(100);
          return 'ok';
        },
      },
      ...config,
    },
    { addresses: [undefined, host === undefined ? undefined : new NetAddress(host, 50000)] },
  );
  server = peer.server;
  const served: unknown[] = [];
  const refused: unknown[] = [];
  peer.replies$.subscribe((reply) => {
    const error = (reply as { error?: { code?: number } }).error;
    if (error?.code === JSONRPC.EXCESSIVE_RESOURCE_USAGE) refused.push(reply);
    else if (error === undefined) served.push(reply);
  });
  let id = 0;
  const work = (): void => void peer.peerEnd.write(new TextEncoder().encode(`${req(id++, 'work')}\n`)).catch(() => undefined);
  return { ...peer, served, refused, work };
}

/** One `work` request a millisecond, from frame 1, to each client in turn, `count` in all. */
function roundRobin(clients: readonly Client[], count: number): void {
  interval(1)
    .pipe(take(count))
    .subscribe((i) => clients[i % clients.length]?.work());
}

describe('cost groups (marbles)', () => {
  it('one connection, alone in its group, gets what it gets with no groups: 20 served, the 21st refused and closed', () => {
    const results: Array<[number, number, boolean]> = [];
    for (const grouped of [false, true]) {
      testScheduler().run(({ expectObservable, cold }) => {
        const one = client(grouped ? groupsOf() : undefined, '192.0.2.1');
        roundRobin([one], 30);
        // The 21st request goes at frame 21; the session closes after that turn.
        expectObservable(one.server.closed$).toBe('21ms (c|)', { c: undefined });
        expectObservable(probe(cold('-- 17ms a'), () => [one.server.cost, one.server.effectiveCost])).toBe('-- 17ms a', {
          a: [1800, 1800], // 18 served by frame 19
        });
        at(40, () => results.push([one.served.length, one.refused.length, one.server.isClosing()]));
      });
    }
    expect(results).toEqual([
      [20, 1, true],
      [20, 1, true],
    ]);
  });

  it('a flood spread over 10 connections from one /24 is served 20 requests in all, as one connection is; then every connection is refused and closed', () => {
    let served = 0;
    let refused = 0;
    testScheduler().run(({ expectObservable, cold }) => {
      const groups = groupsOf();
      const clients = Array.from({ length: 10 }, (_, i) => client(groups, `192.0.2.${10 + i}`));
      roundRobin(clients, 100);
      // Request 20 (frame 20, client 9) brings the group to the hard limit; each client's next request
      // (frames 21–30) is refused and closes it.
      clients.forEach((each, i) => expectObservable(each.server.closed$).toBe(`${21 + i}ms (c|)`, { c: undefined }));
      expectObservable(probe(cold('15ms a'), () => [groups.members('192.0.2.0/24'), groups.cost('192.0.2.0/24')])).toBe('15ms a', {
        a: [10, 1400], // 14 served by frame 15
      });
      at(60, () => {
        served = clients.reduce((sum, each) => sum + each.served.length, 0);
        refused = clients.reduce((sum, each) => sum + each.refused.length, 0);
      });
    });
    expect([served, refused]).toEqual([20, 10]);
  });

  it('10 clients in 10 subnets each keep their own budget: 20 served each', () => {
    const served: number[] = [];
    testScheduler().run(() => {
      const groups = groupsOf();
      const clients = Array.from({ length: 10 }, (_, i) => client(groups, `198.51.${i}.7`));
      roundRobin(clients, 300);
      at(400, () => served.push(...clients.map((each) => each.served.length)));
    });
    expect(served).toEqual(new Array(10).fill(20));
  });

  it('a neighbour subnet is unaffected by an abusive group: it keeps being answered, judged by its own cost', () => {
    const results: unknown[] = [];
    testScheduler().run(({ expectObservable, cold }) => {
      const groups = groupsOf();
      const abusers = Array.from({ length: 5 }, (_, i) => client(groups, `203.0.113.${i + 1}`));
      const neighbour = client(groups, '203.0.114.1');
      roundRobin(abusers, 50);
      interval(10).pipe(take(5)).subscribe(() => neighbour.work());
      abusers.forEach((each, i) => expectObservable(each.server.closed$).toBe(`${21 + i}ms (c|)`, { c: undefined }));
      expectObservable(probe(cold('60ms a'), () => [neighbour.server.isClosing(), neighbour.server.effectiveCost])).toBe('60ms a', {
        a: [false, 500],
      });
      at(70, () => results.push(neighbour.served.length, neighbour.refused.length, neighbour.server.costGroup));
    });
    expect(results).toEqual([5, 0, '203.0.114.0/24']);
  });

  it('the throttle follows the group: concurrency shrinks by the effective cost, the own cost alone would not', () => {
    testScheduler().run(({ expectObservable, cold }) => {
      const groups = groupsOf();
      const [a, b] = [client(groups, '192.0.2.1'), client(groups, '192.0.2.2')];
      // a's cost takes the group half way; b, reading its request at 2, recalculates (its effective
      // cost drifted by more than 100): 20 × (1 − 0.5) = 10 slots, its own cost of 0 alone would leave 20.
      at(1, () => a.server.bumpCost(1500));
      at(2, () => b.work());
      const ticks = '3ms a';
      expectObservable(probe(cold(ticks), () => [b.server.cost, b.server.effectiveCost, b.server.stats().incomingConcurrency])).toBe(ticks, {
        a: [100, 1600, 10],
      });
    });
  });

  it('group cost decays at costDecayPerSec on the scheduler clock, as one session’s does', () => {
    testScheduler().run(({ expectObservable, cold }) => {
      const groups = new CostGroups({ costDecayPerSec: 100 });
      const decaying = { ...limits, costDecayPerSec: 100 };
      const [a, b] = [client(groups, '192.0.2.1', decaying), client(groups, '192.0.2.2', decaying)];
      at(1, () => a.server.bumpCost(1000));
      at(1, () => b.server.bumpCost(500));
      // Two sessions refund 100 a second each, the group 100 a second in all.
      const ticks = '1ms a 999ms b 999ms c 8999ms d';
      expectObservable(probe(cold(ticks), () => Math.round(groups.cost('192.0.2.0/24')))).toBe(ticks, { a: 1500, b: 1400, c: 1300, d: 400 });
      at(3001, () => a.server.recalcConcurrency());
      expectObservable(probe(cold('3002ms a'), () => [Math.round(a.server.cost), Math.round(a.server.effectiveCost)])).toBe('3002ms a', { a: [700, 1200] });
    });
  });

  it('leaving: the group keeps what a member was charged (a reconnect starts throttled), then is forgotten once empty and decayed', () => {
    testScheduler().run(({ expectObservable, cold }) => {
      const groups = new CostGroups({ costDecayPerSec: 1000 });
      const decaying = { ...limits, costDecayPerSec: 1000 };
      const first = client(groups, '192.0.2.1', decaying);
      at(1, () => first.server.bumpCost(1500));
      at(2, () => void first.server.close());
      // At 100 the group has refunded 98 of 1,500; a reconnect carries the rest.
      let again: Client | undefined;
      at(100, () => (again = client(groups, '192.0.2.2', decaying)));
      at(200, () => void again?.server.close());
      const key = '192.0.2.0/24';
      const ticks = '11ms b 91ms c 199ms d 1299ms e';
      const state = (): number[] => [Math.round(groups.cost(key)), groups.size, groups.members(key), Math.round(again?.server.effectiveCost ?? -1)];
      expectObservable(probe(cold(ticks), state)).toBe(ticks, {
        b: [1490, 1, 0, -1], // first gone; its 1,500 stays in the group, decaying
        c: [1398, 1, 1, 1398], // the reconnect's own cost is 0; it carries the group's
        d: [1198, 1, 0, 0], // gone again (a closed session is in no group)
        e: [0, 0, 0, 0], // decayed to 0 by 1,501: forgotten when looked at
      });
    });
  });

  it('a group whose last member leaves with nothing owed is forgotten at once', () => {
    testScheduler().run(({ expectObservable, cold }) => {
      const groups = groupsOf();
      const one = client(groups, '192.0.2.1');
      at(2, () => void one.server.close());
      expectObservable(probe(cold('1ms a 2ms b'), () => groups.size)).toBe('1ms a 2ms b', { a: 1, b: 0 });
    });
  });

  it('weight: each session carries that fraction of the rest of its group', () => {
    testScheduler().run(({ expectObservable, cold }) => {
      const groups = groupsOf({ weight: 0.25 });
      const [a, b] = [client(groups, '192.0.2.1'), client(groups, '192.0.2.2')];
      at(1, () => a.server.bumpCost(800));
      at(1, () => b.server.bumpCost(400));
      expectObservable(probe(cold('2ms a'), () => [a.server.effectiveCost, b.server.effectiveCost])).toBe('2ms a', { a: [900, 600] });
    });
  });

  describe('the key', () => {
    it('a key function of one’s own: sessions named alike share; undefined is no group', () => {
      testScheduler().run(({ expectObservable, cold }) => {
        const groups = groupsOf({ key: (session) => (session.remoteAddress() === undefined ? undefined : 'everyone') });
        const [a, b] = [client(groups, '192.0.2.1'), client(groups, '198.51.100.1')];
        const alone = client(groups, undefined);
        at(1, () => a.server.bumpCost(700));
        expectObservable(probe(cold('2ms a'), () => [a.server.costGroup, b.server.costGroup, b.server.effectiveCost, alone.server.costGroup])).toBe(
          '2ms a',
          { a: ['everyone', 'everyone', 700, undefined] },
        );
      });
    });

    it('a session with no remote address is in no group by default; a key that throws is logged, and the session is in none', () => {
      testScheduler().run(({ expectObservable, cold }) => {
        const logger = capturingLogger();
        const failing = new CostGroups({
          key: () => {
            throw new Error('no key');
          },
        });
        const unknown = client(groupsOf(), undefined);
        const failed = client(failing, '192.0.2.1', { logger });
        expectObservable(probe(cold('1ms a'), () => [unknown.server.costGroup, failed.server.costGroup, logger.lines])).toBe('1ms a', {
          a: [undefined, undefined, ['error: cost group key failed, the session is in no group: Error: no key']],
        });
      });
    });

    it.each([
      ['IPv6 /56', '2001:db8:0:1ff::1', '2001:db8:0:100:a:b:c:d', '2001:db8:0:100::/56'],
      ['IPv4-mapped IPv6 with IPv4', '::ffff:192.0.2.200', '192.0.2.3', '192.0.2.0/24'],
    ])('%s: one group', (_, hostA, hostB, key) => {
      testScheduler().run(({ expectObservable, cold }) => {
        const groups = groupsOf();
        const [a, b] = [client(groups, hostA), client(groups, hostB)];
        at(1, () => a.server.bumpCost(300));
        expectObservable(probe(cold('2ms a'), () => [a.server.costGroup, b.server.costGroup, b.server.effectiveCost])).toBe('2ms a', {
          a: [key, key, 300],
        });
      });
    });
  });

  it('checks its options when made', () => {
    expect(() => new CostGroups({ ipv4Prefix: 33 })).toThrow(RangeError);
    expect(() => new CostGroups({ ipv6Prefix: -1 })).toThrow(RangeError);
    expect(() => new CostGroups({ weight: Number.NaN })).toThrow(RangeError);
    expect(() => new CostGroups({ costDecayPerSec: -1 })).toThrow(RangeError);
  });
});

/**
 * The README's table: N connections from one client (one /24) against N
 * clients (N subnets), with the default limits. Each connection asks for
 * `work` (cost 100) every 100 ms for 60 s of virtual time; counted: requests
 * answered with a result, and connections closed at the hard limit.
 */
describe('what N connections from one client get versus N clients (the README table)', () => {
  const defaults = {
    costSoftLimit: rpcSessionDefaults.costSoftLimit,
    costHardLimit: rpcSessionDefaults.costHardLimit,
    costDecayPerSec: rpcSessionDefaults.costDecayPerSec,
    costSleep: rpcSessionDefaults.costSleep,
    bwCostPerByte: rpcSessionDefaults.bwCostPerByte,
  };

  function run(n: number, grouped: boolean, sameClient: boolean): [served: number, closed: number, lastClosedAt: number] {
    let result: [number, number, number] = [0, 0, 0];
    let lastClosedAt = 0;
    testScheduler().run(() => {
      const groups = grouped ? new CostGroups() : undefined;
      const clients = Array.from({ length: n }, (_, i) => client(groups, sameClient ? `192.0.2.${i + 1}` : `198.51.${i}.1`, defaults));
      interval(100)
        .pipe(take(600))
        .subscribe(() => clients.forEach((each) => each.work()));
      clients.forEach((each) => each.server.closed$.subscribe(() => (lastClosedAt = asyncScheduler.now() / 1000)));
      at(61_000, () => {
        const served = clients.reduce((sum, each) => sum + each.served.length, 0);
        result = [served, clients.filter((each) => each.refused.length > 0).length, Math.round(lastClosedAt * 10) / 10];
      });
      at(61_001, () => clients.forEach((each) => void each.server.close()));
    });
    return result;
  }

  it.each([
    // N; then for one client with no groups, one client with cost groups, and N clients with cost groups:
    // [requests served, connections closed at the hard limit, when the last was closed (s)]
    [1, [100, 1, 24.6], [100, 1, 24.6], [100, 1, 24.6]],
    [5, [500, 5, 24.6], [100, 5, 3.2], [500, 5, 24.6]],
    [20, [2000, 20, 24.6], [100, 20, 1.1], [2000, 20, 24.6]],
  ])('N = %d', (n, ungrouped, oneClient, nClients) => {
    expect([run(n, false, true), run(n, true, true), run(n, true, false)]).toEqual([ungrouped, oneClient, nClients]);
  });
});
