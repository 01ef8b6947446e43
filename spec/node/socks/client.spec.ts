/**
 * The reconnecting client (`connect$` from `rxrpcx/node`) through a real
 * SOCKS5 proxy (microsocks) to an rxrpcx server on loopback: a request
 * answered, and a server restart on the same port behind the proxy. Here
 * rather than in spec/node/client because it needs microsocks and a
 * loopback-only network namespace: `npm run test:socks`.
 */
import { filter, firstValueFrom } from 'rxjs';
import { type ClientState, type OpenState } from 'rxrpcx';
import { SOCKS5, SOCKSProxy, connect$ } from 'rxrpcx/node';
import { Chain, recordStates, restartableServer, tcp, trackClient, watch } from '../client/e2eServers';
import { runCleanups, until } from '../sessions/sessionHelpers';
import { LOOPBACK, assertLoopbackOnly, startMicrosocks, type ProxyProcess } from './socksTestKit';

let microsocks: ProxyProcess;

beforeAll(async () => {
  assertLoopbackOnly();
  microsocks = await startMicrosocks();
});

afterAll(async () => {
  await microsocks?.stop();
});

afterEach(runCleanups);

const isOpen = (state: ClientState): state is OpenState => state.status === 'open';

describe('connect$ through a SOCKS5 proxy (microsocks)', () => {
  it('answers a request over tcp:// through the proxy', async () => {
    const server = await restartableServer(tcp, new Chain(42));
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, null);
    const client = trackClient(connect$(`tcp://${LOOPBACK}:${server.port}`, { proxy, reconnect: { initialDelay: 0.05, maxDelay: 0.2 } }));

    expect(await client.sendRequest('headers.subscribe')).toEqual({ height: 42 });
    const open = await firstValueFrom(client.state$.pipe(filter(isOpen)));
    expect(open.session.proxy()).toBe(proxy);
    expect(String(open.session.remoteAddress())).toBe(`${LOOPBACK}:${server.port}`);
  });

  it('reconnects through the proxy when the server behind it restarts on the same port', async () => {
    const server = await restartableServer(tcp, new Chain(1));
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, null);
    const client = trackClient(connect$(`tcp://${LOOPBACK}:${server.port}`, { proxy, reconnect: { initialDelay: 0.05, maxDelay: 0.2 } }));
    const log = recordStates(client);
    expect(await client.sendRequest('echo', ['before'])).toBe('before');

    const down = log.states.length;
    await server.stop();
    // The proxy reaches the proxy but not the server: its refusal must be worth another attempt.
    await until(() => log.since(down).filter((s) => s.status === 'connecting').length >= 2 || client.state.status === 'closed', 'two attempts while down');
    expect(client.state.status).not.toBe('closed');
    const waiting = watch(client.sendRequest('echo', ['after']));
    await server.start(new Chain(2));
    expect(await waiting.promise).toBe('after');
    expect(client.state.status).toBe('open');
  });
});
