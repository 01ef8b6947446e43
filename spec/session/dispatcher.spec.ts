import { NEVER, map, timer } from 'rxjs';
import { JSONRPC } from 'rxrpcx';
import { err, ok, rawPeer, req, testScheduler } from './sessionTestKit';

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

  it('answers SERVER_BUSY at processingTimeout', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const peer = rawPeer({ processingTimeout: 0.01, handlers: { hang: () => NEVER } });
      peer.send(cold('-a', { a: req(0, 'hang') }));
      expectObservable(peer.replies$).toBe('- 10ms r', { r: err(0, JSONRPC.SERVER_BUSY, 'server busy - request timed out') });
    });
  });

  it('runs one at a time under initialConcurrent 1', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const peer = rawPeer({ initialConcurrent: 1, handlers: { slow: (s: string) => timer(5).pipe(map(() => s)) } });
      peer.send(cold('-(ab)', { a: req(0, 'slow', ['a']), b: req(1, 'slow', ['b']) }));
      expectObservable(peer.replies$).toBe('------a----b', { a: ok(0, 'a'), b: ok(1, 'b') });
    });
  });
});
