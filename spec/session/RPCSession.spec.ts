import { NEVER, Observable, Subject, catchError, firstValueFrom, forkJoin, lastValueFrom, map, of, timer, toArray } from 'rxjs';
import {
  BatchRequest,
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
  defineHandler,
  incomingCalls,
  memoryTransportPair,
  rpcSessionDefaults,
  sessionDefaults,
  type IncomingCall,
} from 'rxrpcx';
import { eventually } from '../helpers/eventually';
import { capturingLogger, err, ok, pair, pendingActions, rawPeer, req, testScheduler } from './sessionTestKit';

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
      const { client, server } = pair({ handlers: { add: (a: number, b: number) => a + b } }, {
        handlers: { whoami: () => 'client' },
      });
      expect(await client.sendRequest('add', [2, 3])).toBe(5);
      expect(await server.sendRequest('whoami')).toBe('client');
      expect(await firstValueFrom(client.request('add', [1, 1]))).toBe(2);
      await client.close();
    });

    it('takes handler results as values, Promises and Observables (first value)', async () => {
      const { client } = pair({
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
      const { client } = pair({
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
      const { client, server } = pair({ handlers: { log: (x: unknown) => void seen.push(x) } });
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

    it('offers unhandled requests on incomingCalls for stream-style servers', async () => {
      const { client, server } = pair();
      incomingCalls(server).subscribe((call: IncomingCall) => {
        if (call.request.method === 'double') call.respond(timer(1).pipe(map(() => (call.request.args as number[])[0]! * 2)));
        else call.fail(new RPCError(-1, 'no'));
      });
      expect(await client.sendRequest('double', [21])).toBe(42);
      await expect(client.sendRequest('other')).rejects.toMatchObject({ code: -1, message: 'no' });
      await client.close();
    });

    it('incomingCalls: unobserved, unknown methods fail as before; one stream per session; it completes when the session ends', async () => {
      const { client, server } = pair();
      const calls = incomingCalls(server);
      await expect(client.sendRequest('nobody')).rejects.toMatchObject({ code: JSONRPC.METHOD_NOT_FOUND });
      const seen: string[] = [];
      let completed = 0;
      calls.subscribe({ next: (call) => (seen.push(call.request.method), call.respond(1)), complete: () => (completed += 1) });
      incomingCalls(server).subscribe({ complete: () => (completed += 1) });
      expect(await client.sendRequest('somebody')).toBe(1);
      expect(seen).toEqual(['somebody']);
      await client.close();
      await firstValueFrom(server.closed$, { defaultValue: undefined });
      expect(completed).toBe(2);
      let late = false;
      incomingCalls(server).subscribe({ complete: () => (late = true) });
      expect(late).toBe(true);
    });

    it('answers handler errors: RPCError as given, anything else as internal server error (logged)', async () => {
      const logger = capturingLogger();
      const { client, server } = pair({
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
      expect(logger.lines.some((l) => l.startsWith('warn: exception handling') && l.includes('TypeError: bug'))).toBe(true);
      await client.close();
    });

    it('speaks JSON-RPC 1.0 when asked', async () => {
      const { client } = pair({ protocol: JSONRPCv1, handlers: { id: (x: unknown) => x } }, { protocol: JSONRPCv1 });
      expect(await client.sendRequest('id', ['v1'])).toBe('v1');
      await client.close();
    });
  });

  it('serves loose and 2.0 clients alike with JSONRPCAutoDetect', async () => {
    // As in the reference, a request without "jsonrpc" is detected as loose,
    // whose replies a strict 1.0 client refuses.
    for (const protocol of [JSONRPCLoose, JSONRPCv2]) {
      const { client } = pair({ protocol: JSONRPCAutoDetect, handlers: { id: (x: unknown) => x } }, { protocol });
      expect(await client.sendRequest('id', [protocol.name])).toBe(protocol.name);
      await client.close();
    }
  });

  describe('bad input from the peer (marbles)', () => {
    it('answers unparseable messages with the reference error and charges 11 times the base cost', () => {
      testScheduler().run(({ cold, expectObservable, flush }) => {
        const peer = rawPeer();
        peer.send(cold('-abc', { a: '{"jsonrpc": "2.0", "method": ', b: '[]', c: req(1, 'nope') }));
        expectObservable(peer.replies$).toBe('-abc', {
          a: { jsonrpc: '2.0', error: { code: JSONRPC.PARSE_ERROR, message: expect.stringContaining('invalid JSON') }, id: null },
          b: err(null, JSONRPC.INVALID_REQUEST, 'batch is empty'),
          c: err(1, JSONRPC.METHOD_NOT_FOUND, 'unknown method "nope"'),
        });
        flush();
        expect(peer.server.errors).toBe(3);
        expect(peer.server.cost).toBeCloseTo(1100 + 200, 1); // less 3 ms of decay
      });
    });

    it('drops an oversized message, counts it, and keeps the connection', () => {
      testScheduler().run(({ cold, expectObservable, flush }) => {
        const peer = rawPeer({ framer: new NewlineFramer({ maxSize: 100 }) });
        peer.send(cold('-ab', { a: `"${'x'.repeat(200)}"`, b: req(7, 'nope') }));
        expectObservable(peer.replies$).toBe('--b', { b: err(7, JSONRPC.METHOD_NOT_FOUND, 'unknown method "nope"') });
        flush();
        expect(peer.server.errors).toBe(2);
        expect(peer.server.isClosing()).toBe(false);
      });
    });

    it('answers the replies to a batch as one batch message', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ handlers: { one: () => 1 } });
        peer.send(cold('-a', { a: `[${req(1, 'one')},${JSON.stringify({ jsonrpc: '2.0', method: 'one' })},${req(2, 'two')}, 5]` }));
        const ids$ = peer.replies$.pipe(map((batch) => (batch as Array<{ id: number | null }>).map((r) => r.id).sort()));
        expectObservable(ids$).toBe('-b', { b: [1, 2, null] });
      });
    });

    it('answers the bad members of a batch of notifications, and takes the notifications', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const peer = rawPeer({ handlers: { log: () => undefined } });
        const log = (params?: unknown[]): object => ({ jsonrpc: '2.0', method: 'log', ...(params && { params }) });
        peer.send(cold('-ab', { a: [log(), 7, log([1])], b: req(1, 'log') }));
        expectObservable(peer.replies$).toBe('-ab', {
          a: [err(null, JSONRPC.INVALID_REQUEST, 'request object must be a dictionary')],
          b: ok(1, null),
        });
        expectObservable(peer.server.notifications$.pipe(map((n) => n.method))).toBe('-(ab)', { a: 'log', b: 'log' });
      });
    });
  });

  describe('batches', () => {
    it('gathers results in the order added, with error members', async () => {
      const { client } = pair({ handlers: { one: () => 1, two: () => 2, log: () => undefined } });
      const batch = new BatchRequest(client);
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
      const { client } = pair({ handlers: { one: () => 1 } });
      const batch = new BatchRequest(client, true);
      batch.addRequest('one').addRequest('nope');
      const error = await batch.send().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BatchError);
      expect((error as BatchError).request.results?.[0]).toBe(1);
      await client.close();
    });

    it('rejects an empty batch, and sends a batch of notifications with no results', async () => {
      const { client, server } = pair();
      const seen: string[] = [];
      server.notifications$.subscribe((n) => seen.push(n.method));
      await expect(new BatchRequest(client).send()).rejects.toBeInstanceOf(ProtocolError);
      expect(await new BatchRequest(client).addNotification('a').addNotification('b').send()).toEqual([]);
      await eventually(() => seen.length === 2);
      expect(seen).toEqual(['a', 'b']);
      await client.close();
    });
  });

  // Request timeouts, unsubscription and outgoing recalibration: outgoing.spec.ts;
  // the send watchdog: writer.spec.ts; forceAfter: lifecycle.spec.ts.
  describe('time (marbles)', () => {
    it('answers "server busy" when processing takes longer than processingTimeout', () => {
      const scheduler = testScheduler();
      scheduler.run(({ hot, expectObservable, flush }) => {
        const { client, server } = pair({ processingTimeout: 5, handlers: { slow: () => NEVER } });
        // The message text is the reference's, on the wire.
        const failure$ = client.request('slow').pipe(catchError((e: RPCError) => of({ code: e.code, message: e.message })));
        expectObservable(failure$).toBe('5s (e|)', { e: { code: JSONRPC.SERVER_BUSY, message: 'server busy - request timed out' } });
        expectObservable(hot('4999ms a 1ms b').pipe(map(() => server.unansweredRequestCount()))).toBe('4999ms a 1ms b', { a: 1, b: 0 });
        hot('6s x').subscribe(() => void client.close());
        expectObservable(pendingActions(scheduler, hot('7s x'))).toBe('7s x', { x: 0 });
        flush();
        expect(server.errors).toBe(1);
      });
    });

    it('decays cost with time, and recalculates the incoming limit from the cost fraction', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        const { server } = pair();
        server.bumpCost(6000); // soft 2000, hard 10000: fraction 0.5
        expect(server.stats().incomingConcurrency).toBe(10);
        // A tenth of an hour refunds 1000.
        hot('360s x').subscribe(() => server.recalcConcurrency());
        const load$ = hot('360s 1ms x').pipe(map(() => [Math.round(server.cost * 1e6) / 1e6, server.stats().incomingConcurrency]));
        expectObservable(load$).toBe('360s 1ms x', { x: [5000, Math.ceil((1 - 3000 / 8000) * 20)] });
      });
    });

    it('sleeps costFraction * costSleep before each request once over the soft limit', () => {
      testScheduler().run(({ expectObservable }) => {
        const started = new Subject<string>();
        const { server, client } = pair({ handlers: { go: () => void started.next('go') } });
        server.bumpCost(6000); // fraction 0.5 → 1 s
        expectObservable(started).toBe('1s s', { s: 'go' });
        expectObservable(client.request('go')).toBe('1s (r|)', { r: null });
      });
    });

    it('limits incoming concurrency, and replies to our own requests are never held back', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        let running = 0;
        let most = 0;
        const { server, client } = pair(
          {
            initialConcurrent: 2,
            handlers: {
              work: () => {
                running += 1;
                most = Math.max(most, running);
                return timer(100).pipe(map(() => (running -= 1)));
              },
              // Calls back into the client while holding the one slot.
              relay: () => server.request<number>('clientSide').pipe(map((n) => n + 1)),
            },
          },
          { handlers: { clientSide: () => 41 } },
        );
        const five$ = forkJoin([1, 2, 3, 4, 5].map(() => client.request('work')));
        expectObservable(five$.pipe(map(() => most))).toBe('300ms (m|)', { m: 2 });
        hot('400ms x').subscribe(() => {
          server.initialConcurrent = 1;
          server.recalcConcurrency();
        });
        expectObservable(client.request('relay'), '500ms ^').toBe('500ms (r|)', { r: 42 });
      });
    });
  });

  describe('disconnects', () => {
    it('errors every pending request with ConnectionError when the peer vanishes, and cancels its handlers', async () => {
      let cancelled = 0;
      const { client, server } = pair({
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
      const { client, server } = pair({
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

      const again = pair({ handlers: { byeError: () => { throw new ReplyAndDisconnect(new RPCError(7, 'go away')); } } });
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
      const { client, server } = pair({ handlers: { echo: (x: unknown) => x } });
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
      const { client, server } = pair({ handlers: { n: (x: number) => x } });
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

    it('stops reading while maxPendingRequests wait for a handler, and resumes as they finish', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        const { client, server, clientEnd } = pair({
          maxPendingRequests: 5,
          initialConcurrent: 1,
          handlers: { slow: (n: number) => timer(100).pipe(map(() => n)) },
        });
        const burst = (from: number) => forkJoin(Array.from({ length: 20 }, (_, i) => client.request<number>('slow', [from + i])));
        const numbers = (from: number): number[] => Array.from({ length: 20 }, (_, i) => from + i);
        // One burst arrives as one chunk: 5 are taken, the rest wait unread in the session.
        expectObservable(burst(0)).toBe('2s (a|)', { a: numbers(0) });
        // Reading has stopped, so the next burst stays in the client's buffer; one at a time, all 40 take 4 s.
        expectObservable(burst(20), '-^').toBe('4s (b|)', { b: numbers(20) });
        const load$ = hot('--x').pipe(map(() => [server.unansweredRequestCount(), clientEnd.bufferedAmount() > 0]));
        expectObservable(load$).toBe('--x', { x: [5, true] });
      });
    });

    it('logs at the reference log points, with debug lines by verbosity', async () => {
      const logger = capturingLogger();
      const { client, server } = pair({ logger, verbosity: 4, handlers: { x: () => 1 } });
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
