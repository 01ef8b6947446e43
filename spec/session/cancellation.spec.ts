/**
 * Wire cancellation (the `cancellation` option), as marbles: what each side
 * writes and when, when the server's handlers start and are torn down, and
 * what the client sees. Off by default, the wire is the reference's; on, an
 * abandoned request sends `$/cancelRequest` and the server ends that request
 * with no reply, through its dispatcher's one finalizer.
 */
import { Observable, ReplaySubject, Subject, map, timer } from 'rxjs';
import {
  wireCancellation,
  BatchRequest,
  JSONRPCv1,
  RPCSession,
  TaskCancelledError,
  TaskTimeout,
  memoryTransportPair,
  rpcSessionDefaults,
  type MemoryTransport,
  type Notification,
} from 'rxrpcx';
import { eventually } from '../helpers/eventually';
import { asErrorFields, at, batch, lines, ok, pair, probe, rawPeer, req, testScheduler } from './sessionTestKit';

const decoder = new TextDecoder();
const taskCancelled = { name: 'TaskCancelledError', code: new TaskCancelledError().code };

/** Every line written on `transport` from now on, parsed, at the frame it was written. */
function linesWritten(transport: MemoryTransport): Observable<unknown> {
  const written = new ReplaySubject<unknown>();
  const write = transport.write.bind(transport);
  jest.spyOn(transport, 'write').mockImplementation((bytes: Uint8Array) => {
    for (const line of decoder.decode(bytes).split('\n')) if (line !== '') written.next(JSON.parse(line));
    return write(bytes);
  });
  return written;
}

/** Handlers that never answer and log `+name` when they start and `-name` when torn down. */
function hangingHandlers(log: Subject<string>, ...names: string[]): Record<string, () => Observable<never>> {
  const hang = (name: string) => () =>
    new Observable<never>(() => {
      log.next(`+${name}`);
      return () => log.next(`-${name}`);
    });
  return Object.fromEntries(names.map((name) => [name, hang(name)]));
}

/** A v2 request line as the session writes it (no params when there are none). */
const sent = (id: number, method: string): object => ({ jsonrpc: '2.0', method, id });
/** A `$/cancelRequest` line with these params, as a peer would write it. */
const cancelLine = (params: unknown): string => JSON.stringify({ jsonrpc: '2.0', method: '$/cancelRequest', params });
/** The default cancel notification for `id`. */
const cancel = (id: number, method = '$/cancelRequest'): object => ({ jsonrpc: '2.0', method, params: { id } });

describe('wire cancellation (marbles)', () => {
  it('is off by default: not among the defaults, only given', () => {
    expect('cancellation' in rpcSessionDefaults).toBe(false);
  });

  describe('on at both ends', () => {
    it('unsubscribing sends the cancel; the server tears the handler down and never replies', () => {
      testScheduler().run(({ expectObservable, flush }) => {
        const log = new Subject<string>();
        const { client, server, clientEnd, serverEnd } = pair(
          { cancellation: wireCancellation(), handlers: hangingHandlers(log, 'hang') },
          { cancellation: wireCancellation() },
          { delay: 0.001 },
        );
        const clientWrites = linesWritten(clientEnd);
        const serverWrites = linesWritten(serverEnd);
        expectObservable(client.request('hang'), '^--!').toBe('---');
        expectObservable(clientWrites).toBe('a--b', { a: sent(0, 'hang'), b: cancel(0) });
        expectObservable(log).toBe('-a--b', { a: '+hang', b: '-hang' });
        expectObservable(serverWrites).toBe('');
        flush();
        expect(server.unansweredRequestCount()).toBe(0);
        expect(client.connection.pendingRequests()).toEqual([]);
        expect([client.errors, server.errors]).toEqual([0, 0]);
      });
    });

    it('a request still queued behind the outgoing limit is dropped: nothing is sent for it', () => {
      testScheduler().run(({ expectObservable }) => {
        const log = new Subject<string>();
        const { client, clientEnd } = pair(
          { cancellation: wireCancellation(), processingTimeout: 0.01, handlers: hangingHandlers(log, 'a', 'b') },
          { cancellation: wireCancellation(), initialOutgoingConcurrent: 1 },
          { delay: 0.001 },
        );
        const clientWrites = linesWritten(clientEnd);
        client.request('a').subscribe({ error: () => undefined });
        expectObservable(client.request('b'), '^-!').toBe('--');
        // a's slot frees when its 'server busy' reply comes back at 12: nothing is left to send.
        expectObservable(clientWrites).toBe('a', { a: sent(0, 'a') });
        expectObservable(log).toBe('-a 9ms b', { a: '+a', b: '-a' });
      });
    });

    it('a request waiting for a slot on the server leaves the queue and never runs', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const log = new Subject<string>();
        const { client, server } = pair(
          { cancellation: wireCancellation(), initialConcurrent: 1, handlers: hangingHandlers(log, 'a', 'b') },
          { cancellation: wireCancellation() },
          { delay: 0.001 },
        );
        expectObservable(client.request('a'), '^-----!').toBe('------');
        expectObservable(client.request('b'), '^--!').toBe('---');
        // b is cancelled at 4 while waiting; a's cancel at 7 frees the slot, and b does not start.
        expectObservable(log).toBe('-a-----b', { a: '+a', b: '-a' });
        const unanswered$ = probe(cold('--x--x--x'), () => server.unansweredRequestCount());
        expectObservable(unanswered$).toBe('--x--y--z', { x: 2, y: 1, z: 0 });
      });
    });

    it('a cancelled running request frees its slot: the next waiting one starts and is answered', () => {
      testScheduler().run(({ expectObservable }) => {
        const log = new Subject<string>();
        const { client } = pair(
          { cancellation: wireCancellation(), initialConcurrent: 1, handlers: { ...hangingHandlers(log, 'a'), echo: (s: string) => s } },
          { cancellation: wireCancellation() },
          { delay: 0.001 },
        );
        expectObservable(client.request('a'), '^--!').toBe('---');
        expectObservable(client.request('echo', ['b'])).toBe('-----(b|)', { b: 'b' });
        expectObservable(log).toBe('-a--b', { a: '+a', b: '-a' });
      });
    });

    it('a Promise handler is not left to answer: its request ends at once, its slot frees', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const { client, server } = pair(
          { cancellation: wireCancellation(), initialConcurrent: 1, handlers: { never: () => new Promise(() => undefined), echo: (s: string) => s } },
          { cancellation: wireCancellation() },
          { delay: 0.001 },
        );
        expectObservable(client.request('never'), '^--!').toBe('---');
        expectObservable(client.request('echo', ['b'])).toBe('-----(b|)', { b: 'b' });
        expectObservable(probe(cold('-----x'), () => server.unansweredRequestCount())).toBe('-----x', { x: 0 });
      });
    });

    it('a timeout and the end of the connection send nothing', () => {
      testScheduler().run(({ expectObservable }) => {
        const log = new Subject<string>();
        const { client, server, clientEnd } = pair({ cancellation: wireCancellation(), handlers: hangingHandlers(log, 'a', 'b') }, { cancellation: wireCancellation() }, { delay: 0.001 });
        const clientWrites = linesWritten(clientEnd);
        client.request('a', [], { timeout: 0.003 }).subscribe({ error: (error: unknown) => expect(error).toBeInstanceOf(TaskTimeout) });
        client.request('b').subscribe({ error: () => undefined });
        at(5, () => server.abort());
        expectObservable(clientWrites).toBe('(ab)', { a: sent(0, 'a'), b: sent(1, 'b') });
        // Torn down by the server's own end, not by a cancel.
        expectObservable(log).toBe('-(ab) (cd)', { a: '+a', b: '+b', c: '-a', d: '-b' });
      });
    });

    it('an unsubscribed batch sends no cancel', () => {
      testScheduler().run(({ expectObservable }) => {
        const log = new Subject<string>();
        const { client, clientEnd } = pair({ cancellation: wireCancellation(), handlers: hangingHandlers(log, 'a') }, { cancellation: wireCancellation() }, { delay: 0.001 });
        const clientWrites = linesWritten(clientEnd);
        const builder = new BatchRequest(client);
        builder.addRequest('a').addRequest('a');
        expectObservable(builder.send$(), '^--!').toBe('---');
        expectObservable(clientWrites.pipe(map((line) => Array.isArray(line)))).toBe('a', { a: true });
      });
    });

    it('uses the method it is given, and [id] under JSON-RPC 1.0', () => {
      testScheduler().run(({ expectObservable }) => {
        const log = new Subject<string>();
        const options = { cancellation: wireCancellation({ method: 'cancel' }), protocol: JSONRPCv1 };
        const { client, clientEnd } = pair({ ...options, handlers: hangingHandlers(log, 'hang') }, options, { delay: 0.001 });
        const clientWrites = linesWritten(clientEnd);
        expectObservable(client.request('hang'), '^--!').toBe('---');
        expectObservable(clientWrites).toBe('a--b', {
          a: { method: 'hang', params: [], id: 0 },
          b: { method: 'cancel', params: [0], id: null },
        });
        expectObservable(log).toBe('-a--b', { a: '+hang', b: '-hang' });
      });
    });

    it('aborting the signal of request() fails it with TaskCancelledError and sends the cancel', () => {
      testScheduler().run(({ expectObservable }) => {
        const log = new Subject<string>();
        const { client, clientEnd } = pair({ cancellation: wireCancellation(), handlers: hangingHandlers(log, 'hang') }, { cancellation: wireCancellation() }, { delay: 0.001 });
        const clientWrites = linesWritten(clientEnd);
        const controller = new AbortController();
        at(3, () => controller.abort());
        expectObservable(client.request('hang', [], { signal: controller.signal }).pipe(asErrorFields())).toBe(
          '---#',
          undefined,
          taskCancelled,
        );
        expectObservable(clientWrites).toBe('a--b', { a: sent(0, 'hang'), b: cancel(0) });
        expectObservable(log).toBe('-a--b', { a: '+hang', b: '-hang' });
      });
    });
  });

  describe('the receiving side, on', () => {
    it('ignores an unknown or answered id and a batch member, and keeps the cancel from handlers and notifications$', () => {
      testScheduler().run(({ cold, expectObservable, flush }) => {
        const seen: string[] = [];
        const { server, replies$, send } = rawPeer({
          cancellation: wireCancellation(),
          handlers: {
            echo: (s: string) => s,
            slow: (s: string) => timer(5).pipe(map(() => s)),
            '$/cancelRequest': () => void seen.push('handler'),
          },
        });
        server.notifications$.subscribe((n: Notification) => seen.push(n.method));
        send(
          cold('a-b-c', {
            a: req(0, 'echo', ['x']),
            b: lines(cancelLine({ id: 0 }), cancelLine({ id: 99 }), cancelLine(['nope', 'no'])),
            c: lines(batch(req(1, 'slow', ['y']), req(2, 'echo', ['z'])), cancelLine({ id: 1 })),
          }),
        );
        expectObservable(replies$).toBe('a 8ms b', { a: ok(0, 'x'), b: [ok(2, 'z'), ok(1, 'y')] });
        flush();
        expect(seen).toEqual([]);
        expect(server.errors).toBe(0);
      });
    });
  });

  describe('off', () => {
    it('the peer reads the request and no cancel', () => {
      testScheduler().run(({ expectObservable }) => {
        const [clientEnd, peerEnd] = memoryTransportPair();
        const client = new RPCSession(clientEnd);
        const peerLines = new ReplaySubject<unknown>();
        peerEnd.incoming.subscribe((chunk) => {
          for (const line of decoder.decode(chunk).split('\n')) if (line !== '') peerLines.next(JSON.parse(line));
        });
        expectObservable(client.request('hang'), '^--!').toBe('---');
        expectObservable(peerLines).toBe('a', { a: sent(0, 'hang') });
      });
    });

    it('a $/cancelRequest notification is an ordinary notification, and cancels nothing', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const log = new Subject<string>();
        const notes = new Subject<string>();
        const { server, send } = rawPeer({ processingTimeout: 0.01, handlers: hangingHandlers(log, 'hang') });
        server.notifications$.subscribe((n: Notification) => notes.next(JSON.stringify([n.method, n.args])));
        send(cold('a-b', { a: req(0, 'hang'), b: cancelLine({ id: 0 }) }));
        expectObservable(notes).toBe('--n', { n: '["$/cancelRequest",{"id":0}]' });
        // Ended by the processing timeout only.
        expectObservable(log).toBe('a 9ms b', { a: '+hang', b: '-hang' });
      });
    });
  });

  describe('sendRequest with an AbortSignal (real time: Promises settle outside a marble run)', () => {
    it('aborting rejects with TaskCancelledError carrying the reason; the server drops its Promise handler\'s late answer', async () => {
      let finish!: (value: string) => void;
      let started = false;
      const { client, server, serverEnd } = pair(
        {
          cancellation: wireCancellation(),
          handlers: {
            slow: () => {
              started = true;
              return new Promise<string>((resolve) => (finish = resolve));
            },
          },
        },
        { cancellation: wireCancellation() },
      );
      const serverWrites: unknown[] = [];
      linesWritten(serverEnd).subscribe((line) => serverWrites.push(line));
      const controller = new AbortController();
      const answer = client.sendRequest('slow', [], { signal: controller.signal });
      await eventually(() => started);
      controller.abort('enough');
      const failure = await answer.then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(TaskCancelledError);
      expect((failure as TaskCancelledError).code).toBe('RXRPCX_ERR_TASK_CANCELLED');
      expect((failure as TaskCancelledError).cause).toBe('enough');
      await eventually(() => server.unansweredRequestCount() === 0);
      finish('too late');
      expect(await client.sendRequest('nope').catch((error: Error) => error.name)).toBe('RPCError');
      // The only reply the server wrote is the one to 'nope'.
      expect(serverWrites).toHaveLength(1);
      expect([client.errors, server.errors]).toEqual([0, 1]);
      await client.close();
    });

    it('an aborted signal fails the request at once, unsent', async () => {
      const { client, clientEnd } = pair({}, { cancellation: wireCancellation() });
      const clientWrites: unknown[] = [];
      linesWritten(clientEnd).subscribe((line) => clientWrites.push(line));
      const failure = await client.sendRequest('echo', ['x'], { signal: AbortSignal.abort() }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TaskCancelledError);
      expect(clientWrites).toEqual([]);
      expect(client.connection.pendingRequests()).toEqual([]);
      await client.close();
    });
  });

  it('refuses an empty method name', () => {
    expect(() => wireCancellation({ method: '' })).toThrow(new TypeError('cancellation method must be a non-empty string, got ""'));
  });

  it('refuses a cancellation option not made by wireCancellation (the boolean of earlier versions)', () => {
    const [transport] = memoryTransportPair();
    for (const option of [true, { method: 'cancel' }]) {
      expect(() => new RPCSession(transport, { cancellation: option as never })).toThrow(new TypeError('the cancellation option takes wireCancellation()'));
    }
  });
});
