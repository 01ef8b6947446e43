/** The README's marble example ('How a session runs, and testing it with marbles'), as written there. */
import { NEVER, map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { NewlineFramer, RPCSession, memoryTransportPair } from 'rxrpcx';

it('the README marble example holds', () => {
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ cold, expectObservable }) => {
    const [peer, serverEnd] = memoryTransportPair();
    new RPCSession(serverEnd, {
      processingTimeout: 0.01,
      handlers: { later: () => timer(3).pipe(map(() => 'done')), hang: () => NEVER },
    });
    const replies$ = peer.incoming.pipe(new NewlineFramer().messages(), map((line) => JSON.parse(new TextDecoder().decode(line))));
    cold('-a', { a: '{"jsonrpc":"2.0","method":"later","id":0}\n{"jsonrpc":"2.0","method":"hang","id":1}\n' })
      .subscribe((text) => void peer.write(new TextEncoder().encode(text)));
    expectObservable(replies$).toBe('----a 6ms b', {
      a: { jsonrpc: '2.0', result: 'done', id: 0 },
      b: { jsonrpc: '2.0', error: { code: -102, message: 'server busy - request timed out' }, id: 1 },
    });
  });
});
