/**
 * RPCClient in virtual time: connecting, the reconnection policy (backoff with
 * jitter, cap, attempts, endpoint rotation, what is retried), wake-ups,
 * requests and notifications while disconnected, keep-alive and liveness.
 * Subscriptions are in subscriptions.spec.ts.
 */
import { NEVER, Subject, map, take, throwError, timer } from 'rxjs';
import {
  ConnectError,
  ConnectionError,
  NotConnectedError,
  RPCClient,
  TaskTimeout,
  browserWakeUps,
  type ClientOptions,
  type WakeUpEventSource,
} from 'rxrpcx';
import { at, capturingLogger, recordStates, testScheduler, virtualServer, type VirtualServer } from './clientTestKit';

/** A client of `server` with a fixed jitter draw of 0.5 (so each delay is half its ceiling). */
function clientOf(server: VirtualServer, options: Partial<ClientOptions> = {}, endpoints: string | string[] = 'mem://a'): RPCClient {
  return new RPCClient(endpoints, { connector: server.connector, reconnect: { random: () => 0.5 }, ...options });
}

/** What a request's outcome was, as one string. */
function outcome(record: string[], label: string) {
  return {
    next: (value: unknown) => record.push(`${label} ${JSON.stringify(value)}`),
    error: (error: unknown) => record.push(`${label} ${(error as Error).name}${error instanceof NotConnectedError ? `(${error.reason})` : ''}`),
  };
}

describe('RPCClient: connecting and closing', () => {
  it('goes connecting → open, and close() ends in closed and completes state$', () => {
    testScheduler().run(({ expectObservable }) => {
      const server = virtualServer();
      const client = clientOf(server);
      at(10, () => void client.close());
      expectObservable(client.state$.pipe(map((s) => s.status))).toBe('c o 8ms (x|)', { c: 'connecting', o: 'open', x: 'closed' });
      expectObservable(timer(11).pipe(map(() => server.sessions.size))).toBe('11ms (n|)', { n: 0 });
    });
  });

  it('late subscribers to a closed client get its final state; session$ and subscriptions end at once', async () => {
    const client = new RPCClient('mem://x', { connector: () => throwError(() => new ConnectError('tls', 'mem://x', 'bad certificate')) });
    const states: string[] = [];
    client.state$.subscribe({ next: (s) => states.push(s.status), complete: () => states.push('|') });
    expect(states).toEqual(['closed', '|']);
    let sessions = 'open';
    client.session$.subscribe({ complete: () => (sessions = 'complete') });
    expect(sessions).toBe('complete');
    let error: unknown;
    client.subscription$('x.subscribe').subscribe({ error: (e: unknown) => (error = e) });
    expect(error).toMatchObject({ name: 'NotConnectedError', reason: 'closed', cause: { reason: 'tls' } });
  });

  it('session$ gives the live session and each new one; unsubscribing never closes it', () => {
    testScheduler().run(({ expectObservable }) => {
      const server = virtualServer();
      const client = clientOf(server);
      const ids: object[] = [];
      client.session$.pipe(take(1)).subscribe((s) => ids.push(s));
      at(5, () => server.stop());
      at(6, () => server.start());
      at(2000, () => void client.close());
      expectObservable(client.session$.pipe(map((s) => (s === ids[0] ? 'first' : 'second')))).toBe('-a 504ms b 1493ms |', { a: 'first', b: 'second' });
      expectObservable(timer(4).pipe(map(() => server.sessions.size))).toBe('4ms (n|)', { n: 1 });
    });
  });

  it('requests go to the live session; a request unsubscribed early does not close it', () => {
    testScheduler().run(({ expectObservable, cold }) => {
      const server = virtualServer({ handlers: { echo: (x: unknown) => x, later: () => timer(50).pipe(map(() => 'late')) } });
      const client = clientOf(server);
      const sub = client.request('later').subscribe();
      at(10, () => sub.unsubscribe());
      at(100, () => void client.close());
      expectObservable(cold('--a 17ms b').pipe(map(() => `${client.state.status} ${server.sessions.size}`))).toBe('--a 17ms b', { a: 'open 1', b: 'open 1' });
      expectObservable(client.request('echo', ['hi'])).toBe('-(a|)', { a: 'hi' });
    });
  });
});

describe('RPCClient: the reconnection policy', () => {
  it('backs off exponentially with full jitter after a drop, and opens again when the server is back', () => {
    let states: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer();
      const client = clientOf(server);
      states = recordStates(client);
      at(10, () => server.stop());
      at(2000, () => server.start());
      at(5000, () => void client.close());
    });
    expect(states).toEqual([
      '0 connecting #1 mem://a',
      '1 open mem://a',
      '10 reconnecting #1 mem://a in 500ms ConnectionError', // the first wait: half of initialDelay (1 s)
      '510 connecting #1 mem://a ConnectionError',
      '511 reconnecting #2 mem://a in 1000ms ConnectError', // ceiling 2 s, jitter 0.5
      '1511 connecting #2 mem://a ConnectError',
      '1512 reconnecting #3 mem://a in 2000ms ConnectError', // ceiling 4 s
      '3512 connecting #3 mem://a ConnectError',
      '3513 open mem://a',
      '5000 closed',
      '5000 |',
    ]);
  });

  it('caps the ceiling at maxDelay and draws each delay from the jitter source', () => {
    const draws = [0.9, 0.1, 1, 0.25];
    let states: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer();
      server.stop();
      const client = new RPCClient('mem://a', {
        connector: server.connector,
        reconnect: { initialDelay: 1, factor: 3, maxDelay: 4, maxAttempts: 5, random: () => draws.shift()! },
      });
      states = recordStates(client);
    });
    expect(states.filter((s) => s.includes('reconnecting')).map((s) => s.replace(/ ConnectError$/, ''))).toEqual([
      '1 reconnecting #2 mem://a in 2700ms', // 0.9 × min(4, 1 × 3)
      '2702 reconnecting #3 mem://a in 400ms', // 0.1 × min(4, 9)
      '3103 reconnecting #4 mem://a in 4000ms', // 1 × 4
      '7104 reconnecting #5 mem://a in 1000ms', // 0.25 × 4
    ]);
    expect(states.slice(-2)).toEqual(['8105 closed ConnectError', '8105 |']); // the fifth attempt was the last
  });

  it('without jitter each delay is the ceiling', () => {
    let states: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer();
      server.stop();
      const client = new RPCClient('mem://a', { connector: server.connector, reconnect: { jitter: false, maxAttempts: 3 } });
      states = recordStates(client);
    });
    expect(states.filter((s) => s.includes('reconnecting')).map((s) => s.split(' in ')[1])).toEqual(['2000ms ConnectError', '4000ms ConnectError']);
  });

  it('rotates through the endpoints on failure and stays on the one that opened', () => {
    let states: string[] = [];
    let server: VirtualServer;
    testScheduler().run(() => {
      server = virtualServer({}, { refuse: (e) => (e === 'mem://b' ? undefined : new ConnectError('refused', e, 'refused')) });
      const client = clientOf(server, {}, ['mem://a', 'mem://b', 'mem://c']);
      states = recordStates(client);
      at(3000, () => server.stop());
      at(3001, () => server.start());
      at(9000, () => void client.close());
    });
    expect(states.filter((s) => / (connecting|open) /.test(s)).map((s) => s.replace(/ Connect\w*Error$/, ''))).toEqual([
      '0 connecting #1 mem://a',
      '1001 connecting #2 mem://b', // after a, the next endpoint
      '1002 open mem://b',
      '3500 connecting #1 mem://b', // a dropped session is retried where it was
      '3501 open mem://b',
    ]);
    expect(server!.attempts).toEqual(['1:mem://a', '1002:mem://b', '3501:mem://b']);
  });

  it('does not retry a TLS failure: the client closes with it, and waiting calls fail with NotConnectedError closed', () => {
    let states: string[] = [];
    const record: string[] = [];
    let cause: unknown;
    testScheduler().run(() => {
      const server = virtualServer({}, { refuse: (e) => new ConnectError('tls', e, 'certificate has expired') });
      const client = clientOf(server);
      states = recordStates(client);
      client.request('echo', ['x']).subscribe({ ...outcome(record, 'waiting'), error: (e: unknown) => ((cause = (e as Error).cause), outcome(record, 'waiting').error(e)) });
      at(5, () => client.request('echo').subscribe(outcome(record, 'after')));
    });
    expect(states).toEqual(['0 connecting #1 mem://a', '1 closed ConnectError', '1 |']);
    expect(record).toEqual(['waiting NotConnectedError(closed)', 'after NotConnectedError(closed)']);
    expect(cause).toBeInstanceOf(ConnectError);
    expect((cause as ConnectError).reason).toBe('tls');
  });

  it('retryable decides: a custom rule can retry TLS or stop at any error', () => {
    let retried: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer({}, { refuse: (e) => new ConnectError('tls', e, 'bad cert') });
      const client = new RPCClient('mem://a', { connector: server.connector, reconnect: { maxAttempts: 2, random: () => 0, retryable: () => true } });
      retried = recordStates(client);
    });
    expect(retried.map((s) => s.split(' ').slice(1, 3).join(' '))).toEqual([
      'connecting #1',
      'reconnecting #2',
      'connecting #2',
      'closed ConnectError',
      '|',
    ]);
  });

  it('reconnect: false closes at the first drop, with the reason', () => {
    let states: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer();
      const client = new RPCClient('mem://a', { connector: server.connector, reconnect: false });
      states = recordStates(client);
      at(10, () => server.stop());
    });
    expect(states).toEqual(['0 connecting #1 mem://a', '1 open mem://a', '10 closed ConnectionError', '10 |']);
  });

  it('an attempt that takes longer than connectTimeout fails with ConnectError timeout and aborts the connector', () => {
    let states: string[] = [];
    const signals: AbortSignal[] = [];
    testScheduler().run(() => {
      const client = new RPCClient('mem://slow', {
        connectTimeout: 3,
        reconnect: { maxAttempts: 1 },
        connector: (_endpoint, context) => {
          signals.push(context.signal);
          return NEVER;
        },
      });
      states = recordStates(client);
    });
    expect(states).toEqual(['0 connecting #1 mem://slow', '3000 closed ConnectError', '3000 |']);
    expect(signals[0]!.aborted).toBe(true); // the connector hears that the attempt was given up
  });

  it('a wake-up during a backoff connects at once; while open it pings when keep-alive is set', () => {
    let states: string[] = [];
    let pings = 0;
    testScheduler().run(() => {
      const wakeUps$ = new Subject<string>();
      const server = virtualServer({ handlers: { ping: () => (pings += 1, null) } });
      const client = clientOf(server, { wakeUps$, reconnect: { initialDelay: 60, maxDelay: 100, random: () => 1 }, keepAlive: { method: 'ping', interval: 600 } });
      states = recordStates(client);
      at(5, () => wakeUps$.next('visible')); // open: a ping
      at(10, () => server.stop());
      at(20, () => server.start());
      at(100, () => wakeUps$.next('online')); // waiting 60 s: connect now
      at(200, () => void client.close());
    });
    expect(pings).toBe(1);
    expect(states.slice(2, 5)).toEqual(['10 reconnecting #1 mem://a in 60000ms ConnectionError', '100 connecting #1 mem://a ConnectionError', '101 open mem://a']);
  });

  it('browserWakeUps: online from the window, visibilitychange when visible, nothing without targets', () => {
    const target = () => {
      const listeners = new Map<string, () => void>();
      const source: WakeUpEventSource & { visibilityState?: string; fire(type: string): void; count(): number } = {
        addEventListener: (type, listener) => void listeners.set(type, listener),
        removeEventListener: (type) => void listeners.delete(type),
        fire: (type) => listeners.get(type)?.(),
        count: () => listeners.size,
      };
      return source;
    };
    const window = target();
    const document = target();
    const seen: string[] = [];
    const sub = browserWakeUps({ window, document }).subscribe((why) => seen.push(why));
    window.fire('online');
    document.visibilityState = 'hidden';
    document.fire('visibilitychange');
    document.visibilityState = 'visible';
    document.fire('visibilitychange');
    sub.unsubscribe();
    expect(seen).toEqual(['online', 'visible']);
    expect(window.count() + document.count()).toBe(0);
    let any = false;
    browserWakeUps({}).subscribe({ next: () => (any = true) }).unsubscribe();
    expect(any).toBe(false);
  });
});

describe('RPCClient: calls while disconnected', () => {
  it('a request made while reconnecting waits and is answered on the next session, within its timeout', () => {
    const record: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer({ handlers: { echo: (x: unknown) => x, later: () => timer(400).pipe(map(() => 'late')) } });
      const client = clientOf(server);
      at(10, () => server.stop());
      at(300, () => server.start());
      at(20, () => client.request('echo', ['queued']).subscribe(outcome(record, `${20}`)));
      at(30, () => client.request('echo', ['too slow'], { timeout: 0.2 }).subscribe(outcome(record, '30')));
      // 0.6 s in all: 0.49 s of waiting leaves 0.11 s for an answer that takes 0.4 s
      at(20, () => client.request('later', [], { timeout: 0.6 }).subscribe(outcome(record, 'later')));
      at(2000, () => void client.close());
    });
    expect(record).toEqual(['30 TaskTimeout', '20 "queued"', 'later TaskTimeout']);
  });

  it("whileDisconnected: 'fail' fails calls at once with NotConnectedError disconnected", () => {
    const record: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer({ handlers: { echo: (x: unknown) => x } });
      const client = clientOf(server, { whileDisconnected: 'fail' });
      client.request('echo', ['early']).subscribe(outcome(record, 'connecting'));
      at(5, () => client.request('echo', ['open']).subscribe(outcome(record, 'open')));
      at(2000, () => void client.close());
    });
    expect(record).toEqual(['connecting NotConnectedError(disconnected)', 'open "open"']);
  });

  it('at most maxWaiting calls wait; the next fails with NotConnectedError busy, and a freed place is reused', () => {
    const record: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer({ handlers: { echo: (x: unknown) => x } }, { latency: 50 });
      const client = clientOf(server, { maxWaiting: 2 });
      const first = client.request('echo', [1]).subscribe(outcome(record, '1'));
      client.request('echo', [2]).subscribe(outcome(record, '2'));
      client.request('echo', [3]).subscribe(outcome(record, '3'));
      at(10, () => first.unsubscribe());
      at(11, () => client.request('echo', [4]).subscribe(outcome(record, '4')));
      at(2000, () => void client.close());
    });
    expect(record).toEqual(['3 NotConnectedError(busy)', '2 2', '4 4']);
  });

  it('a request in flight when its session drops fails with ConnectionError and is not repeated', () => {
    const record: string[] = [];
    let runs = 0;
    testScheduler().run(() => {
      const server = virtualServer({ handlers: { slow: () => ((runs += 1), timer(100).pipe(map(() => 'done'))) } });
      const client = clientOf(server);
      at(5, () => client.request('slow').subscribe(outcome(record, 'slow')));
      at(10, () => server.stop());
      at(11, () => server.start());
      at(3000, () => void client.close());
    });
    expect(record).toEqual(['slow ConnectionError']);
    expect(runs).toBe(1);
  });

  it('notifications wait like requests; notify() never throws and logs what it could not send', () => {
    const received: unknown[] = [];
    const logger = capturingLogger();
    testScheduler().run(() => {
      const server = virtualServer({ handlers: { log: (x: unknown) => void received.push(x) } });
      const client = clientOf(server, { logger, whileDisconnected: 'wait' });
      client.notify('log', ['while connecting']);
      at(5, () => server.stop());
      at(10, () => client.notify('log', ['too late'], { timeout: 0.1 }));
      at(600, () => server.start());
      at(3000, () => void client.close());
    });
    expect(received).toEqual(['while connecting']);
    expect(logger.lines.filter((l) => l.startsWith('warn'))).toEqual(['warn: notification log not sent: TaskTimeout: task timed out after 0.1s']);
  });

  it('a signal abandons a call: at once if already aborted, or while it waits for a session', () => {
    const record: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer({ handlers: { echo: (x: unknown) => x } }, { latency: 100 });
      const client = clientOf(server);
      const aborted = new AbortController();
      aborted.abort();
      client.request('echo', ['a'], { signal: aborted.signal }).subscribe(outcome(record, 'already'));
      const later = new AbortController();
      client.request('echo', ['b'], { signal: later.signal }).subscribe(outcome(record, 'waiting'));
      client.request('echo', ['c']).subscribe(outcome(record, 'kept'));
      at(50, () => later.abort());
      at(300, () => void client.close());
    });
    expect(record).toEqual(['already TaskCancelledError', 'waiting TaskCancelledError', 'kept "c"']);
  });

  it('close() fails waiting calls with NotConnectedError closed and later calls too', () => {
    const record: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer({}, { latency: 100 });
      const client = clientOf(server);
      client.request('echo').subscribe(outcome(record, 'waiting'));
      at(10, () => void client.close());
      at(20, () => client.request('echo').subscribe(outcome(record, 'after')));
    });
    expect(record).toEqual(['waiting NotConnectedError(closed)', 'after NotConnectedError(closed)']);
  });
});

describe('RPCClient: keep-alive and liveness', () => {
  it('pings after each interval of silence, and not while the server talks', () => {
    const pings: number[] = [];
    testScheduler().run(() => {
      const server = virtualServer({ handlers: { ping: () => (pings.push(1), null) } });
      const client = clientOf(server, { keepAlive: { method: 'ping', interval: 10 } });
      // the server talks at 15 s: the next ping waits for 10 s of silence after it
      at(15_000, () => server.push('tick', []));
      at(40_000, () => void client.close());
    });
    // at 10 s (silent since 0), 25 s (10 s after the tick), 35 s
    expect(pings).toHaveLength(3);
  });

  it('drops a session silent for livenessTimeout and reconnects', () => {
    let states: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer({ handlers: { ping: () => NEVER } });
      const client = clientOf(server, { keepAlive: { method: 'ping', interval: 5 }, livenessTimeout: 12, reconnect: { random: () => 0 } });
      states = recordStates(client);
      at(20_000, () => void client.close());
    });
    expect(states.slice(0, 5)).toEqual([
      '0 connecting #1 mem://a',
      '1 open mem://a',
      '12001 reconnecting #1 mem://a in 0ms ConnectionError', // pings unanswered; 12 s after the last message in
      '12001 connecting #1 mem://a ConnectionError',
      '12002 open mem://a',
    ]);
  });

  it('an answered keep-alive keeps the session', () => {
    let states: string[] = [];
    testScheduler().run(() => {
      const server = virtualServer({ handlers: { ping: () => null } });
      const client = clientOf(server, { keepAlive: { method: 'ping', interval: 5 }, livenessTimeout: 12 });
      states = recordStates(client);
      at(60_000, () => void client.close());
    });
    expect(states).toEqual(['0 connecting #1 mem://a', '1 open mem://a', '60000 closed', '60000 |']);
  });
});

describe('RPCClient: a connector answering with Promises', () => {
  it('closes a transport that arrives after the attempt was given up', async () => {
    const { memoryTransportPair } = await import('rxrpcx');
    const [clientEnd] = memoryTransportPair();
    let resolve!: (t: typeof clientEnd) => void;
    const client = new RPCClient('mem://late', { connector: () => new Promise((r) => (resolve = r)) });
    await client.close();
    resolve(clientEnd);
    await Promise.resolve(); // the connector's Promise settles one microtask later: after this line, its handler has run
    expect(clientEnd.isClosing()).toBe(true);
  });

  it('a connector that throws fails the attempt (not retried: not a network error)', async () => {
    const client = new RPCClient('mem://x', {
      connector: () => {
        throw new TypeError('bad endpoint');
      },
    });
    expect(client.state).toMatchObject({ status: 'closed', lastError: expect.any(TypeError) });
    await expect(client.sendRequest('x')).rejects.toMatchObject({ name: 'NotConnectedError', reason: 'closed' });
    void ConnectionError;
    void TaskTimeout;
  });
});
