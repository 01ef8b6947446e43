import { NEVER, Observable, firstValueFrom, lastValueFrom, map, of, timer, toArray } from 'rxjs';
import {
  BatchError,
  ConnectionError,
  JSONRPC,
  JSONRPCConnection,
  JSONRPCAutoDetect,
  JSONRPCLoose,
  JSONRPCv1,
  JSONRPCv2,
  NewlineFramer,
  ProtocolError,
  RPCError,
  RPCSession,
  ReplyAndDisconnect,
  TaskTimeout,
  defineHandler,
  memoryTransportPair,
  rpcSessionDefaults,
  sessionDefaults,
  type IncomingCall,
  type RPCSessionConfig,
  type SessionLogger,
  type MemoryTransport,
} from 'rxrpcx';
import { TestScheduler } from 'rxjs/testing';
import { VirtualTime } from '../helpers/VirtualTime';
import { eventually } from '../helpers/eventually';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Pair {
  readonly client: RPCSession;
  readonly server: RPCSession;
  readonly clientEnd: MemoryTransport;
  readonly serverEnd: MemoryTransport;
}

function pair(
  time: VirtualTime | undefined,
  serverConfig: RPCSessionConfig = {},
  clientConfig: RPCSessionConfig = {},
  delay = 0,
): Pair {
  const scheduler = time?.scheduler;
  const [clientEnd, serverEnd] = memoryTransportPair(scheduler ? { scheduler, delay } : { delay });
  const withScheduler = (config: RPCSessionConfig): RPCSessionConfig => (scheduler ? { scheduler, ...config } : config);
  const server = new RPCSession(serverEnd, withScheduler(serverConfig));
  const client = new RPCSession(clientEnd, withScheduler(clientConfig));
  return { client, server, clientEnd, serverEnd };
}

function capturingLogger(): SessionLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** The peer as raw bytes: what a misbehaving client would send, and what it reads back. */
function rawPeer(time: VirtualTime | undefined, config: RPCSessionConfig = {}) {
  const scheduler = time?.scheduler;
  const [clientEnd, serverEnd] = memoryTransportPair(scheduler ? { scheduler } : {});
  const server = new RPCSession(serverEnd, scheduler ? { scheduler, ...config } : config);
  const received: unknown[] = [];
  let buffer = '';
  clientEnd.incoming.subscribe({
    next: (chunk) => {
      buffer += decoder.decode(chunk);
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        received.push(JSON.parse(buffer.slice(0, newline)));
        buffer = buffer.slice(newline + 1);
      }
    },
    error: () => undefined,
  });
  const send = (text: string): Promise<void> => clientEnd.write(encoder.encode(`${text}\n`));
  return { server, clientEnd, received, send };
}

describe('RPCSession', () => {
  describe('options', () => {
    it('has the reference defaults, exported', () => {
      expect(sessionDefaults).toMatchObject({
        bwCostPerByte: 1 / 100000,
        costSoftLimit: 2000,
        costHardLimit: 10000,
        costDecayPerSec: 10000 / 3600,
        costSleep: 2,
        errorBaseCost: 100,
        initialConcurrent: 20,
        processingTimeout: 30,
        maxSendDelay: 20,
      });
      expect(rpcSessionDefaults).toMatchObject({ targetResponseTime: 3, recalibrateCount: 30, sentRequestTimeout: 30 });
    });

    it('takes options, subclass defaults, and has no hard limit as a client', () => {
      class Strict extends RPCSession {
        static override defaults = { ...RPCSession.defaults, costSoftLimit: 10, processingTimeout: 5 };
      }
      const [c, s] = memoryTransportPair();
      const server = new Strict(s, { processingTimeout: 7 });
      const client = new RPCSession(c);
      expect(server.costSoftLimit).toBe(10);
      expect(server.processingTimeout).toBe(7);
      expect(server.costHardLimit).toBe(10000);
      expect(client.costHardLimit).toBe(0);
      expect(client.sessionKind).toBe('client');
      expect(server.sessionKind).toBe('server');
      server.abort();
    });
  });

  describe('requests and notifications', () => {
    it('answers requests from a method table, in both directions', async () => {
      const { client, server } = pair(undefined, { handlers: { add: (a: number, b: number) => a + b } }, {
        handlers: { whoami: () => 'client' },
      });
      expect(await client.sendRequest('add', [2, 3])).toBe(5);
      expect(await server.sendRequest('whoami')).toBe('client');
      expect(await firstValueFrom(client.request('add', [1, 1]))).toBe(2);
      await client.close();
    });

    it('takes handler results as values, Promises and Observables (first value)', async () => {
      const { client } = pair(undefined, {
        handlers: {
          value: () => 1,
          promise: async () => 2,
          observable: () => of(3, 4),
          empty: () => new Observable<never>((s) => s.complete()),
        },
      });
      expect(await client.sendRequest('value')).toBe(1);
      expect(await client.sendRequest('promise')).toBe(2);
      expect(await client.sendRequest('observable')).toBe(3);
      expect(await client.sendRequest('empty')).toBeNull();
      await client.close();
    });

    it('dispatches named arguments through defineHandler with the reference errors', async () => {
      const { client } = pair(undefined, {
        handlers: { header: defineHandler((height: number, cp = 0) => [height, cp], { params: ['height', 'cp_height?'] }) },
      });
      expect(await client.sendRequest('header', { height: 5 })).toEqual([5, 0]);
      expect(await client.sendRequest('header', [5, 2])).toEqual([5, 2]);
      await expect(client.sendRequest('header', [])).rejects.toMatchObject({
        code: JSONRPC.INVALID_ARGS,
        message: '0 arguments passed to method "header" but it requires 1',
      });
      await expect(client.sendRequest('header', { foo: 1, height: 1 })).rejects.toMatchObject({
        code: JSONRPC.INVALID_ARGS,
        message: 'method "header" does not take parameter "foo"',
      });
      await expect(client.sendRequest('nope')).rejects.toMatchObject({
        code: JSONRPC.METHOD_NOT_FOUND,
        message: 'unknown method "nope"',
      });
      await client.close();
    });

    it('lets a subclass override handleRequest', async () => {
      class Echo extends RPCSession {
        override handleRequest(request: { method: string; args: unknown }): unknown {
          return { method: request.method, args: request.args };
        }
      }
      const [c, s] = memoryTransportPair();
      new Echo(s);
      const client = new RPCSession(c);
      expect(await client.sendRequest('anything', [1])).toEqual({ method: 'anything', args: [1] });
      await client.close();
    });

    it('delivers notifications to handlers and to notifications$', async () => {
      const seen: unknown[] = [];
      const { client, server } = pair(undefined, { handlers: { log: (x: unknown) => void seen.push(x) } });
      const stream: string[] = [];
      server.notifications$.subscribe((n) => stream.push(n.method));
      await client.sendNotification('log', ['a']);
      await client.sendNotification('other', []);
      expect(await client.sendRequest('nope').catch((e: RPCError) => e.code)).toBe(JSONRPC.METHOD_NOT_FOUND);
      expect(seen).toEqual(['a']);
      expect(stream).toEqual(['log', 'other']);
      // A notification nobody handles is not an error while notifications$ is watched.
      expect(server.errors).toBe(1);
      await client.close();
    });

    it('offers unhandled requests on calls$ for stream-style servers', async () => {
      const { client, server } = pair(undefined);
      server.calls$.subscribe((call: IncomingCall) => {
        if (call.request.method === 'double') call.respond(timer(1).pipe(map(() => (call.request.args as number[])[0]! * 2)));
        else call.fail(new RPCError(-1, 'no'));
      });
      expect(await client.sendRequest('double', [21])).toBe(42);
      await expect(client.sendRequest('other')).rejects.toMatchObject({ code: -1, message: 'no' });
      await client.close();
    });

    it('answers handler errors: RPCError as given, anything else as internal server error (logged)', async () => {
      const logger = capturingLogger();
      const { client, server } = pair(undefined, {
        logger,
        handlers: {
          refuse: () => {
            throw new RPCError(42, 'refused', { cost: 50 });
          },
          crash: () => {
            throw new TypeError('bug');
          },
          reject: () => Promise.reject(new RPCError(43, 'later')),
        },
      });
      await expect(client.sendRequest('refuse')).rejects.toMatchObject({ name: 'RPCError', code: 42, message: 'refused' });
      await expect(client.sendRequest('crash')).rejects.toMatchObject({ code: JSONRPC.INTERNAL_ERROR, message: 'internal server error' });
      await expect(client.sendRequest('reject')).rejects.toMatchObject({ code: 43 });
      expect(server.errors).toBe(3);
      expect(server.cost).toBeCloseTo(350, 0); // decays a little in real time
      expect(logger.lines.some((l) => l.startsWith('error: exception handling') && l.includes('TypeError: bug'))).toBe(true);
      await client.close();
    });

    it('speaks JSON-RPC 1.0 when asked', async () => {
      const { client } = pair(undefined, { protocol: JSONRPCv1, handlers: { id: (x: unknown) => x } }, { protocol: JSONRPCv1 });
      expect(await client.sendRequest('id', ['v1'])).toBe('v1');
      await client.close();
    });
  });

  it('serves loose and 2.0 clients alike with JSONRPCAutoDetect', async () => {
    // As in the reference, a request without "jsonrpc" is detected as loose,
    // whose replies a strict 1.0 client refuses.
    for (const protocol of [JSONRPCLoose, JSONRPCv2]) {
      const { client } = pair(undefined, { protocol: JSONRPCAutoDetect, handlers: { id: (x: unknown) => x } }, { protocol });
      expect(await client.sendRequest('id', [protocol.name])).toBe(protocol.name);
      await client.close();
    }
  });

  it('times out a request: a marble test', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable }) => {
      const [clientEnd, serverEnd] = memoryTransportPair({ scheduler });
      const server = new RPCSession(serverEnd, { scheduler, handlers: { slow: () => NEVER } });
      const client = new RPCSession(clientEnd, { scheduler });
      server.start();
      client.start();
      expectObservable(client.request('slow', [], { timeout: 0.005 })).toBe('-----#', undefined, new TaskTimeout(0.005));
      expectObservable(client.request('slow', [], { timeout: 0.002 }), '^ !').toBe('--');
    });
  });

  describe('bad input from the peer', () => {
    it('answers unparseable messages with the reference error and charges 11 times the base cost', async () => {
      const { server, received, send } = rawPeer(undefined);
      await send('{"jsonrpc": "2.0", "method": ');
      await send('[]');
      await send('{"jsonrpc":"2.0","id":1,"method":"nope"}');
      await eventually(() => received.length === 3);
      expect(received).toEqual([
        { jsonrpc: '2.0', error: { code: JSONRPC.PARSE_ERROR, message: expect.stringContaining('invalid JSON') }, id: null },
        { jsonrpc: '2.0', error: { code: JSONRPC.INVALID_REQUEST, message: 'batch is empty' }, id: null },
        { jsonrpc: '2.0', error: { code: JSONRPC.METHOD_NOT_FOUND, message: 'unknown method "nope"' }, id: 1 },
      ]);
      expect(server.errors).toBe(3);
      expect(server.cost).toBeCloseTo(1100 + 200, 0);
      server.abort();
    });

    it('drops an oversized message, counts it, and keeps the connection', async () => {
      const { server, received, send } = rawPeer(undefined, { framer: new NewlineFramer({ maxSize: 100 }) });
      await send(`"${'x'.repeat(200)}"`);
      await send('{"jsonrpc":"2.0","id":7,"method":"nope"}');
      await eventually(() => received.length === 1);
      expect(received).toEqual([{ jsonrpc: '2.0', error: expect.objectContaining({ code: JSONRPC.METHOD_NOT_FOUND }), id: 7 }]);
      expect(server.errors).toBe(2);
      expect(server.isClosing()).toBe(false);
      server.abort();
    });

    it('answers the replies to a batch as one batch message', async () => {
      const { server, received, send } = rawPeer(undefined, { handlers: { one: () => 1 } });
      await send('[{"jsonrpc":"2.0","id":1,"method":"one"},{"jsonrpc":"2.0","method":"one"},{"jsonrpc":"2.0","id":2,"method":"two"}, 5]');
      await eventually(() => received.length === 1);
      expect(received).toHaveLength(1);
      const batch = received[0] as Array<{ id: unknown }>;
      expect(batch.map((r) => r.id).sort()).toEqual([1, 2, null].sort());
      server.abort();
    });

    it('answers the bad members of a batch of notifications, and takes the notifications', async () => {
      const { server, received, send } = rawPeer(undefined, { handlers: { log: () => undefined } });
      const notes: string[] = [];
      server.notifications$.subscribe((n) => notes.push(n.method));
      await send('[{"jsonrpc":"2.0","method":"log"}, 7, {"jsonrpc":"2.0","method":"log","params":[1]}]');
      await send('{"jsonrpc":"2.0","id":1,"method":"log"}');
      await eventually(() => received.length === 2);
      expect(received).toEqual([
        [{ jsonrpc: '2.0', error: { code: JSONRPC.INVALID_REQUEST, message: 'request object must be a dictionary' }, id: null }],
        { jsonrpc: '2.0', result: null, id: 1 },
      ]);
      expect(notes).toEqual(['log', 'log']);
      server.abort();
    });
  });

  describe('batches', () => {
    it('gathers results in the order added, with error members', async () => {
      const { client } = pair(undefined, { handlers: { one: () => 1, two: () => 2, log: () => undefined } });
      const batch = client.sendBatch();
      batch.addRequest('two').addNotification('log').addRequest('nope').addRequest('one');
      const results = await batch.send();
      expect(results).toHaveLength(3);
      expect(results[0]).toBe(2);
      expect(results[1]).toBeInstanceOf(RPCError);
      expect(results[2]).toBe(1);
      expect(batch.results).toBe(results);
      await client.close();
    });

    it('fails with BatchError when raiseErrors and a member fails', async () => {
      const { client } = pair(undefined, { handlers: { one: () => 1 } });
      const batch = client.sendBatch(true);
      batch.addRequest('one').addRequest('nope');
      const error = await batch.send().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BatchError);
      expect((error as BatchError).request.results?.[0]).toBe(1);
      await client.close();
    });

    it('rejects an empty batch, and sends a batch of notifications with no results', async () => {
      const { client, server } = pair(undefined);
      const seen: string[] = [];
      server.notifications$.subscribe((n) => seen.push(n.method));
      await expect(client.sendBatch().send()).rejects.toBeInstanceOf(ProtocolError);
      expect(await client.sendBatch().addNotification('a').addNotification('b').send()).toEqual([]);
      await eventually(() => seen.length === 2);
      expect(seen).toEqual(['a', 'b']);
      await client.close();
    });
  });

  describe('time (virtual)', () => {
    it('answers "server busy" when processing takes longer than processingTimeout', async () => {
      const time = new VirtualTime();
      const { client, server } = pair(time, { processingTimeout: 5, handlers: { slow: () => NEVER } });
      const reply = client.sendRequest('slow').catch((e: unknown) => e);
      await time.advance(4999);
      expect(server.unansweredRequestCount()).toBe(1);
      await time.advance(1);
      expect(await reply).toMatchObject({ code: JSONRPC.SERVER_BUSY, message: 'server busy - request timed out' });
      expect(server.unansweredRequestCount()).toBe(0);
      expect(server.errors).toBe(1);
      await time.until(client.close());
      expect(time.pendingActions).toBe(0);
    });

    it('times out a request after sentRequestTimeout, and forgets it at once', async () => {
      const time = new VirtualTime();
      const { client } = pair(time, { handlers: { slow: () => NEVER }, processingTimeout: 1000 }, { sentRequestTimeout: 3 });
      const outcome = client.sendRequest('slow').catch((e: unknown) => e);
      await time.advance(2999);
      expect(client.connection.pendingRequests()).toHaveLength(1);
      await time.advance(1);
      const error = await outcome;
      expect(error).toBeInstanceOf(TaskTimeout);
      expect((error as TaskTimeout).seconds).toBe(3);
      expect(client.connection.pendingRequests()).toHaveLength(0);
      await time.until(client.close());
    });

    it('takes a per-call timeout', async () => {
      const time = new VirtualTime();
      const { client } = pair(time, { handlers: { slow: () => NEVER } });
      const outcome = client.sendRequest('slow', [], { timeout: 0.5 }).catch((e: unknown) => e);
      await time.advance(500);
      expect(await outcome).toBeInstanceOf(TaskTimeout);
      await time.until(client.close());
    });

    it('forgets a request when its subscriber unsubscribes before the reply', async () => {
      const time = new VirtualTime();
      const { client } = pair(time, { handlers: { slow: () => timer(1000, time.scheduler) } });
      const subscription = client.request('slow').subscribe();
      await time.advance(10);
      expect(client.connection.pendingRequests()).toHaveLength(1);
      subscription.unsubscribe();
      expect(client.connection.pendingRequests()).toHaveLength(0);
      await time.advance(2000);
      // The late reply is not held against the peer.
      expect(client.errors).toBe(0);
      await time.until(client.close());
    });

    it('decays cost with time, and recalculates the incoming limit from the cost fraction', async () => {
      const time = new VirtualTime();
      const { server, client } = pair(time);
      server.bumpCost(6000); // soft 2000, hard 10000: fraction 0.5
      expect(server.stats().incomingConcurrency).toBe(10);
      await time.advance(3600 * 1000 * 0.1); // a tenth of an hour refunds 1000
      server.recalcConcurrency();
      expect(server.cost).toBeCloseTo(5000, 6);
      expect(server.stats().incomingConcurrency).toBe(Math.ceil((1 - 3000 / 8000) * 20));
      await time.until(client.close());
    });

    it('sleeps costFraction * costSleep before each request once over the soft limit', async () => {
      const time = new VirtualTime();
      const started: number[] = [];
      const { server, client } = pair(time, { handlers: { go: () => void started.push(time.now) } });
      server.bumpCost(6000); // fraction 0.5 → 1 s
      const reply = client.sendRequest('go');
      await time.until(reply);
      expect(started).toEqual([1000]);
      await time.until(client.close());
    });

    it('limits incoming concurrency, and replies to our own requests are never held back', async () => {
      const time = new VirtualTime();
      let running = 0;
      let most = 0;
      const { server, client } = pair(
        time,
        {
          initialConcurrent: 2,
          handlers: {
            work: () => {
              running += 1;
              most = Math.max(most, running);
              return timer(100, time.scheduler).pipe(map(() => (running -= 1)));
            },
            // Calls back into the client while holding one of the two slots.
            relay: async () => (await server.sendRequest<number>('clientSide')) + 1,
          },
        },
        { handlers: { clientSide: () => 41 } },
      );
      const replies = Promise.all([1, 2, 3, 4, 5].map(() => client.sendRequest('work')));
      await time.until(replies);
      expect(most).toBe(2);
      expect(time.now).toBe(300);
      server.initialConcurrent = 1;
      server.recalcConcurrency();
      expect(await time.until(client.sendRequest('relay'))).toBe(42);
      await time.until(client.close());
    });

    it('retunes outgoing concurrency toward targetResponseTime every recalibrateCount replies', async () => {
      const time = new VirtualTime();
      const { client } = pair(time, { handlers: { slow: () => timer(6000, time.scheduler) } }, { recalibrateCount: 5 });
      expect(client.outgoingConcurrent).toBe(50);
      // Replies take 6 s against a 3 s target: 50 * 3 / 6 = 25, floored at 0.8 * 50 = 40.
      await time.until(Promise.all([1, 2, 3, 4, 5].map(() => client.sendRequest('slow'))));
      expect(client.outgoingConcurrent).toBe(40);
      const fast = pair(time, { handlers: { fast: () => 1 } }, { recalibrateCount: 5 });
      await time.until(Promise.all([1, 2, 3, 4, 5].map(() => fast.client.sendRequest('fast'))));
      // Instant replies: raised to the cap, 50 + max(3, 5) = 55.
      expect(fast.client.outgoingConcurrent).toBe(55);
      await time.until(client.close());
      await time.until(fast.client.close());
    });

    it('aborts a peer that has not let us write for maxSendDelay, with one watchdog timer', async () => {
      const time = new VirtualTime();
      const [clientEnd, serverEnd] = memoryTransportPair({ scheduler: time.scheduler, highWaterMark: 100 });
      serverEnd.pauseReading(); // a peer that stopped reading
      const client = new RPCSession(clientEnd, { scheduler: time.scheduler, maxSendDelay: 2 });
      const big = 'x'.repeat(1000);
      const first = client.sendNotification('n', [big]).catch((e: unknown) => e);
      const second = client.sendNotification('n', [big]).catch((e: unknown) => e);
      await time.advance(1999);
      expect(client.isClosing()).toBe(false);
      expect(time.pendingActions).toBeLessThanOrEqual(3); // deliveries and one watchdog
      await time.advance(1);
      expect(await first).toBeInstanceOf(TaskTimeout);
      expect(await second).toBeInstanceOf(TaskTimeout);
      await time.until(firstValueFrom(client.closed$));
      // Both went out in one write, counted when handed to the transport, as the reference counts.
      expect(client.sendCount).toBe(2);
    });

    it('keeps a connection whose writes make progress, however long it stays busy', async () => {
      const time = new VirtualTime();
      const [clientEnd, serverEnd] = memoryTransportPair({ scheduler: time.scheduler, highWaterMark: 100, delay: 1 });
      serverEnd.incoming.subscribe();
      const client = new RPCSession(clientEnd, { scheduler: time.scheduler, maxSendDelay: 2 });
      for (let i = 0; i < 10; i++) await time.until(client.sendNotification('n', ['x'.repeat(200)]));
      expect(time.now).toBe(10_000);
      expect(client.isClosing()).toBe(false);
      expect(client.sendCount).toBe(10);
      await time.until(client.close());
    });

    it('aborts a close that the peer does not complete within forceAfter', async () => {
      const time = new VirtualTime();
      const { client, server } = pair(time, {}, {}, 100); // 100 s each way
      const closed = client.close({ forceAfter: 2 });
      await time.until(closed);
      expect(time.now).toBe(2000);
      await time.advance(200_000);
      expect(server.isClosing()).toBe(true);
      expect(time.pendingActions).toBe(0);
    });
  });

  describe('disconnects', () => {
    it('errors every pending request with ConnectionError when the peer vanishes, and cancels its handlers', async () => {
      let cancelled = 0;
      const { client, server } = pair(undefined, {
        handlers: { hang: () => new Observable(() => () => void (cancelled += 1)) },
      });
      const outcomes = [1, 2, 3].map(() => client.sendRequest('hang').catch((e: unknown) => e));
      await eventually(() => server.unansweredRequestCount() === 3);
      server.abort();
      for (const outcome of await Promise.all(outcomes)) expect(outcome).toBeInstanceOf(ConnectionError);
      await firstValueFrom(server.closed$);
      expect(cancelled).toBe(3);
      expect(server.unansweredRequestCount()).toBe(0);
      expect(client.connection.pendingRequests()).toHaveLength(0);
      await expect(client.sendRequest('hang')).rejects.toBeInstanceOf(ConnectionError);
    });

    it('sends the reply, then disconnects, on ReplyAndDisconnect', async () => {
      const { client, server } = pair(undefined, {
        handlers: {
          bye: () => {
            throw new ReplyAndDisconnect('goodbye');
          },
          byeError: () => {
            throw new ReplyAndDisconnect(new RPCError(7, 'go away'));
          },
        },
      });
      expect(await client.sendRequest('bye')).toBe('goodbye');
      await firstValueFrom(server.closed$);
      await firstValueFrom(client.closed$);
      expect(client.isClosing()).toBe(true);

      const again = pair(undefined, { handlers: { byeError: () => { throw new ReplyAndDisconnect(new RPCError(7, 'go away')); } } });
      await expect(again.client.sendRequest('byeError')).rejects.toMatchObject({ code: 7, message: 'go away' });
      await firstValueFrom(again.client.closed$);
      expect(server.errors).toBe(0);
    });

    it('disconnects a peer whose cost passes the hard limit, with the reference reply', async () => {
      const hooked: string[] = [];
      class Guarded extends RPCSession {
        override onDisconnectDueToExcessiveSessionCost(): void {
          hooked.push('excessive');
        }
      }
      const [c, s] = memoryTransportPair();
      const server = new Guarded(s, { costSoftLimit: 100, costHardLimit: 1000, handlers: { pricey: () => 'ok' } });
      const client = new RPCSession(c);
      server.bumpCost(1500);
      await expect(client.sendRequest('pricey')).rejects.toMatchObject({
        code: JSONRPC.EXCESSIVE_RESOURCE_USAGE,
        message: 'excessive resource usage',
      });
      await firstValueFrom(server.closed$);
      await firstValueFrom(client.closed$);
      expect(hooked).toEqual(['excessive']);
    });

    it('leaves nothing behind when closed with requests in flight on both sides', async () => {
      const time = new VirtualTime();
      const { client, server } = pair(
        time,
        { handlers: { hang: () => NEVER, slow: () => timer(50_000, time.scheduler) } },
        { handlers: { hang: () => NEVER } },
      );
      const outcomes = [
        client.sendRequest('hang').catch((e: unknown) => e),
        client.sendRequest('slow').catch((e: unknown) => e),
        server.sendRequest('hang').catch((e: unknown) => e),
      ];
      await time.advance(10);
      expect(server.unansweredRequestCount()).toBe(2);
      expect(client.unansweredRequestCount()).toBe(1);
      await time.until(client.close());
      await time.until(firstValueFrom(server.closed$));
      for (const outcome of await Promise.all(outcomes)) expect(outcome).toBeInstanceOf(ConnectionError);
      expect(client.connection.pendingRequests()).toEqual([]);
      expect(server.connection.pendingRequests()).toEqual([]);
      expect(client.unansweredRequestCount() + server.unansweredRequestCount()).toBe(0);
      expect(time.pendingActions).toBe(0);
    });

    it('runs the connectionLost hook once and emits closed$', async () => {
      const calls: string[] = [];
      class Hooked extends RPCSession {
        override async connectionLost(): Promise<void> {
          calls.push('lost');
        }
      }
      const [c, s] = memoryTransportPair();
      const server = new Hooked(s);
      const client = new RPCSession(c);
      await client.close();
      await firstValueFrom(server.closed$);
      expect(calls).toEqual(['lost']);
    });
  });

  describe('statistics and load', () => {
    it('counts sends and receives, and streams stats$', async () => {
      const { client, server } = pair(undefined, { handlers: { echo: (x: unknown) => x } });
      const snapshots: number[] = [];
      client.stats$.subscribe((s) => snapshots.push(s.sendCount));
      await client.sendRequest('echo', ['hello']);
      const stats = client.stats();
      expect(stats.sendCount).toBe(1);
      expect(stats.recvCount).toBe(1);
      expect(stats.sendSize).toBeGreaterThan(20);
      expect(stats.recvSize).toBeGreaterThan(20);
      expect(server.stats().recvCount).toBe(1);
      expect(snapshots[0]).toBe(0);
      expect(snapshots).toContain(1);
      await client.close();
    });

    it('answers a flood of 10,000 requests and is left holding nothing', async () => {
      const { client, server } = pair(undefined, { handlers: { n: (x: number) => x } });
      const replies = await lastValueFrom(
        of(...Array.from({ length: 10_000 }, (_, i) => i)).pipe(
          map((i) => client.sendRequest<number>('n', [i])),
          toArray(),
        ),
      );
      const values = await Promise.all(replies);
      expect(values[9_999]).toBe(9_999);
      expect(values.every((v, i) => v === i)).toBe(true);
      expect(client.connection.pendingRequests()).toHaveLength(0);
      await eventually(() => server.unansweredRequestCount() === 0);
      expect(server.stats().recvCount).toBe(10_000);
      await client.close();
    });

    it('stops reading while maxPendingRequests wait for a handler, and resumes as they finish', async () => {
      const time = new VirtualTime();
      const { client, server, clientEnd } = pair(time, {
        maxPendingRequests: 5,
        initialConcurrent: 1,
        handlers: { slow: (n: number) => timer(100, time.scheduler).pipe(map(() => n)) },
      });
      // One burst arrives as one chunk: 5 are taken, the rest wait unread in the session.
      const first = Promise.all(Array.from({ length: 20 }, (_, i) => client.sendRequest<number>('slow', [i])));
      await time.advance(1);
      expect(server.unansweredRequestCount()).toBe(5);
      // Reading has stopped, so the next burst stays in the client's buffer.
      const second = Promise.all(Array.from({ length: 20 }, (_, i) => client.sendRequest<number>('slow', [20 + i])));
      await time.advance(1);
      expect(server.unansweredRequestCount()).toBe(5);
      expect(clientEnd.bufferedAmount()).toBeGreaterThan(0);
      expect(await time.until(Promise.all([first, second]))).toEqual([
        Array.from({ length: 20 }, (_, i) => i),
        Array.from({ length: 20 }, (_, i) => 20 + i),
      ]);
      expect(time.now).toBe(4000);
      await time.until(client.close());
    });

    it('logs at the reference log points, with debug lines by verbosity', async () => {
      const logger = capturingLogger();
      const { client, server } = pair(undefined, { logger, verbosity: 4, handlers: { x: () => 1 } });
      await client.sendRequest('x');
      await eventually(() => logger.lines.some((l) => l.startsWith('debug: sending message')));
      expect(logger.lines.some((l) => l.startsWith('debug: received data'))).toBe(true);
      expect(logger.lines.some((l) => l.startsWith('debug: sending message'))).toBe(true);
      server.verbosity = 0;
      logger.lines.length = 0;
      await client.sendRequest('x');
      expect(logger.lines).toEqual([]);
      server.bumpCost(5000);
      expect(logger.lines).toContain('info: changing task concurrency from 20 to 13');
      await client.close();
    });

    it('uses a given connection', async () => {
      const connection = new JSONRPCConnection(JSONRPCv2);
      const [c, s] = memoryTransportPair();
      new RPCSession(s, { handlers: { x: () => 'x' } });
      const client = new RPCSession(c, { connection });
      expect(client.connection).toBe(connection);
      expect(await client.sendRequest('x')).toBe('x');
      await client.close();
    });
  });
});
