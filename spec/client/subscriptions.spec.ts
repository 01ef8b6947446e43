/**
 * client.subscription$ in virtual time: the result then the notifications
 * that belong, one wire subscription per method and arguments, the last
 * unsubscribe, resubscription after a reconnection, errors and closing.
 */
import { map, take } from 'rxjs';
import { RPCError, type RPCClient, type SubscriptionEvent } from 'rxrpcx';
import { at, testScheduler, virtualServer, type VirtualServer } from './clientTestKit';
import { RPCClient as Client } from 'rxrpcx';

/** An Electrum-like server: headers and per-scripthash status subscriptions. */
function electrumLike() {
  const calls: string[] = [];
  let height = 100;
  const status: Record<string, string> = { aa: 'sa0', bb: 'sb0' };
  const server: VirtualServer = virtualServer({
    handlers: {
      'headers.subscribe': () => (calls.push('headers'), { height }),
      'sh.subscribe': (sh: string) => (calls.push(`sh ${sh}`), status[sh] ?? null),
      'sh.unsubscribe': (sh: string) => (calls.push(`unsub ${sh}`), true),
      'bad.subscribe': () => {
        throw new RPCError(-32600, 'no such subscription');
      },
    },
  });
  return {
    server,
    calls,
    newBlock: () => server.push('headers.subscribe', [{ height: (height += 1) }]),
    newStatus: (sh: string) => {
      status[sh] = `${status[sh]}+`;
      server.push('sh.subscribe', [sh, status[sh]]);
    },
  };
}

function clientOf(server: VirtualServer): RPCClient {
  return new Client('mem://e', { connector: server.connector, reconnect: { random: () => 0.5 } });
}

/** An event in a word: `r:<result>` or `n:<args>`. */
const word = (event: SubscriptionEvent): string => (event.kind === 'result' ? `r:${JSON.stringify(event.result)}` : `n:${JSON.stringify(event.args)}`);

describe('client.subscription$', () => {
  it('emits the result, then each notification of the method', () => {
    testScheduler().run(({ expectObservable }) => {
      const e = electrumLike();
      const client = clientOf(e.server);
      at(10, e.newBlock);
      at(20, e.newBlock);
      at(30, () => void client.close());
      expectObservable(client.subscription$('headers.subscribe').pipe(map(word))).toBe('-a 8ms b 9ms c 9ms |', {
        a: 'r:{"height":100}',
        b: 'n:[{"height":101}]',
        c: 'n:[{"height":102}]',
      });
    });
  });

  it('with a key, takes only the notifications whose argument there matches the call', () => {
    testScheduler().run(({ expectObservable }) => {
      const e = electrumLike();
      const client = clientOf(e.server);
      at(10, () => e.newStatus('bb'));
      at(20, () => e.newStatus('aa'));
      at(30, () => void client.close());
      expectObservable(client.subscription$('sh.subscribe', ['aa'], { key: 0 }).pipe(map(word))).toBe('-a 18ms b 9ms |', {
        a: 'r:"sa0"',
        b: 'n:["aa","sa0+"]',
      });
      expectObservable(client.subscription$('sh.subscribe', ['bb'], { key: 0 }).pipe(map(word))).toBe('-a 8ms b 19ms |', {
        a: 'r:"sb0"',
        b: 'n:["bb","sb0+"]',
      });
    });
  });

  it('subscribers to the same method and arguments share one call; a late one gets the latest event', () => {
    let calls: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const e = electrumLike();
      calls = e.calls;
      const client = clientOf(e.server);
      const headers$ = client.subscription$('headers.subscribe');
      headers$.subscribe();
      at(10, e.newBlock);
      at(30, () => void client.close());
      expectObservable(client.subscription$('headers.subscribe').pipe(map(word))).toBe('-a 8ms b 19ms |', { a: 'r:{"height":100}', b: 'n:[{"height":101}]' });
      const late = '15ms a 14ms |';
      expectObservable(client.subscription$('headers.subscribe').pipe(map(word)), '15ms ^').toBe(late, { a: 'n:[{"height":101}]' });
      expect(client.subscription$('headers.subscribe')).toBe(headers$);
    });
    expect(calls).toEqual(['headers']);
  });

  it('the last subscriber leaving sends the unsubscribe method with the same arguments; a new subscriber subscribes again', () => {
    let calls: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const e = electrumLike();
      calls = e.calls;
      const client = clientOf(e.server);
      const options = { key: 0, unsubscribe: 'sh.unsubscribe' } as const;
      const one = client.subscription$('sh.subscribe', ['aa'], options).subscribe();
      const two = client.subscription$('sh.subscribe', ['aa'], options).subscribe();
      at(10, () => one.unsubscribe());
      at(20, () => two.unsubscribe());
      at(40, () => void client.close());
      expectObservable(client.subscription$('sh.subscribe', ['aa'], options).pipe(map(word)), '30ms ^').toBe('30ms a 9ms |', { a: 'r:"sa0"' });
    });
    expect(calls).toEqual(['sh aa', 'unsub aa', 'sh aa']);
  });

  it('after a reconnection subscribes again on the new session and simply continues with the fresh result', () => {
    let calls: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const e = electrumLike();
      calls = e.calls;
      const client = clientOf(e.server);
      at(10, () => e.server.stop());
      at(11, () => e.server.start());
      at(600, e.newBlock);
      at(700, () => void client.close());
      // dropped at 10, waits 0.5 s, reconnects at 511: a fresh result, then the notifications of the new session
      expectObservable(client.subscription$('headers.subscribe').pipe(map(word))).toBe('-a 509ms b 88ms c 99ms |', {
        a: 'r:{"height":100}',
        b: 'r:{"height":100}',
        c: 'n:[{"height":101}]',
      });
    });
    expect(calls).toEqual(['headers', 'headers']);
  });

  it('an error answer to the subscribe call reaches the subscriber, and the next subscriber tries again', () => {
    testScheduler().run(({ expectObservable }) => {
      const e = electrumLike();
      const client = clientOf(e.server);
      at(50, () => void client.close());
      expectObservable(client.subscription$('bad.subscribe')).toBe('-#', undefined, new RPCError(-32600, 'no such subscription'));
      expectObservable(client.subscription$('bad.subscribe'), '10ms ^').toBe('10ms #', undefined, new RPCError(-32600, 'no such subscription'));
    });
  });

  it('when the client gives up reconnecting, subscriptions error with NotConnectedError closed', () => {
    let error: unknown;
    testScheduler().run(() => {
      const e = electrumLike();
      const client = new Client('mem://e', { connector: e.server.connector, reconnect: { maxAttempts: 2, random: () => 0 } });
      client.subscription$('headers.subscribe').subscribe({ error: (caught: unknown) => (error = caught) });
      at(10, () => e.server.stop());
    });
    expect(error).toMatchObject({ name: 'NotConnectedError', reason: 'closed' });
    expect((error as Error).cause).toMatchObject({ name: 'ConnectError', reason: 'refused' });
  });

  it('events are typed by the contract', () => {
    testScheduler().run(({ expectObservable }) => {
      interface Contract {
        [method: string]: { params: readonly unknown[]; result?: unknown; notification?: readonly unknown[] };
        'sh.subscribe': { params: [scripthash: string]; result: string | null; notification: [string, string | null] };
      }
      const e = electrumLike();
      const client = new Client<Contract>('mem://e', { connector: e.server.connector });
      at(10, () => e.newStatus('aa'));
      at(20, () => void client.close());
      const status$ = client
        .subscription$('sh.subscribe', ['aa'], { key: 0 })
        .pipe(map((event) => (event.kind === 'result' ? event.result : event.args[1])), take(2));
      expectObservable(status$).toBe('-a 8ms (b|)', { a: 'sa0', b: 'sa0+' });
    });
  });
});
