/**
 * Typed method contracts: sessions and handlers typed by a method map.
 *
 * Most of this file is checked by the compiler, not by running it: the
 * functions under "compile-time" are never called. Right calls must compile
 * with the types asserted; each wrong call carries `// @ts-expect-error`, so
 * it must fail to compile (an unused directive is itself an error).
 * `spec/types/typecheck.spec.ts` runs that check under jest; `tsc --noEmit
 * -p .` does too. The runtime part at the end has a typed server and a
 * typed client talk over an in-memory pair.
 */
import { firstValueFrom, of, take, toArray, type Observable } from 'rxjs';
import {
  BatchRequest,
  JSONRPC,
  RPCError,
  RPCSession,
  defineHandler,
  memoryTransportPair,
  type MethodContract,
  type MethodHandlers,
  type MethodName,
  type Notification,
  type NotificationOf,
  type RPCMethodTable,
  type RPCSessionConfig,
  type UntypedContract,
} from 'rxrpcx';
import type {
  Balance,
  ElectrumProtocol,
  HeaderNotification,
  HeaderWithProof,
  Hex,
  ScriptHashStatus,
  Utxo,
} from '../../examples/electrumContract';
import { expectEqual, expectType } from './typeAssertions';

const scripthash = '8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161';

// ---------------------------------------------------------------- compile-time

/** The contract's names, without the `string` an interface inherits from MethodContract. */
function contractNames(): void {
  expectEqual<string extends MethodName<ElectrumProtocol> ? true : false, false>(true);
  expectEqual<'server.ping' extends MethodName<ElectrumProtocol> ? true : false, true>(true);
  expectEqual<MethodName<UntypedContract>, string>(true);
  expectEqual<MethodName<MethodContract>, string>(true);
  expectEqual<NotificationOf<ElectrumProtocol, 'blockchain.scripthash.subscribe'>, [scripthash: string, status: ScriptHashStatus]>(true);
}

/** Right calls on a typed session compile, and their results come from the contract. */
async function rightCalls(client: RPCSession<ElectrumProtocol>): Promise<void> {
  expectType<Observable<[server_software: string, protocol_version: string]>>()(client.request('server.version', ['wallet', '1.4']));
  expectType<Observable<[string, string]>>()(client.request('server.version', ['wallet', ['1.2', '1.4']]));
  expectType<Observable<[string, string]>>()(client.request('server.version')); // both params have defaults
  expectType<null>()(await client.sendRequest('server.ping'));
  expectType<null>()(await client.sendRequest('server.ping', []));
  expectType<null>()(await client.sendRequest('server.ping', [], { timeout: 5 }));
  // A typed session batches as an untyped one does (the batch's members are untyped).
  expectType<readonly unknown[]>()(await new BatchRequest(client).addRequest('server.ping').send());
  expectType<Hex | HeaderWithProof>()(await client.sendRequest('blockchain.block.header', [5]));
  expectType<Hex | HeaderWithProof>()(await client.sendRequest('blockchain.block.header', [5, 10]));
  expectType<Balance>()(await client.sendRequest('blockchain.scripthash.get_balance', [scripthash]));
  expectType<Utxo[]>()(await client.sendRequest('blockchain.scripthash.listunspent', [scripthash], { timeout: 10 }));
  expectType<ScriptHashStatus>()(await firstValueFrom(client.request('blockchain.scripthash.subscribe', [scripthash])));
  expectType<HeaderNotification>()(await client.sendRequest('blockchain.headers.subscribe'));
  expectType<[fee: number, vsize: number][]>()(await client.sendRequest('mempool.get_fee_histogram'));
  // A contextual type that agrees with the contract is fine.
  const fee: number = await client.sendRequest('blockchain.estimatefee', [6]);
  const { confirmed }: Balance = await client.sendRequest('blockchain.scripthash.get_balance', [scripthash]);
  // A method name held in a variable of the contract's names: the result is the union of theirs.
  const method: 'server.banner' | 'server.donation_address' = 'server.banner';
  expectType<string>()(await client.sendRequest(method));
  await client.sendNotification('server.ping');
  // A subscribe method's notification arguments: what a server sends under its name.
  await client.sendNotification('blockchain.scripthash.subscribe', [scripthash, null]);
  await client.sendNotification('blockchain.headers.subscribe', [{ height: 1, hex: '00' }]);
  void [fee, confirmed];
}

/** Wrong calls on a typed session do not compile. */
async function wrongCalls(client: RPCSession<ElectrumProtocol>): Promise<void> {
  // A method the contract does not have:
  // @ts-expect-error -- 'server.pong' is not one of the contract's names
  client.request('server.pong');
  // @ts-expect-error -- nor is a name with the wrong spelling
  await client.sendRequest('blockchain.scripthash.getbalance', [scripthash]);
  // @ts-expect-error -- notifications are checked too
  await client.sendNotification('server.pong');
  // Arguments of the wrong type:
  // @ts-expect-error -- a script hash is a string
  client.request('blockchain.scripthash.get_balance', [42]);
  // @ts-expect-error -- a height is a number
  await client.sendRequest('blockchain.block.header', ['5']);
  // @ts-expect-error -- arguments are a tuple, not a bare value
  await client.sendRequest('blockchain.estimatefee', 6);
  // Missing required arguments:
  // @ts-expect-error -- get_balance needs its script hash
  await client.sendRequest('blockchain.scripthash.get_balance');
  // @ts-expect-error -- an empty tuple is not enough either
  await client.sendRequest('blockchain.scripthash.get_balance', []);
  // @ts-expect-error -- block.headers needs a count after the start height
  client.request('blockchain.block.headers', [0]);
  // Too many arguments:
  // @ts-expect-error -- estimatefee takes one number in protocol 1.4
  client.request('blockchain.estimatefee', [6, 'ECONOMICAL']);
  // @ts-expect-error -- server.ping takes none
  await client.sendNotification('server.ping', [1]);
  // @ts-expect-error -- a notification's arguments are checked like a request's
  await client.sendNotification('blockchain.scripthash.subscribe', [42]);
  // Options:
  // @ts-expect-error -- 'timout' is not an option
  client.request('server.ping', [], { timout: 5 });
  // Using the result as something it is not:
  // @ts-expect-error -- estimatefee answers a number
  const feeText: string = await client.sendRequest('blockchain.estimatefee', [6]);
  // @ts-expect-error -- server.ping answers null
  const pong: string = await client.sendRequest('server.ping');
  const balance = await client.sendRequest('blockchain.scripthash.get_balance', [scripthash]);
  // @ts-expect-error -- a balance has no 'total'
  void balance.total;
  const status = await client.sendRequest('blockchain.scripthash.subscribe', [scripthash]);
  // @ts-expect-error -- a status may be null
  void status.length;
  // Asking a typed session for another result type:
  // @ts-expect-error -- the result type comes from the contract
  await client.sendRequest<number>('server.ping');
  // @ts-expect-error -- even a type the contract would give
  client.request<null>('server.ping');
  void [feeText, pong];
}

/** Right handlers for a typed server compile: values, Promises, Observables, defineHandler. */
function rightHandlers(): RPCSessionConfig<ElectrumProtocol> {
  const handlers: MethodHandlers<ElectrumProtocol> = {
    'server.version': (_client = '', protocol = '1.4') => ['ElectrumX 1.16.0', typeof protocol === 'string' ? protocol : protocol[1]],
    'server.ping': () => null,
    'server.banner': async () => 'welcome',
    'server.donation_address': () => of(''),
    'blockchain.block.header': (height, cpHeight = 0) => (cpHeight === 0 ? `header ${height}` : { branch: [], header: '00', root: '00' }),
    'blockchain.estimatefee': defineHandler((blocks: number) => blocks / 1e4, { params: ['number'] }),
    'mempool.get_fee_histogram': () => [[12, 128812], [4, 92524]],
    // Fewer parameters than the method's params is fine, as for any callback.
    'blockchain.scripthash.subscribe': () => null,
  };
  return { handlers };
}

/** Wrong handlers do not compile. */
function wrongHandlers(server: RPCSession<ElectrumProtocol>): void {
  new RPCSession<ElectrumProtocol>(memoryTransportPair()[1], {
    handlers: {
      // @ts-expect-error -- 'server.pong' is not one of the contract's names
      'server.pong': () => null,
    },
  });
  server.handlers = {
    // @ts-expect-error -- estimatefee takes a number
    'blockchain.estimatefee': (blocks: string) => Number(blocks),
  };
  server.handlers = {
    // @ts-expect-error -- server.ping takes no arguments
    'server.ping': (token: string) => (token === '' ? null : null),
  };
  server.handlers = {
    // @ts-expect-error -- server.banner answers a string
    'server.banner': () => 42,
  };
  server.handlers = {
    // @ts-expect-error -- a Promise of the wrong result
    'server.banner': async () => 42,
  };
  server.handlers = {
    // @ts-expect-error -- an Observable of the wrong result
    'blockchain.scripthash.get_balance': () => of({ confirmed: '1.0', unconfirmed: '0' }),
  };
  server.handlers = {
    // @ts-expect-error -- a defineHandler handler's result is checked too
    'server.banner': defineHandler(() => 42),
  };
}

/** Named params (an object type) take a defineHandler handler: the result is checked, the parameters are not. */
interface NamedContract extends MethodContract {
  transfer: { params: { from: string; to: string; amount: number }; result: boolean };
}
async function namedParams(client: RPCSession<NamedContract>, server: RPCSession<NamedContract>): Promise<void> {
  expectType<boolean>()(await client.sendRequest('transfer', { from: 'a', to: 'b', amount: 1 }));
  // @ts-expect-error -- 'amount' is missing
  await client.sendRequest('transfer', { from: 'a', to: 'b' });
  server.handlers = { transfer: defineHandler((from: string, to: string, amount: number) => from !== to && amount > 0, { params: ['from', 'to', 'amount'] }) };
  server.handlers = {
    // @ts-expect-error -- a plain function cannot take named arguments
    transfer: (args: { from: string; to: string; amount: number }) => args.amount > 0,
  };
}

/** Untyped sessions are what they were: any method, `unknown` results unless asked for. */
async function untypedSessions(session: RPCSession): Promise<void> {
  expectType<RPCSession<UntypedContract>>()(session);
  expectType<Observable<number>>()(session.request<number>('add', [1, 2]));
  expectType<Promise<string>>()(session.sendRequest<string>('echo', ['x']));
  expectType<Observable<unknown>>()(session.request('ping'));
  expectType<Promise<unknown>>()(session.sendRequest('anything', { named: true }, { timeout: 1 }));
  // The result type may still be inferred from where it goes, as with request<T> before contracts.
  const sum: number = await session.sendRequest('add', [1, 2]);
  const method: string = 'dynamic.name';
  await session.sendRequest(method);
  await session.sendNotification('log', ['done']);
  await session.sendNotification('ping');
  expectEqual<MethodHandlers<UntypedContract>, RPCMethodTable>(true);
  expectEqual<typeof session.handlers, RPCMethodTable>(true);
  expectEqual<RPCSessionConfig['handlers'], RPCMethodTable | undefined>(true);
  session.handlers = { echo: (text: string) => text, add: defineHandler((a: number, b: number) => a + b, { params: ['a', 'b'] }) };
  // A typed session goes wherever an untyped one is expected.
  const typed = new RPCSession<ElectrumProtocol>(memoryTransportPair()[0]);
  const asUntyped: RPCSession = typed;
  // @ts-expect-error -- an untyped result is unknown
  const n: number = await session.sendRequest<unknown>('add', [1, 2]);
  void [sum, asUntyped, n];
}

const compileTimeOnly = [contractNames, rightCalls, wrongCalls, rightHandlers, wrongHandlers, namedParams, untypedSessions];

// -------------------------------------------------------------------- run time

describe('typed method contracts', () => {
  it('are checked by the compiler (spec/types/typecheck.spec.ts type-checks this file)', () => {
    expect(compileTimeOnly).toHaveLength(7);
  });

  describe('a typed server and a typed client, over an in-memory pair', () => {
    const tip: HeaderNotification = { height: 800000, hex: '00e0ff3f' };

    function electrumPair(): { client: RPCSession<ElectrumProtocol>; server: RPCSession<ElectrumProtocol>; close: () => Promise<void> } {
      const [clientEnd, serverEnd] = memoryTransportPair();
      const server = new RPCSession<ElectrumProtocol>(serverEnd, {
        handlers: {
          'server.version': (_client = '', protocol = '1.4') => ['ElectrumX 1.16.0', typeof protocol === 'string' ? protocol : protocol[1]],
          'server.ping': () => null,
          'blockchain.headers.subscribe': () => tip,
          'blockchain.block.header': (height, cpHeight = 0) =>
            cpHeight === 0 ? `header ${height}` : { branch: ['aa'], header: `header ${height}`, root: 'bb' },
          'blockchain.scripthash.get_balance': async () => ({ confirmed: 103873966, unconfirmed: -5000 }),
          'blockchain.scripthash.subscribe': () => of('f3e1bf48'),
          'blockchain.estimatefee': defineHandler((blocks: number) => (blocks > 25 ? -1 : 0.0001), { params: ['number'] }),
          'mempool.get_fee_histogram': () => [[12, 128812], [4, 92524]],
        },
      });
      const client = new RPCSession<ElectrumProtocol>(clientEnd);
      return { client, server, close: async () => void (await Promise.all([client.close(), server.close()])) };
    }

    it('answer with the contract\'s results: values, Promises, Observables and defineHandler handlers', async () => {
      const { client, close } = electrumPair();
      try {
        expect(await client.sendRequest('server.version', ['test wallet', ['1.2', '1.4']])).toEqual(['ElectrumX 1.16.0', '1.4']);
        expect(await client.sendRequest('server.version')).toEqual(['ElectrumX 1.16.0', '1.4']);
        expect(await client.sendRequest('server.ping')).toBeNull();
        expect(await client.sendRequest('blockchain.block.header', [5])).toBe('header 5');
        expect(await client.sendRequest('blockchain.block.header', [5, 8])).toEqual({ branch: ['aa'], header: 'header 5', root: 'bb' });
        const balance = await firstValueFrom(client.request('blockchain.scripthash.get_balance', [scripthash]));
        expect(balance.confirmed + balance.unconfirmed).toBe(103868966);
        expect(await client.sendRequest('blockchain.scripthash.subscribe', [scripthash])).toBe('f3e1bf48');
        expect(await client.sendRequest('blockchain.estimatefee', [6])).toBe(0.0001);
        expect(await client.sendRequest('blockchain.estimatefee', [100], { timeout: 5 })).toBe(-1);
        expect(await client.sendRequest('mempool.get_fee_histogram')).toEqual([[12, 128812], [4, 92524]]);
      } finally {
        await close();
      }
    });

    it('answer METHOD_NOT_FOUND for a contract method the server has no handler for', async () => {
      const { client, close } = electrumPair();
      try {
        const failure = client.sendRequest('server.banner');
        await expect(failure).rejects.toBeInstanceOf(RPCError);
        await expect(failure).rejects.toMatchObject({ code: JSONRPC.METHOD_NOT_FOUND });
      } finally {
        await close();
      }
    });

    it('carry a subscription\'s notifications in the shape the contract gives', async () => {
      const { client, server, close } = electrumPair();
      try {
        const notes = firstValueFrom(client.notifications$.pipe(take(2), toArray()));
        expect(await client.sendRequest('blockchain.headers.subscribe')).toEqual(tip);
        await server.sendNotification('blockchain.headers.subscribe', [{ height: 800001, hex: '00c0ff3f' }]);
        await server.sendNotification('blockchain.scripthash.subscribe', [scripthash, null]);
        const [header, status] = await notes;
        expect(seen(header)).toEqual(['blockchain.headers.subscribe', [{ height: 800001, hex: '00c0ff3f' }]]);
        expect(seen(status)).toEqual(['blockchain.scripthash.subscribe', [scripthash, null]]);
      } finally {
        await close();
      }
    });

    it('talk to an untyped client the same way', async () => {
      const { client, close } = electrumPair();
      const [untypedEnd, serverEnd] = memoryTransportPair();
      const server = new RPCSession<ElectrumProtocol>(serverEnd, { handlers: { 'blockchain.relayfee': () => 0.00001 } });
      const untyped = new RPCSession(untypedEnd);
      try {
        expect(await untyped.sendRequest<number>('blockchain.relayfee')).toBe(0.00001);
        await expect(untyped.sendRequest('no.such.method')).rejects.toMatchObject({ code: JSONRPC.METHOD_NOT_FOUND });
      } finally {
        await Promise.all([untyped.close(), server.close(), close()]);
      }
      void client;
    });
  });
});

function seen(notification: Notification | undefined): [string, unknown] | undefined {
  return notification === undefined ? undefined : [notification.method, notification.args];
}
