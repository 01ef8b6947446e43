/**
 * Full JSON-RPC sessions through each real SOCKS proxy to an rxrpcx server on
 * loopback: `connectRs(…, { proxy })`, with `session.proxy()` and
 * `remoteAddress()` reporting the proxy and the target. Run inside a
 * loopback-only network namespace.
 */
import { BatchRequest, NetAddress, RPCSession } from 'rxrpcx';
import { SOCKS4, SOCKS5, SOCKSProxy, SOCKSUserAuth, connectRs, serveRs, type SessionServer } from 'rxrpcx/node';
import { LOOPBACK, assertLoopbackOnly, startDanted, startMicrosocks, type ProxyProcess } from './socksTestKit';

let server: SessionServer<RPCSession>;
let microsocks: ProxyProcess;
let microsocksAuth: ProxyProcess;
let danted: ProxyProcess;

beforeAll(async () => {
  assertLoopbackOnly();
  [server, microsocks, microsocksAuth, danted] = await Promise.all([
    serveRs((t, o) => new RPCSession(t, { ...o, handlers: { echo: (x: unknown) => x, add: (a: number, b: number) => a + b } }), LOOPBACK, 0),
    startMicrosocks(),
    startMicrosocks({ username: 'bob', password: 'hunter2!' }),
    startDanted(),
  ]);
});

afterAll(async () => {
  await Promise.all([server?.close({ closeSessions: true }), microsocks?.stop(), microsocksAuth?.stop(), danted?.stop()]);
});

describe('sessions through real SOCKS proxies', () => {
  const cases: Array<[string, () => SOCKSProxy]> = [
    ['microsocks SOCKS5', () => new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, null)],
    ['microsocks SOCKS5 with a password', () => new SOCKSProxy(`${LOOPBACK}:${microsocksAuth.port}`, SOCKS5, new SOCKSUserAuth('bob', 'hunter2!'))],
    ['danted SOCKS5', () => new SOCKSProxy(`${LOOPBACK}:${danted.port}`, SOCKS5, null)],
    ['danted SOCKS4', () => new SOCKSProxy(`${LOOPBACK}:${danted.port}`, SOCKS4, null)],
  ];

  it.each(cases)('runs a JSON-RPC session through %s', async (_name, makeProxy) => {
    const proxy = makeProxy();
    const session = await connectRs(LOOPBACK, server.address.port, { proxy, timeout: 5 });
    try {
      expect(await session.sendRequest('echo', ['through the proxy'])).toBe('through the proxy');
      const batch = new BatchRequest(session);
      batch.addRequest('add', [2, 3]).addRequest('echo', ['ü']);
      expect(await batch.send()).toEqual([5, 'ü']);
      expect(session.proxy()).toBe(proxy);
      expect(session.remoteAddress()).toEqual(new NetAddress(LOOPBACK, server.address.port));
      expect(String(session.proxy())).not.toContain('hunter2');
    } finally {
      await session.close();
    }
  });
});
