/**
 * Every rule on a session's incoming path, as marbles: what the peer reads
 * back (`replies$`) and when, and the session's state where it matters. Each
 * session is made inside the run, so its timers, cost sleeps, flushes and
 * the transport's deliveries are all virtual; handlers return values or
 * Observables (Promises would settle after the run).
 */
import { map, take, timer, toArray } from 'rxjs';
import { JSONRPC, RPCError, ReplyAndDisconnect, defineHandler, type RPCSessionConfig } from 'rxrpcx';
import {
  at,
  batch,
  capturingLogger,
  err,
  lines,
  note,
  ok,
  probe,
  rawPeer,
  readingCalls,
  req,
  testScheduler,
  type RawPeer,
  type RunHelpers,
} from './sessionTestKit';

const busy = (id: number): object => err(id, JSONRPC.SERVER_BUSY, 'server busy - request timed out');
const excessive = (id: number): object => err(id, JSONRPC.EXCESSIVE_RESOURCE_USAGE, 'excessive resource usage');

/** Answers `s` after `ms` virtual milliseconds. */
const slow = (ms: number, s: string) => timer(ms).pipe(map(() => s));

/** `{ a: 30, b: 5 }` → requests `slow(30, 'a')` with id 0, `slow(5, 'b')` with id 1, … by marble letter. */
function slowCalls(durations: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(durations).map(([name, ms], id) => [name, req(id, 'slow', [ms, name])]));
}

/** `'abc'` → their replies: `ok(0, 'a')`, `ok(1, 'b')`, … by marble letter. */
function answers(names: string): Record<string, object> {
  return Object.fromEntries([...names].map((name, id) => [name, ok(id, name)]));
}

/** Cost limits whose fraction is exact (cost 1000 + 10·x is x % of the way); no decay. */
const throttle = { costSoftLimit: 1000, costHardLimit: 2000, costDecayPerSec: 0 };

/** Every kind of outcome a handler can have. */
const outcomeHandlers = {
  echo: (s: string) => s,
  add: defineHandler((a: number, b: number) => a + b, { params: ['a', 'b'] }),
  boom: () => {
    throw new Error('boom');
  },
  refuse: () => {
    throw new RPCError(-7, 'refused');
  },
  failLater: () =>
    timer(5).pipe(
      map(() => {
        throw new RPCError(-8, 'later');
      }),
    ),
  bye: () => {
    throw new ReplyAndDisconnect('bye');
  },
};

/** One of everything, in one write: a good request, an unknown method, bad params, a throw, an RPCError, a notification, a batch. */
const mix = lines(
  req(0, 'echo', ['x']),
  req(1, 'nope'),
  req(2, 'add', [1]),
  req(3, 'boom'),
  req(4, 'refuse'),
  note('echo', ['n']),
  batch(req(5, 'echo', ['y']), note('echo', ['m']), req(6, 'nope')),
);
/** The mix's items (a batch's members each count). */
const mixItems = 9;
/** Its replies, by id (a batch's reply as one, under its first member's id). */
const mixReplies = [
  ok(0, 'x'),
  err(1, JSONRPC.METHOD_NOT_FOUND, 'unknown method "nope"'),
  err(2, JSONRPC.INVALID_ARGS, '1 argument passed to method "add" but it requires 2'),
  err(3, JSONRPC.INTERNAL_ERROR, 'internal server error'),
  err(4, -7, 'refused'),
  [ok(5, 'y'), err(6, JSONRPC.METHOD_NOT_FOUND, 'unknown method "nope"')],
];

/** Replies sorted by id (a batch by its first member's). */
function byId(replies: unknown[]): unknown[] {
  const id = (reply: unknown): number => ((Array.isArray(reply) ? reply[0] : reply) as { id: number }).id;
  return [...replies].sort((a, b) => id(a) - id(b));
}

describe('the incoming dispatcher (marbles)', () => {
  it('answers a plain value in the frame the request arrives', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const peer = rawPeer({ handlers: { echo: (s: string) => s } });
      peer.send(cold('-a', { a: req(0, 'echo', ['x']) }));
      expectObservable(peer.replies$).toBe('-r', { r: ok(0, 'x') });
    });
  });

  it('answers an Observable handler with its first value, when it comes', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const peer = rawPeer({ handlers: { later: () => timer(3).pipe(map(() => 'done')) } });
      peer.send(cold('-a', { a: req(0, 'later') }));
      expectObservable(peer.replies$).toBe('----r', { r: ok(0, 'done') });
    });
  });

  describe('the concurrency limit', () => {
    it('runs waiters in arrival order as slots free', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ initialConcurrent: 2, handlers: { slow } });
        // a and b take the two slots; c, d and e wait, and start one by one as slots free:
        // first come, first served, though the later ones are quicker.
        const requests = '-(abcde)';
        const replies = ' - 5ms b 4ms c 2ms de 15ms a';
        const ticks = '   --a 5ms b 5ms c 5ms d 15ms e';
        peer.send(cold(requests, slowCalls({ a: 30, b: 5, c: 5, d: 3, e: 1 })));
        expectObservable(peer.replies$).toBe(replies, answers('abcde'));
        expectObservable(probe(cold(ticks), () => peer.server.unansweredRequestCount())).toBe(ticks, { a: 5, b: 4, c: 3, d: 1, e: 0 });
      });
    });

    it('shrinks as cost rises between the soft and hard limits: fewer run at once', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ ...throttle, costSleep: 0, initialConcurrent: 4, handlers: { slow } });
        // Half way: ceil((1 − 0.5) × 4) = 2 slots, so c and d wait for a and b.
        peer.server.cost = 1500;
        const requests = '-(abcd)';
        const replies = ' - 10ms a-b 7ms c-d';
        const ticks = '   a';
        peer.send(cold(requests, slowCalls({ a: 10, b: 12, c: 10, d: 10 })));
        expectObservable(peer.replies$).toBe(replies, answers('abcd'));
        expectObservable(probe(cold(ticks), () => peer.server.stats().incomingConcurrency)).toBe(ticks, { a: 2 });
      });
    });

    it('admits waiters at once when cost falls and the limit rises again', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ ...throttle, costSleep: 0, initialConcurrent: 4, handlers: { slow } });
        // Three quarters: ceil(0.25 × 4) = 1 slot; at 5 the cost is gone and b, c and d start together.
        peer.server.cost = 1750;
        at(5, () => (peer.server.cost = 0));
        const requests = '-(abcd)';
        const replies = ' - 10ms a 3ms bcd';
        const ticks = '   --a 4ms b';
        peer.send(cold(requests, slowCalls({ a: 10, b: 10, c: 11, d: 12 })));
        expectObservable(peer.replies$).toBe(replies, answers('abcd'));
        expectObservable(probe(cold(ticks), () => peer.server.stats().incomingConcurrency)).toBe(ticks, { a: 1, b: 4 });
      });
    });
  });

  describe('the cost sleep', () => {
    it.each([
      // cost, sleep in ms: (cost − 1000) / 1000 × costSleep
      [1500, 20],
      [1250, 10],
    ])('at cost %d sleeps %d ms (fraction × costSleep) before the handler runs', (cost, sleep) => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const work = cold('---a|', { a: 'done' });
        const peer = rawPeer({ ...throttle, costSleep: 0.04, handlers: { work: () => work } });
        peer.server.cost = cost;
        peer.send(cold('-a', { a: req(0, 'work') }));
        expectObservable(peer.replies$).toBe(`    - ${sleep}ms ---r`, { r: ok(0, 'done') });
        expectSubscriptions(work.subscriptions).toBe(`- ${sleep}ms ^--!`);
      });
    });

    it('does not sleep at or under the soft limit', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const work = cold('---a|', { a: 'done' });
        const peer = rawPeer({ ...throttle, costSleep: 0.04, handlers: { work: () => work } });
        peer.server.cost = 1000;
        peer.send(cold('-a', { a: req(0, 'work') }));
        expectObservable(peer.replies$).toBe('  ----r', { r: ok(0, 'done') });
        expectSubscriptions(work.subscriptions).toBe('-^--!');
      });
    });
  });

  describe('the processing timeout', () => {
    it('answers SERVER_BUSY at exactly processingTimeout, unsubscribes the handler and never sends its late result', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const work = cold('- 30ms a|', { a: 'late' });
        const peer = rawPeer({ processingTimeout: 0.02, handlers: { work: () => work } });
        peer.send(cold('-a', { a: req(0, 'work') }));
        at(60, () => void peer.peerEnd.close());
        // Nothing more comes before the hang-up.
        expectObservable(peer.replies$).toBe('- 20ms r 38ms |', { r: busy(0) });
        expectSubscriptions(work.subscriptions).toBe('-^ 19ms !');
      });
    });

    it('counts the wait for a slot: a waiter runs only for what is left of its time', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const first = cold('-');
        const second = cold('-');
        const peer = rawPeer({ initialConcurrent: 1, processingTimeout: 0.02, handlers: { first: () => first, second: () => second } });
        // b arrives at 5 and waits until 21 for the slot a holds, then runs until its 20 ms are up.
        peer.send(cold('-a 3ms b', { a: req(0, 'first'), b: req(1, 'second') }));
        expectObservable(peer.replies$).toBe('      - 20ms a 3ms b', { a: busy(0), b: busy(1) });
        expectSubscriptions(first.subscriptions).toBe(' -^ 19ms !');
        expectSubscriptions(second.subscriptions).toBe('- 20ms ^ 3ms !');
      });
    });

    it('counts the cost sleep: a request that sleeps past it never runs', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const work = cold('a|', { a: 'done' });
        // Half way to the hard limit: a 30 ms sleep against a 20 ms timeout.
        const peer = rawPeer({ ...throttle, costSleep: 0.06, processingTimeout: 0.02, handlers: { work: () => work } });
        peer.server.cost = 1500;
        peer.send(cold('-a', { a: req(0, 'work') }));
        expectObservable(peer.replies$).toBe('- 20ms r', { r: busy(0) });
        expectSubscriptions(work.subscriptions).toBe([]);
      });
    });

    it('counts the sleep and the handler together', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const work = cold('- 15ms a|', { a: 'late' });
        // A 10 ms sleep, then a 15 ms handler, against a 20 ms timeout.
        const peer = rawPeer({ ...throttle, costSleep: 0.02, processingTimeout: 0.02, handlers: { work: () => work } });
        peer.server.cost = 1500;
        peer.send(cold('-a', { a: req(0, 'work') }));
        expectObservable(peer.replies$).toBe('        - 20ms r', { r: busy(0) });
        expectSubscriptions(work.subscriptions).toBe('- 10ms ^ 9ms !');
      });
    });
  });

  describe('excessive cost', () => {
    it('answers a request with the limit at 0 with EXCESSIVE_RESOURCE_USAGE, and closes', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ ...throttle, handlers: { echo: (s: string) => s } });
        const hook = jest.spyOn(peer.server, 'onDisconnectDueToExcessiveSessionCost');
        peer.server.cost = 2000;
        peer.send(cold('-a', { a: req(0, 'echo', ['x']) }));
        const ticks = '                          a-b';
        expectObservable(peer.replies$).toBe('    -(r|)', { r: excessive(0) });
        expectObservable(peer.server.closed$).toBe('-(c|)', { c: undefined });
        expectObservable(probe(cold(ticks), () => [peer.server.stats().incomingConcurrency, hook.mock.calls.length])).toBe(ticks, {
          a: [0, 0],
          b: [0, 1],
        });
      });
    });

    it('fails the waiters the same way when the limit falls to 0, and cancels what runs', () => {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const work = cold('-');
        const peer = rawPeer({ ...throttle, initialConcurrent: 1, handlers: { work: () => work } });
        const hook = jest.spyOn(peer.server, 'onDisconnectDueToExcessiveSessionCost');
        // a runs, b and c wait; at 5 the cost reaches the hard limit.
        peer.send(cold('-(abc)', { a: req(0, 'work'), b: req(1, 'work'), c: req(2, 'work') }));
        at(5, () => (peer.server.cost = 2000));
        const ticks = '                            - 5ms a';
        expectObservable(peer.replies$).toBe('      - 4ms (bc|)', { b: excessive(1), c: excessive(2) });
        expectObservable(peer.server.closed$).toBe('- 4ms (c|)', { c: undefined });
        expectSubscriptions(work.subscriptions).toBe(' -^ 3ms !');
        expectObservable(probe(cold(ticks), () => [peer.server.unansweredRequestCount(), hook.mock.calls.length])).toBe(ticks, {
          a: [0, 2],
        });
      });
    });

    it('answers every member of a batch at limit 0, in one batch reply, before it closes', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ ...throttle, handlers: { echo: (s: string) => s } });
        peer.server.cost = 2500;
        peer.send(cold('-a', { a: batch(req(0, 'echo', ['x']), note('echo', ['n']), req(1, 'echo', ['y'])) }));
        expectObservable(peer.replies$).toBe('-(r|)', { r: [excessive(0), excessive(1)] });
      });
    });
  });

  describe('maxPendingRequests', () => {
    it('stops reading at the limit and resumes as answers go out; later requests wait their turn', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ maxPendingRequests: 2, handlers: { slow } });
        const reading = readingCalls(peer.serverEnd);
        // Four writes: c and d stay in the transport while a and b are unanswered.
        const requests = '-(abcd)';
        const replies = ' - 10ms (ab) 6ms (cd)';
        const pauses = '  - p 9ms (rprp) 4ms r';
        const ticks = '   --a 9ms b 9ms c';
        peer.send(cold(requests, slowCalls({ a: 10, b: 10, c: 10, d: 10 })));
        expectObservable(peer.replies$).toBe(replies, answers('abcd'));
        expectObservable(reading).toBe(pauses);
        expectObservable(probe(cold(ticks), () => peer.server.unansweredRequestCount())).toBe(ticks, { a: 2, b: 2, c: 0 });
      });
    });

    it('holds the messages of a chunk read past the limit, and answers them all in order', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ maxPendingRequests: 2, handlers: { slow } });
        const reading = readingCalls(peer.serverEnd);
        // One write of five lines: the framer hands over all five; c, d and e wait in the session.
        // Reading stays paused until fewer than two are unanswered and none is held.
        const replies = ' - 10ms (ab) 6ms (cd) 6ms e';
        const pauses = '  - p 19ms r';
        const ticks = '   --a 9ms b 9ms c 9ms d';
        peer.send(cold('-a', { a: lines(...Object.values(slowCalls({ a: 10, b: 10, c: 10, d: 10, e: 10 }))) }));
        expectObservable(peer.replies$).toBe(replies, answers('abcde'));
        expectObservable(reading).toBe(pauses);
        expectObservable(probe(cold(ticks), () => peer.server.unansweredRequestCount())).toBe(ticks, { a: 2, b: 2, c: 1, d: 0 });
      });
    });
  });

  describe('cancellation on close', () => {
    it.each([
      ['the session closes', (peer: RawPeer) => void peer.server.close()],
      ['the peer closes', (peer: RawPeer) => void peer.peerEnd.close()],
      ['the peer resets', (peer: RawPeer) => peer.peerEnd.abort()],
    ])('when %s: unsubscribes the running handlers, answers nothing more, leaves nothing behind', (_when, hangUp) => {
      const scheduler = testScheduler();
      scheduler.run(({ cold, expectObservable, expectSubscriptions, flush }) => {
        const work = cold('- 50ms a|', { a: 'late' });
        const peer = rawPeer({ ...throttle, costSleep: 1, initialConcurrent: 4, handlers: { work: () => work } });
        // a and b run; at 2 the cost rises to a quarter of the way (3 slots, a 250 ms sleep),
        // so c sleeps and d waits for a slot. At 10 the connection ends.
        peer.send(cold('-(ab)-(cd)', { a: req(0, 'work'), b: req(1, 'work'), c: req(2, 'work'), d: req(3, 'work') }));
        at(2, () => (peer.server.cost = 1250));
        at(10, () => hangUp(peer));
        expectObservable(peer.replies$).toBe('- 9ms |');
        expectObservable(peer.server.closed$).toBe('- 9ms (c|)', { c: undefined });
        expectSubscriptions(work.subscriptions).toBe(['-^ 8ms !', '-^ 8ms !']);
        flush();
        // Nothing was left scheduled past the close: no timeout, sleep, flush or watchdog.
        expect(scheduler.frame).toBe(10);
        expect(peer.server.unansweredRequestCount()).toBe(0);
        expect(peer.server.stats().unansweredRequests).toBe(0);
      });
    });
  });

  describe('handler outcomes', () => {
    it('answers an RPCError as it is, anything else thrown as INTERNAL_ERROR (logged)', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const logger = capturingLogger();
        const peer = rawPeer({ logger, handlers: outcomeHandlers });
        const warnLines = (): string[] => logger.lines.filter((line) => line.startsWith('warn:'));
        const requests = '-a-b-c';
        const replies = ' -a-b- 5ms c';
        const ticks = '   --a 6ms b';
        peer.send(cold(requests, { a: req(0, 'refuse'), b: req(1, 'boom'), c: req(2, 'failLater') }));
        expectObservable(peer.replies$).toBe(replies, {
          a: err(0, -7, 'refused'),
          b: err(1, JSONRPC.INTERNAL_ERROR, 'internal server error'),
          c: err(2, -8, 'later'),
        });
        expectObservable(probe(cold(ticks), warnLines)).toBe(ticks, {
          a: [],
          b: ['warn: exception handling IncomingRequest("boom", []): Error: boom'],
        });
      });
    });

    it('sends the reply of ReplyAndDisconnect, then closes', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ handlers: outcomeHandlers });
        peer.send(cold('-a', { a: req(0, 'bye') }));
        expectObservable(peer.replies$).toBe('    -(r|)', { r: ok(0, 'bye') });
        expectObservable(peer.server.closed$).toBe('-(c|)', { c: undefined });
      });
    });

    it('answers a notification with nothing, whatever its handler does', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ handlers: outcomeHandlers });
        peer.send(cold('-abc-d', { a: note('echo', ['x']), b: note('boom'), c: note('refuse'), d: req(0, 'echo', ['after']) }));
        expectObservable(peer.replies$).toBe('-----r', { r: ok(0, 'after') });
      });
    });

    it('answers a batch in one batch message once its last member is answered, in the order answered', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ handlers: { ...outcomeHandlers, slow } });
        peer.send(cold('-a', { a: batch(req(0, 'slow', [5, 'a']), note('echo', ['n']), req(1, 'refuse'), req(2, 'echo', ['c'])) }));
        expectObservable(peer.replies$).toBe('- 5ms r', { r: [err(1, -7, 'refused'), ok(2, 'c'), ok(0, 'a')] });
        expectObservable(peer.writes$).toBe(' - 5ms w', { w: 1 });
      });
    });

    it('answers a batch holding ReplyAndDisconnect whole, then closes', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ handlers: outcomeHandlers });
        peer.send(cold('-a', { a: batch(req(0, 'bye'), req(1, 'echo', ['y'])) }));
        expectObservable(peer.replies$).toBe('    -(r|)', { r: [ok(0, 'bye'), ok(1, 'y')] });
        expectObservable(peer.server.closed$).toBe('-(c|)', { c: undefined });
      });
    });
  });

  /**
   * The admission states: the session's settings, what happens before the
   * mix arrives at 1, how many items are unanswered at 2, and when the mix
   * is answered.
   */
  const admissionStates: Record<
    string,
    { config: RPCSessionConfig; setUp(peer: RawPeer, helpers: RunHelpers): void; unansweredAt2: number; answeredAt: number }
  > = {
    'slot free': { config: {}, setUp: () => undefined, unansweredAt2: 0, answeredAt: 1 },
    'slots full': {
      // Both slots are held by notifications released at 20; the mix waits in line for them.
      config: { initialConcurrent: 2 },
      setUp: (peer, { cold, hot }) => {
        const release = hot('- 19ms r');
        peer.server.handlers = { ...peer.server.handlers, hold: () => release };
        peer.send(cold('(ab)', { a: note('hold'), b: note('hold') }));
      },
      unansweredAt2: 2 + mixItems,
      answeredAt: 20,
    },
    'cost sleep': {
      // A quarter of the way to the hard limit: every item sleeps 0.25 × 0.08 s first (its
      // errors then raise the cost, but only once everything is asleep).
      config: { ...throttle, costHardLimit: 3000, costSleep: 0.08 },
      setUp: (peer) => void (peer.server.cost = 1500),
      unansweredAt2: mixItems,
      answeredAt: 21,
    },
  };

  describe.each(['slot free', 'slots full', 'cost sleep'])('in every admission state: %s', (state) => {
    const { config, setUp, unansweredAt2, answeredAt } = admissionStates[state]!;

    it('gives the same answers to the same mix, only later', () => {
      testScheduler().run((helpers) => {
        const { cold, expectObservable } = helpers;
        const peer = rawPeer({ ...config, handlers: outcomeHandlers });
        setUp(peer, helpers);
        peer.send(cold('-a', { a: mix }));
        at(50, () => void peer.peerEnd.close());
        // Every reply, sorted, when the peer hangs up at 50; the first write, when the mix is answered.
        const ticks = '--a 46ms b';
        expectObservable(peer.replies$.pipe(toArray(), map(byId))).toBe('- 49ms (r|)', { r: mixReplies });
        expectObservable(peer.writes$.pipe(take(1))).toBe(`- ${answeredAt - 1}ms (w|)`, { w: mixReplies.length });
        expectObservable(probe(cold(ticks), () => peer.server.unansweredRequestCount())).toBe(ticks, { a: unansweredAt2, b: 0 });
      });
    });
  });
});
