/**
 * A client typed by a method contract: `request`, `sendRequest`, `notify`,
 * `sendNotification` and `subscription$` check method names, arguments and
 * results against the map, as a typed session does. Checked by the compiler
 * (`typecheck.spec.ts` compiles this folder): the functions under
 * "compile-time" are never called; each wrong call carries
 * `// @ts-expect-error`. The runtime part has a typed client talk to a typed
 * server through a memory connector.
 */
import { firstValueFrom, map, take, toArray, type Observable } from 'rxjs';
import { RPCClient, RPCSession, connect$, memoryTransportPair, type SubscriptionEvent } from 'rxrpcx';
import { connect$ as nodeConnect$ } from 'rxrpcx/node';
import type { Balance, ElectrumProtocol, HeaderNotification, ScriptHashStatus } from '../../examples/electrumContract';
import { expectType } from './typeAssertions';

const scripthash = '8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161';

// ---------------------------------------------------------------- compile-time

async function rightCalls(client: RPCClient<ElectrumProtocol>): Promise<void> {
  expectType<Observable<[server_software: string, protocol_version: string]>>()(client.request('server.version', ['wallet', '1.4']));
  expectType<null>()(await client.sendRequest('server.ping'));
  expectType<null>()(await client.sendRequest('server.ping', [], { timeout: 5, signal: new AbortController().signal }));
  expectType<Balance>()(await client.sendRequest('blockchain.scripthash.get_balance', [scripthash]));
  client.notify('server.ping');
  await client.sendNotification('server.ping', []);
  expectType<Observable<SubscriptionEvent<HeaderNotification, [header: HeaderNotification]>>>()(client.subscription$('blockchain.headers.subscribe'));
  const status$ = client
    .subscription$('blockchain.scripthash.subscribe', [scripthash], { key: 0, unsubscribe: 'blockchain.scripthash.unsubscribe' })
    .pipe(map((event) => (event.kind === 'result' ? event.result : event.args[1])));
  expectType<Observable<ScriptHashStatus>>()(status$);
  expectType<RPCClient<ElectrumProtocol>>()(connect$<ElectrumProtocol>('wss://example.org'));
  expectType<RPCClient<ElectrumProtocol>>()(nodeConnect$<ElectrumProtocol>('tcp://127.0.0.1:50001'));
}

async function wrongCalls(client: RPCClient<ElectrumProtocol>): Promise<void> {
  // @ts-expect-error: no such method
  client.request('server.pong');
  // @ts-expect-error: arguments of the wrong type
  client.request('blockchain.scripthash.get_balance', [42]);
  // @ts-expect-error: a required argument missing
  await client.sendRequest('blockchain.scripthash.get_balance');
  // @ts-expect-error: a typed client takes no result type: it comes from the contract
  await client.sendRequest<number>('server.ping');
  // @ts-expect-error: the result is null, not a string
  const text: string = await client.sendRequest('server.ping');
  // @ts-expect-error: no such method to notify
  client.notify('server.pong');
  // @ts-expect-error: no such subscribe method
  client.subscription$('blockchain.tip.subscribe');
  // @ts-expect-error: the unsubscribe method must be the contract's
  client.subscription$('blockchain.scripthash.subscribe', [scripthash], { unsubscribe: 'blockchain.scripthash.forget' });
  // @ts-expect-error: a status is not a header
  client.subscription$('blockchain.scripthash.subscribe', [scripthash]).pipe(map((e): HeaderNotification | undefined => (e.kind === 'result' ? e.result : undefined)));
  void text;
}

async function untypedCalls(client: RPCClient): Promise<void> {
  expectType<unknown>()(await client.sendRequest('anything', [1, 'two']));
  expectType<number>()(await client.sendRequest<number>('add', [1, 2]));
  expectType<Observable<SubscriptionEvent<unknown, readonly unknown[]>>>()(client.subscription$('any.subscribe'));
}

void [rightCalls, wrongCalls, untypedCalls];

// ---------------------------------------------------------------- runtime

describe('a client typed by the Electrum contract', () => {
  it('talks to a server typed by the same contract', async () => {
    let height = 800_000;
    const servers: RPCSession<ElectrumProtocol>[] = [];
    const client = new RPCClient<ElectrumProtocol>('mem://electrum', {
      connector: () => {
        const [clientEnd, serverEnd] = memoryTransportPair();
        servers.push(
          new RPCSession<ElectrumProtocol>(serverEnd, {
            handlers: {
              'server.version': () => ['ElectrumX 1.16', '1.4'],
              'blockchain.headers.subscribe': () => ({ height, hex: '00' }),
            },
          }),
        );
        return Promise.resolve(clientEnd);
      },
    });
    const tips = firstValueFrom(
      client.subscription$('blockchain.headers.subscribe').pipe(
        map((event) => (event.kind === 'result' ? event.result.height : event.args[0].height)),
        take(2),
        toArray(),
      ),
    );
    expect(await client.sendRequest('server.version', ['test', '1.4'])).toEqual(['ElectrumX 1.16', '1.4']);
    height += 1;
    await servers[0]!.sendNotification('blockchain.headers.subscribe', [{ height, hex: '01' }]);
    expect(await tips).toEqual([800_000, 800_001]);
    await client.close();
  });
});
