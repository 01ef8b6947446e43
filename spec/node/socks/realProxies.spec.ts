/**
 * Through real SOCKS proxies — microsocks (SOCKS5, with and without
 * username/password) and dante's danted (SOCKS4 and SOCKS5) — to servers on
 * loopback. Run inside a loopback-only network namespace.
 */
import { inspect } from 'node:util';
import { NetAddress } from 'rxrpcx';
import { SOCKS4, SOCKS4a, SOCKS5, SOCKSFailure, SOCKSProtocolError, SOCKSProxy, SOCKSRandomAuth, SOCKSUserAuth } from '../../../lib/node/socks';
import { ConnectError } from '../../../lib/transport/ConnectError';
import {
  LOOPBACK,
  assertLoopbackOnly,
  fixture,
  freePort,
  roundTrip,
  startDanted,
  startEchoServer,
  startMicrosocks,
  startTlsEchoServer,
  type ProxyProcess,
  type TestServer,
} from './socksTestKit';

const USER = 'alice';
const PASSWORD = 'correct horse battery staple';

let echo: TestServer;
let tlsEcho: TestServer;
let microsocks: ProxyProcess;
let microsocksAuth: ProxyProcess;
let danted: ProxyProcess;

beforeAll(async () => {
  assertLoopbackOnly();
  [echo, tlsEcho, microsocks, microsocksAuth, danted] = await Promise.all([
    startEchoServer(),
    startTlsEchoServer(),
    startMicrosocks(),
    startMicrosocks({ username: USER, password: PASSWORD }),
    startDanted(),
  ]);
});

afterAll(async () => {
  await Promise.all([echo?.close(), tlsEcho?.close(), microsocks?.stop(), microsocksAuth?.stop(), danted?.stop()]);
});

const payload = Buffer.from('{"jsonrpc":"2.0","method":"server.ping","id":0}\n');

async function expectRoundTrip(proxy: SOCKSProxy, host: string, port: number): Promise<void> {
  const { socket, remoteAddress, proxy: via } = await proxy.createConnection(host, port, { timeout: 5 });
  try {
    expect(await roundTrip(socket, payload)).toEqual(payload);
    expect(remoteAddress).toEqual(new NetAddress(host, port));
    expect(via).toBe(proxy);
    expect(proxy.peername).toEqual(new NetAddress(LOOPBACK, proxy.address.port));
  } finally {
    socket.destroy();
  }
}

describe('through microsocks (SOCKS5)', () => {
  it('makes a byte round trip to an IPv4 destination', async () => {
    await expectRoundTrip(new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, null), LOOPBACK, echo.port);
  });

  it('makes a byte round trip to an IPv6 destination', async () => {
    const echo6 = await startEchoServer('::1');
    try {
      await expectRoundTrip(new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, null), '::1', echo6.port);
    } finally {
      await echo6.close();
    }
  });

  it('lets the proxy resolve a host name', async () => {
    await expectRoundTrip(new SOCKSProxy(new NetAddress(LOOPBACK, microsocks.port), SOCKS5, null), 'localhost', echo.port);
  });

  it('offers credentials to a proxy that needs none, and it picks "no authentication"', async () => {
    await expectRoundTrip(new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, new SOCKSRandomAuth()), LOOPBACK, echo.port);
  });

  it('authenticates with the right username and password', async () => {
    await expectRoundTrip(new SOCKSProxy(`${LOOPBACK}:${microsocksAuth.port}`, SOCKS5, new SOCKSUserAuth(USER, PASSWORD)), LOOPBACK, echo.port);
  });

  it('fails with SOCKSFailure (auth) for a wrong password, and the error carries no credentials', async () => {
    const secret = 'not-the-password-4f1c';
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocksAuth.port}`, SOCKS5, new SOCKSUserAuth(USER, secret));
    const error = await proxy.createConnection(LOOPBACK, echo.port, { timeout: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SOCKSFailure);
    expect(error).toMatchObject({ name: 'SOCKSFailure', code: 'RXRPCX_ERR_SOCKS_FAILURE', stage: 'auth', protocol: SOCKS5 });
    expect((error as SOCKSFailure).message).toBe(`SOCKS5 proxy auth failure code: ${(error as SOCKSFailure).replyCode}`);
    expect((error as SOCKSFailure).replyCode).not.toBe(0);
    const everything = `${inspect(error, { depth: Infinity, showHidden: true })} ${JSON.stringify(error)} ${String(error)}`;
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(USER);
    expect(String(proxy)).toBe(`SOCKS5 proxy at ${LOOPBACK}:${microsocksAuth.port}, auth: username`);
  });

  it('fails with SOCKSFailure (methods) without credentials where they are required', async () => {
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocksAuth.port}`, SOCKS5, null);
    await expect(proxy.createConnection(LOOPBACK, echo.port, { timeout: 5 })).rejects.toMatchObject({
      name: 'SOCKSFailure',
      stage: 'methods',
      replyCode: 255,
      message: 'SOCKS5 proxy rejected authentication methods',
    });
  });

  it('reports a refused destination with the reference message and reply code', async () => {
    const closed = await freePort();
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, null);
    const error = (await proxy.createConnection(LOOPBACK, closed, { timeout: 5 }).catch((e: unknown) => e)) as SOCKSFailure;
    expect(error).toBeInstanceOf(SOCKSFailure);
    expect(error.stage).toBe('request');
    expect(error.target).toBe(`${LOOPBACK}:${closed}`);
    expect(String(error.proxyAddress)).toBe(`${LOOPBACK}:${microsocks.port}`);
    const messages: Record<number, string> = { 1: 'general SOCKS server failure', 4: 'host unreachable', 5: 'connection refused' };
    expect(messages[error.replyCode]).toBe(error.message);
  });

  it('with resolve, looks the host up here and tries each address in turn', async () => {
    const lookups: string[] = [];
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, null);
    // 127.0.0.2 is loopback too, but nothing listens there: the proxy refuses, the next address works.
    const { socket, remoteAddress } = await proxy.createConnection('echo.test', echo.port, {
      resolve: true,
      timeout: 5,
      lookup: async (hostname, family) => {
        lookups.push(`${hostname}/${family}`);
        return ['127.0.0.2', LOOPBACK];
      },
    });
    try {
      expect(lookups).toEqual(['echo.test/0']);
      expect(remoteAddress).toEqual(new NetAddress(LOOPBACK, echo.port));
      expect(await roundTrip(socket, payload)).toEqual(payload);
    } finally {
      socket.destroy();
    }
  });

  it('with resolve and the system resolver, reaches localhost', async () => {
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, null);
    const { socket, remoteAddress } = await proxy.createConnection('localhost', echo.port, { resolve: true, timeout: 5 });
    socket.destroy();
    expect(remoteAddress.hostKind).not.toBe('hostname');
    expect(remoteAddress.port).toBe(echo.port);
  });

  it('when every address fails the same way, raises that error', async () => {
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, null);
    const error = await proxy
      .createConnection('nowhere.test', echo.port, { resolve: true, timeout: 5, lookup: async () => ['127.0.0.2', '127.0.0.3'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SOCKSFailure);
    expect((error as SOCKSFailure).target).toBe(`127.0.0.2:${echo.port}`);
  });

  it('resolves a proxy given by host name', async () => {
    const proxy = new SOCKSProxy(`localhost:${microsocks.port}`, SOCKS5, null);
    const { socket } = await proxy.createConnection(LOOPBACK, echo.port, { timeout: 5 });
    socket.destroy();
    expect(proxy.peername).toEqual(new NetAddress(LOOPBACK, microsocks.port));
  });

  it('speaks TLS to the destination over the proxied connection', async () => {
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, null);
    const { socket } = await proxy.createConnection('localhost', tlsEcho.port, { tls: { ca: fixture('localhost.crt') }, timeout: 5 });
    try {
      expect(socket.authorized).toBe(true);
      expect(await roundTrip(socket, payload)).toEqual(payload);
    } finally {
      socket.destroy();
    }
  });

  it('fails TLS with ConnectError (tls) when the certificate is not trusted', async () => {
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocks.port}`, SOCKS5, null);
    await expect(proxy.createConnection('localhost', tlsEcho.port, { tls: true, timeout: 5 })).rejects.toMatchObject({
      name: 'ConnectError',
      reason: 'tls',
    });
  });
});

describe('through danted (SOCKS4 and SOCKS5)', () => {
  it('makes a SOCKS5 byte round trip', async () => {
    await expectRoundTrip(new SOCKSProxy(`${LOOPBACK}:${danted.port}`, SOCKS5, null), LOOPBACK, echo.port);
  });

  it('makes a SOCKS4 byte round trip, with a user id', async () => {
    await expectRoundTrip(new SOCKSProxy(`${LOOPBACK}:${danted.port}`, SOCKS4, new SOCKSUserAuth('bob', '')), LOOPBACK, echo.port);
  });

  it('makes a SOCKS4a byte round trip to an IPv4 address (sent as SOCKS4)', async () => {
    await expectRoundTrip(new SOCKSProxy(`${LOOPBACK}:${danted.port}`, SOCKS4a, null), LOOPBACK, echo.port);
  });

  it('reports danted refusing SOCKS4a host names (reply 91) as SOCKSFailure', async () => {
    const proxy = new SOCKSProxy(`${LOOPBACK}:${danted.port}`, SOCKS4a, null);
    await expect(proxy.createConnection('localhost', echo.port, { timeout: 5 })).rejects.toMatchObject({
      name: 'SOCKSFailure',
      stage: 'request',
      replyCode: 91,
      protocol: SOCKS4a,
      message: 'SOCKS4a proxy request failed: request rejected or failed',
    });
  });

  it('reports a refused SOCKS4 destination as SOCKSFailure (reply 91)', async () => {
    const proxy = new SOCKSProxy(`${LOOPBACK}:${danted.port}`, SOCKS4, null);
    await expect(proxy.createConnection(LOOPBACK, await freePort(), { timeout: 5 })).rejects.toMatchObject({
      name: 'SOCKSFailure',
      replyCode: 91,
      message: 'SOCKS4 proxy request failed: request rejected or failed',
    });
  });

  it('reports a refused SOCKS5 destination as SOCKSFailure', async () => {
    const proxy = new SOCKSProxy(`${LOOPBACK}:${danted.port}`, SOCKS5, null);
    const error = await proxy.createConnection(LOOPBACK, await freePort(), { timeout: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SOCKSFailure);
    expect(error).toMatchObject({ stage: 'request' });
  });
});

describe('no proxy there', () => {
  it('fails with ConnectError (refused) when nothing listens at the proxy address', async () => {
    const proxy = new SOCKSProxy(`${LOOPBACK}:${await freePort()}`, SOCKS5, null);
    const error = await proxy.createConnection(LOOPBACK, echo.port, { timeout: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ code: 'RXRPCX_ERR_CONNECT', reason: 'refused' });
    expect(error).not.toBeInstanceOf(SOCKSProtocolError);
  });
});
