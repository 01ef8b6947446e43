import { NEVER, map, timer } from 'rxjs';
import { RPCSession, memoryTransportPair } from 'rxrpcx';
import { asErrorFields, ok, pair, pendingActions, req, testScheduler } from './sessionTestKit';

const c = { c: undefined };

describe('the session lifecycle (marbles)', () => {
  describe('closed$', () => {
    it('emits once at the end of an orderly close, on both sides, and late subscribers get it', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        const { client, server } = pair({}, {}, { delay: 0.001 });
        hot('-x').subscribe(() => void client.close());
        // The client's EOF reaches the server at 2; the server's EOF comes back at 3.
        expectObservable(server.closed$).toBe('--(c|)', c);
        expectObservable(client.closed$).toBe('---(c|)', c);
        expectObservable(client.closed$, '------^').toBe('------(c|)', c);
      });
    });

    it('emits once on both sides when the peer resets the connection', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        const { client, server } = pair({}, {}, { delay: 0.001 });
        hot('-x').subscribe(() => server.abort());
        // A reset overtakes whatever is in flight.
        expectObservable(server.closed$).toBe('-(c|)', c);
        expectObservable(client.closed$).toBe('-(c|)', c);
        expectObservable(server.closed$, '----^').toBe('----(c|)', c);
      });
    });

    it('emits once when the session aborts, however often it is told to end', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        const { client, server } = pair();
        hot('-x-y').subscribe((event) => {
          client.abort();
          if (event === 'y') void client.close();
        });
        expectObservable(client.closed$).toBe('-(c|)', c);
        expectObservable(server.closed$).toBe('-(c|)', c);
      });
    });

    it('aborts a close that the peer does not complete within forceAfter, and leaves nothing scheduled', () => {
      const scheduler = testScheduler();
      scheduler.run(({ hot, expectObservable }) => {
        const { client, server } = pair({}, {}, { delay: 100 }); // 100 s each way
        void client.close({ forceAfter: 2 });
        expectObservable(client.closed$).toBe('2s (c|)', c);
        expectObservable(server.closed$).toBe('2s (c|)', c);
        expectObservable(pendingActions(scheduler, hot('3s x'))).toBe('3s x', { x: 0 });
      });
    });

    it('errors every request still in flight, on both sides, when either side closes, and leaves nothing behind', () => {
      const scheduler = testScheduler();
      scheduler.run(({ hot, expectObservable, flush }) => {
        const connectionError = { name: 'ConnectionError', code: 'RXRPCX_ERR_CONNECTION' };
        const { client, server } = pair({ handlers: { hang: () => NEVER, slow: () => timer(50_000) } }, { handlers: { hang: () => NEVER } });
        expectObservable(client.request('hang').pipe(asErrorFields())).toBe('10ms #', undefined, connectionError);
        expectObservable(client.request('slow').pipe(asErrorFields())).toBe('10ms #', undefined, connectionError);
        expectObservable(server.request('hang').pipe(asErrorFields())).toBe('10ms #', undefined, connectionError);
        const unanswered$ = hot('5ms x').pipe(map(() => [server.unansweredRequestCount(), client.unansweredRequestCount()]));
        expectObservable(unanswered$).toBe('5ms x', { x: [2, 1] });
        hot('10ms x').subscribe(() => void client.close());
        expectObservable(pendingActions(scheduler, hot('11ms x'))).toBe('11ms x', { x: 0 });
        flush();
        expect(client.connection.pendingRequests()).toEqual([]);
        expect(server.connection.pendingRequests()).toEqual([]);
        expect(client.unansweredRequestCount() + server.unansweredRequestCount()).toBe(0);
      });
    });
  });

  describe('stats$', () => {
    it('emits a snapshot at subscription, after each flush and each cost recalculation, and completes at close', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        const { client } = pair({ handlers: { echo: (s: string) => s } }, {}, { delay: 0.001 });
        hot('-r').subscribe(() => client.request('echo', ['x']).subscribe());
        hot('-----b').subscribe(() => client.bumpCost(500));
        hot('-------x').subscribe(() => void client.close());
        const stats$ = client.stats$.pipe(map((s) => `${s.sendCount}/${s.recvCount}/${Math.round(s.cost)}`));
        // The reply, read at 3, is seen in the next snapshot; the client's EOF round trip ends it at 9.
        expectObservable(stats$).toBe('ab---c---|', { a: '0/0/0', b: '1/0/0', c: '1/1/500' });
        expectObservable(stats$, '----------^').toBe('----------(z|)', { z: '1/1/500' });
      });
    });
  });

  describe('start of reading', () => {
    it('starts reading on the scheduler, after construction: a subclass constructor finishes first', () => {
      testScheduler().run(({ hot, expectObservable }) => {
        class Greeter extends RPCSession {
          // A field initialiser runs only when super() has returned.
          readonly greeting = 'hello';
          override handleRequest(): unknown {
            return this.greeting;
          }
        }
        const [peerEnd, serverEnd] = memoryTransportPair();
        const replies$ = peerEnd.incoming.pipe(map((bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown));
        void peerEnd.write(new TextEncoder().encode(`${req(0, 'greet')}\n`));
        // The request is waiting at the server end when the session is made, at 2.
        let readInConstructor = -1;
        hot('--x').subscribe(() => {
          const server = new Greeter(serverEnd);
          readInConstructor = server.recvCount;
        });
        expectObservable(replies$).toBe('--r', { r: ok(0, 'hello') });
        expectObservable(hot('---x').pipe(map(() => readInConstructor))).toBe('---x', { x: 0 });
      });
    });
  });

  describe('cost', () => {
    it('set by hand is the cost from then on: no decay is owed for the time before', () => {
      testScheduler().run(({ cold, expectObservable }) => {
        const { server } = pair();
        const costs$ = cold('5s a 1s b').pipe(
          map((tick) => {
            if (tick === 'a') server.cost = 3000;
            else server.recalcConcurrency();
            return server.cost;
          }),
        );
        // 1.001 s after it was set ('a' takes a frame), that long's decay (10000 / 3600 a second).
        expectObservable(costs$).toBe('5s a 1s b', { a: 3000, b: 3000 - (1.001 * 10000) / 3600 });
      });
    });
  });
});
