import { NEVER, Subject, map, takeUntil, timer, type Observable } from 'rxjs';
import { BatchRequest, ConnectionError, JSONRPC, RPCError, TaskTimeout, type RPCSession } from 'rxrpcx';
import { asErrorFields, pair, writesOf, testScheduler } from './sessionTestKit';

const connectionError = { name: 'ConnectionError', code: new ConnectionError().code };
const taskTimeout = { name: 'TaskTimeout', code: new TaskTimeout(1).code };

describe('outgoing requests (marbles)', () => {
  describe('one request', () => {
    it('is sent on subscription and emits the reply, a round trip later', () => {
      testScheduler().run(({ expectObservable }) => {
        const { client } = pair({ handlers: { echo: (s: string) => s } }, {}, { delay: 0.001 });
        expectObservable(client.request('echo', ['x'])).toBe('--(r|)', { r: 'x' });
        expectObservable(client.request('echo', ['y']), '---^').toBe('-----(r|)', { r: 'y' });
      });
    });

    it('errors with the RPCError of an error reply', () => {
      testScheduler().run(({ expectObservable }) => {
        const { client } = pair({}, {}, { delay: 0.001 });
        expectObservable(client.request('nope').pipe(asErrorFields())).toBe('--#', undefined, {
          name: 'RPCError',
          code: JSONRPC.METHOD_NOT_FOUND,
        });
      });
    });

    it('errors with ConnectionError when the peer resets, and at once once the connection is gone', () => {
      testScheduler().run(({ hot, expectObservable, flush }) => {
        const { client, server } = pair({ handlers: { hang: () => NEVER } });
        hot('---x').subscribe(() => server.abort());
        expectObservable(client.request('hang').pipe(asErrorFields())).toBe('---#', undefined, connectionError);
        expectObservable(client.request('hang').pipe(asErrorFields()), '-----^').toBe('-----#', undefined, connectionError);
        flush();
        expect(client.connection.pendingRequests()).toEqual([]);
      });
    });

    it('is forgotten when unsubscribed: the late reply is read, ignored, and not counted as an error', () => {
      testScheduler().run(({ hot, expectObservable, flush }) => {
        const { client, server } = pair({ handlers: { slow: () => timer(5).pipe(map(() => 'late')) } }, {}, { delay: 0.001 });
        expectObservable(client.request('slow'), '^--!').toBe('---');
        expectObservable(hot('--a-b').pipe(map(() => client.connection.pendingRequests().length))).toBe('--a-b', { a: 1, b: 0 });
        flush();
        // The server answered at 6; the reply reached the client at 7.
        expect(server.sendCount).toBe(1);
        expect(client.recvCount).toBe(1);
        expect(client.errors).toBe(0);
      });
    });
  });

  describe('request timeout', () => {
    it('fails with TaskTimeout at exactly sentRequestTimeout, and forgets the request then', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        const { client } = pair({ handlers: { hang: () => NEVER }, processingTimeout: 1000 }, { sentRequestTimeout: 3 });
        expectObservable(client.request('hang').pipe(asErrorFields())).toBe('3s #', undefined, taskTimeout);
        const pending$ = hot('2999ms a 1ms b').pipe(map(() => client.connection.pendingRequests().length));
        expectObservable(pending$).toBe('2999ms a 1ms b', { a: 1, b: 0 });
      });
    });

    it('takes a per-call timeout, and unsubscribing first cancels it', () => {
      testScheduler().run(({ expectObservable, flush }) => {
        const { client } = pair({ handlers: { hang: () => NEVER } });
        expectObservable(client.request('hang', [], { timeout: 0.5 }).pipe(asErrorFields())).toBe('500ms #', undefined, taskTimeout);
        expectObservable(client.request('hang', [], { timeout: 0.002 }), '^ !').toBe('--');
        flush();
        expect(client.connection.pendingRequests()).toEqual([]);
      });
    });

    it('carries the seconds it waited', async () => {
      let failure: unknown;
      testScheduler().run(() => {
        const { client } = pair({ handlers: { hang: () => NEVER } });
        client.request('hang', [], { timeout: 0.25 }).subscribe({ error: (error: unknown) => (failure = error) });
      });
      expect(failure).toBeInstanceOf(TaskTimeout);
      expect((failure as TaskTimeout).seconds).toBe(0.25);
    });
  });

  describe('outgoing concurrency', () => {
    it('with initialOutgoingConcurrent 2, sends the third request only when one settles', () => {
      testScheduler().run(({ expectObservable }) => {
        const arrivals = new Subject<string>();
        const slow = (n: string): Observable<string> => {
          arrivals.next(n);
          return timer(10).pipe(map(() => n));
        };
        const { client, clientEnd } = pair({ handlers: { slow } }, { initialOutgoingConcurrent: 2 }, { delay: 0.001 });
        const writes$ = writesOf(clientEnd);
        expectObservable(arrivals).toBe('-(ab) 8ms c', { a: 'a', b: 'b', c: 'c' });
        expectObservable(writes$).toBe('w 11ms v', { w: 2, v: 1 });
        expectObservable(client.request('slow', ['a'])).toBe('12ms (a|)', { a: 'a' });
        expectObservable(client.request('slow', ['b'])).toBe('12ms (b|)', { b: 'b' });
        expectObservable(client.request('slow', ['c'])).toBe('24ms (c|)', { c: 'c' });
      });
    });

    it('frees the slot on every outcome: an error reply, a timeout, an unsubscription', () => {
      testScheduler().run(({ expectObservable }) => {
        const arrivals = new Subject<string>();
        const record = (name: string) => () => {
          arrivals.next(name);
          return name === 'refuse' ? timer(5).pipe(map(() => { throw new RPCError(1, 'no'); })) : NEVER;
        };
        const { client } = pair(
          { handlers: { refuse: record('refuse'), hang: record('hang'), drop: record('drop'), last: record('last') } },
          { initialOutgoingConcurrent: 1 },
        );
        client.request('refuse').subscribe({ error: () => undefined });
        client.request('hang', [], { timeout: 0.01 }).subscribe({ error: () => undefined });
        client.request('drop').pipe(takeUntil(timer(20))).subscribe();
        client.request('last').subscribe({ error: () => undefined });
        // refuse answers at 5, hang times out at 15, drop is let go at 20.
        expectObservable(arrivals).toBe('r 4ms h 9ms d 4ms l', { r: 'refuse', h: 'hang', d: 'drop', l: 'last' });
      });
    });

    it('never sends a waiting request that is unsubscribed', () => {
      testScheduler().run(({ expectObservable }) => {
        const arrivals = new Subject<string>();
        const echo = (n: string): Observable<string> => {
          arrivals.next(n);
          return timer(10).pipe(map(() => n));
        };
        const { client } = pair({ handlers: { echo } }, { initialOutgoingConcurrent: 1 });
        expectObservable(client.request('echo', ['a'])).toBe('10ms (a|)', { a: 'a' });
        expectObservable(client.request('echo', ['b']), '^ 4ms !').toBe('');
        expectObservable(client.request('echo', ['c'])).toBe('20ms (c|)', { c: 'c' });
        expectObservable(arrivals).toBe('a 9ms c', { a: 'a', c: 'c' });
      });
    });
  });

  describe('recalibration toward targetResponseTime (recalibrateCount 3, from 50)', () => {
    /** Three outcomes of one kind, `d` ms after each send, sent at 0, 2 and 4 ms. */
    interface Kind {
      readonly outcome: string;
      readonly d: number;
      readonly handler: () => unknown;
      readonly send: (client: RPCSession) => Observable<unknown>;
      readonly expected: number;
      readonly formula: string;
    }
    const kinds: Kind[] = [
      {
        outcome: 'replies after 2.9 s',
        d: 2900,
        handler: () => timer(2900),
        send: (client) => client.request('work'),
        expected: 52,
        formula: '50 * 3 / 2.9 = 51.7',
      },
      {
        outcome: 'error replies after 3.5 s',
        d: 3500,
        handler: () => timer(3500).pipe(map(() => { throw new RPCError(1, 'no'); })),
        send: (client) => client.request('work'),
        expected: 43,
        formula: '50 * 3 / 3.5 = 42.9',
      },
      {
        outcome: 'timeouts after 6 s',
        d: 6000,
        handler: () => NEVER,
        send: (client) => client.request('work', [], { timeout: 6 }),
        expected: 40,
        formula: '50 * 3 / 6 = 25, under the floor max(1, min(0.8 * 50, 50 - 1))',
      },
      {
        outcome: 'unsubscriptions after 1 s',
        d: 1000,
        handler: () => NEVER,
        send: (client) => client.request('work').pipe(takeUntil(timer(1000))),
        expected: 55,
        formula: '50 * 3 / 1 = 150, over the cap min(50 + max(3, 0.1 * 50), 250)',
      },
      {
        outcome: 'instant replies',
        d: 0,
        handler: () => 'now',
        send: (client) => client.request('work'),
        expected: 55,
        formula: 'an average of 0 takes the cap',
      },
    ];

    it.each(kinds)('$outcome move it to $expected ($formula), on the third', ({ d, handler, send, expected }) => {
      testScheduler().run(({ hot, expectObservable }) => {
        const { client } = pair({ handlers: { work: handler }, processingTimeout: 100 }, { recalibrateCount: 3 });
        hot('a-a-a').subscribe(() => send(client).subscribe({ error: () => undefined }));
        // Outcomes at d, d + 2 and d + 4: after two it has not moved, after the third it has.
        const limit$ = hot(`${d + 3}ms a 1ms b`).pipe(map(() => client.outgoingConcurrent));
        expectObservable(limit$).toBe(`${d + 3}ms a 1ms b`, { a: 50, b: expected });
      });
    });

    it('keeps recalibrating: six slow replies take it 50 → 40 → 32', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        const { client } = pair({ handlers: { work: () => timer(6000) } }, { recalibrateCount: 3 });
        hot('a-a-a 5995ms a-a-a').subscribe(() => client.request('work').subscribe());
        // 40 * 3 / 6 = 20, under the floor 0.8 * 40 = 32.
        const limit$ = hot('6005ms a 6000ms b').pipe(map(() => client.outgoingConcurrent));
        expectObservable(limit$).toBe('6005ms a 6000ms b', { a: 40, b: 32 });
      });
    });

    it.each(['request', 'sendRequest'] as const)('%s moves it the same (the Promise form is the same exchange)', (form) => {
      const replies: Array<Promise<unknown>> = [];
      testScheduler().run(({ hot, expectObservable }) => {
        const { client } = pair({ handlers: { work: () => timer(2900) } }, { recalibrateCount: 3 });
        hot('a-a-a').subscribe(() => {
          if (form === 'request') client.request('work').subscribe();
          else replies.push(client.sendRequest('work'));
        });
        expectObservable(hot('2905ms a').pipe(map(() => client.outgoingConcurrent))).toBe('2905ms a', { a: 52 });
      });
      return Promise.all(replies);
    });

    it('sendRequest with real time: fast replies raise it to the cap', async () => {
      const { client } = pair({ handlers: { work: () => 1 } }, { recalibrateCount: 3 });
      await Promise.all([client.sendRequest('work'), client.sendRequest('work'), client.sendRequest('work')]);
      expect(client.outgoingConcurrent).toBe(55);
      await client.close();
    });
  });

  describe('batches, through the same path', () => {
    it('emit the results in the order added, as one message each way', () => {
      testScheduler().run(({ expectObservable }) => {
        const { client, clientEnd } = pair({ handlers: { one: () => 1, two: () => 2, log: () => undefined } }, {}, { delay: 0.001 });
        const writes$ = writesOf(clientEnd);
        const batch = new BatchRequest(client).addRequest('two').addNotification('log').addRequest('one');
        expectObservable(batch.send$()).toBe('--(r|)', { r: [2, 1] });
        expectObservable(writes$).toBe('w', { w: 1 });
      });
    });

    it('time out after sentRequestTimeout, and are forgotten when unsubscribed', () => {
      testScheduler().run(({ expectObservable, flush }) => {
        const { client } = pair({ handlers: { hang: () => NEVER }, processingTimeout: 1000 }, { sentRequestTimeout: 2 });
        const timedOut = new BatchRequest(client).addRequest('hang').addRequest('hang');
        expectObservable(timedOut.send$().pipe(asErrorFields())).toBe('2s #', undefined, taskTimeout);
        const dropped = new BatchRequest(client).addRequest('hang');
        expectObservable(dropped.send$(), '^ 9ms !').toBe('');
        flush();
        expect(client.connection.pendingRequests()).toEqual([]);
      });
    });

    it('wait for an outgoing slot like a request', () => {
      testScheduler().run(({ expectObservable }) => {
        const { client } = pair({ handlers: { slow: () => timer(10).pipe(map(() => 's')), one: () => 1 } }, { initialOutgoingConcurrent: 1 });
        expectObservable(client.request('slow')).toBe('10ms (s|)', { s: 's' });
        expectObservable(new BatchRequest(client).addRequest('one').send$()).toBe('10ms (r|)', { r: [1] });
      });
    });

    it('count each member for recalibration: a batch of three answered after 8.7 s is three of 2.9 s', () => {
      testScheduler().run(({ expectObservable }) => {
        const { client } = pair({ handlers: { work: () => timer(8700) } }, { recalibrateCount: 3 });
        const batch = new BatchRequest(client).addRequest('work').addRequest('work').addRequest('work');
        expectObservable(batch.send$().pipe(map(() => client.outgoingConcurrent))).toBe('8700ms (a|)', { a: 52 });
      });
    });

    it('count notifications too, as the reference counts len(batch)', () => {
      testScheduler().run(({ expectObservable }) => {
        const { client } = pair({ handlers: { work: () => timer(8700), log: () => undefined } }, { recalibrateCount: 3 });
        const batch = new BatchRequest(client).addRequest('work').addNotification('log').addRequest('work');
        expectObservable(batch.send$().pipe(map(() => client.outgoingConcurrent))).toBe('8700ms (a|)', { a: 52 });
      });
    });
  });
});
