/**
 * SOCKSProxy.autoDetectAtAddress / autoDetectAtHost against real proxies,
 * scripted SOCKS4a-only and SOCKS4-only servers, a closed port, a listener
 * that is not a proxy and one that never answers. Every probe is a loopback
 * address: no test sends anything toward the reference's public probes.
 */
import { VirtualTimeScheduler } from 'rxjs';
import { NetAddress } from 'rxrpcx';
import { SOCKS4, SOCKS4a, SOCKS5, SOCKSProxy, SOCKSUserAuth, defaultSOCKSProbe, type SOCKSProbe } from '../../../lib/node/socks';
import {
  LOOPBACK,
  assertLoopbackOnly,
  freePort,
  listen,
  socks4Script,
  socks5Script,
  startDanted,
  startEchoServer,
  startMicrosocks,
  startScriptedProxy,
  type ProxyProcess,
  type ProxyRecord,
  type TestServer,
} from './socksTestKit';

let echo: TestServer;
let microsocks: ProxyProcess;
let microsocksAuth: ProxyProcess;
let danted: ProxyProcess;
let probe: SOCKSProbe;
const servers: TestServer[] = [];

beforeAll(async () => {
  assertLoopbackOnly();
  [echo, microsocks, microsocksAuth, danted] = await Promise.all([
    startEchoServer(),
    startMicrosocks(),
    startMicrosocks({ username: 'erin', password: 'pw' }),
    startDanted(),
  ]);
  probe = { ipv4: `${LOOPBACK}:${echo.port}`, hostname: `localhost:${echo.port}` };
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

afterAll(async () => {
  await Promise.all([echo?.close(), microsocks?.stop(), microsocksAuth?.stop(), danted?.stop()]);
});

async function track(server: Promise<TestServer>): Promise<TestServer> {
  const started = await server;
  servers.push(started);
  return started;
}

const at = (port: number): string => `${LOOPBACK}:${port}`;

describe('autoDetectAtAddress', () => {
  it('finds microsocks as SOCKS5', async () => {
    const proxy = await SOCKSProxy.autoDetectAtAddress(at(microsocks.port), null, { probe });
    expect(proxy).toBeInstanceOf(SOCKSProxy);
    expect(proxy!.protocol).toBe(SOCKS5);
    expect(proxy!.address).toEqual(new NetAddress(LOOPBACK, microsocks.port));
    expect(proxy!.peername).toEqual(new NetAddress(LOOPBACK, microsocks.port));
    expect(String(proxy)).toBe(`SOCKS5 proxy at ${LOOPBACK}:${microsocks.port}, auth: none`);
  });

  it('finds danted as SOCKS5', async () => {
    const proxy = await SOCKSProxy.autoDetectAtAddress(new NetAddress(LOOPBACK, danted.port), null, { probe });
    expect(proxy?.protocol).toBe(SOCKS5);
  });

  it('finds microsocks with credentials, keeping them on the proxy', async () => {
    const auth = new SOCKSUserAuth('erin', 'pw');
    const proxy = await SOCKSProxy.autoDetectAtAddress(at(microsocksAuth.port), auth, { probe });
    expect(proxy?.protocol).toBe(SOCKS5);
    expect(proxy?.auth).toBe(auth);
  });

  it('counts a SOCKSFailure as detected: microsocks refusing a wrong password is still SOCKS5', async () => {
    const proxy = await SOCKSProxy.autoDetectAtAddress(at(microsocksAuth.port), new SOCKSUserAuth('erin', 'wrong'), { probe });
    expect(proxy?.protocol).toBe(SOCKS5);
  });

  it('counts a refused probe as detected', async () => {
    const records: ProxyRecord[] = [];
    const server = await track(startScriptedProxy(socks5Script(records, { refuse: 2 })));
    const proxy = await SOCKSProxy.autoDetectAtAddress(at(server.port), null, { probe });
    expect(proxy?.protocol).toBe(SOCKS5);
    expect(records).toEqual([{ protocol: 5, host: LOOPBACK, port: echo.port }]);
  });

  it('finds a SOCKS4a-only server as SOCKS4a, probing with the host name', async () => {
    const records: ProxyRecord[] = [];
    const server = await track(startScriptedProxy(socks4Script(records)));
    const proxy = await SOCKSProxy.autoDetectAtAddress(at(server.port), null, { probe });
    expect(proxy?.protocol).toBe(SOCKS4a);
    expect(records).toEqual([{ protocol: 4, host: 'localhost', port: echo.port, username: '' }]);
  });

  it('finds a SOCKS4-only server (it drops SOCKS4a requests) as SOCKS4, probing with the IPv4 address', async () => {
    const records: ProxyRecord[] = [];
    const server = await track(startScriptedProxy(socks4Script(records, { refuseHostnames: true })));
    const proxy = await SOCKSProxy.autoDetectAtAddress(at(server.port), null, { probe });
    expect(proxy?.protocol).toBe(SOCKS4);
    expect(records.map((r) => r.host)).toEqual(['localhost', LOOPBACK]);
    expect(server.connections()).toBe(3);
  });

  it('returns null for a closed port', async () => {
    expect(await SOCKSProxy.autoDetectAtAddress(at(await freePort()), null, { probe })).toBeNull();
  });

  it('returns null for a listener that is not a SOCKS proxy', async () => {
    const http = await track(
      listen((socket) => {
        socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
      }),
    );
    expect(await SOCKSProxy.autoDetectAtAddress(at(http.port), null, { probe })).toBeNull();
    expect(http.connections()).toBe(3);
  });

  it('returns null for a listener that closes at once', async () => {
    const closer = await track(listen((socket) => socket.destroy()));
    expect(await SOCKSProxy.autoDetectAtAddress(at(closer.port), null, { probe })).toBeNull();
  });

  it('returns null for a listener that never answers, after the timeout of each protocol (5 s by default)', async () => {
    const scheduler = new VirtualTimeScheduler();
    const silent = await track(
      listen(() => {
        // Once the proxy holds the connection, run the virtual clock out.
        setImmediate(() => scheduler.flush());
      }),
    );
    const started = scheduler.now();
    expect(await SOCKSProxy.autoDetectAtAddress(at(silent.port), null, { probe, scheduler })).toBeNull();
    expect(silent.connections()).toBe(3);
    expect(scheduler.now() - started).toBe(3 * 5000);
  });

  it('uses its own timeout option', async () => {
    const scheduler = new VirtualTimeScheduler();
    const silent = await track(listen(() => setImmediate(() => scheduler.flush())));
    expect(await SOCKSProxy.autoDetectAtAddress(at(silent.port), null, { probe, scheduler, timeout: 0.25 })).toBeNull();
    expect(scheduler.now()).toBe(3 * 250);
  });

  it('rejects probes of the wrong kind before any I/O', async () => {
    const server = await track(listen(() => undefined));
    await expect(SOCKSProxy.autoDetectAtAddress(at(server.port), null, { probe: { ipv4: 'localhost:1', hostname: 'localhost:1' } })).rejects.toThrow(TypeError);
    await expect(SOCKSProxy.autoDetectAtAddress(at(server.port), null, { probe: { ipv4: '127.0.0.1:1', hostname: '[::1]:1' } })).rejects.toThrow(TypeError);
    expect(server.connections()).toBe(0);
  });

  it('keeps the reference probes as the default for users (never used by a test)', () => {
    expect(defaultSOCKSProbe).toEqual({ ipv4: '8.8.8.8:53', hostname: 'www.apple.com:80' });
    expect(Object.isFrozen(defaultSOCKSProbe)).toBe(true);
  });

  it('rejects when aborted', async () => {
    const controller = new AbortController();
    // Aborted while the silent proxy holds the first attempt.
    const silent = await track(listen(() => controller.abort()));
    const detecting = SOCKSProxy.autoDetectAtAddress(at(silent.port), null, { probe, signal: controller.signal });
    await expect(detecting).rejects.toMatchObject({ name: 'ConnectError', reason: 'aborted' });
  });
});

describe('autoDetectAtHost', () => {
  it('tries the ports in order and returns the first proxy, with its protocol', async () => {
    const closed = await freePort();
    const http = await track(listen((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))));
    const socks4Only = await track(startScriptedProxy(socks4Script([], { refuseHostnames: true })));
    const proxy = await SOCKSProxy.autoDetectAtHost(LOOPBACK, [closed, http.port, socks4Only.port, microsocks.port], null, { probe });
    expect(proxy?.address).toEqual(new NetAddress(LOOPBACK, socks4Only.port));
    expect(proxy?.protocol).toBe(SOCKS4);
  });

  it('finds danted after a closed port', async () => {
    const proxy = await SOCKSProxy.autoDetectAtHost(LOOPBACK, [await freePort(), danted.port], null, { probe });
    expect(proxy?.address.port).toBe(danted.port);
    expect(proxy?.protocol).toBe(SOCKS5);
  });

  it('returns null when no port has a proxy', async () => {
    const http = await track(listen((socket) => socket.once('data', () => socket.end('nope\r\n'))));
    expect(await SOCKSProxy.autoDetectAtHost(LOOPBACK, [await freePort(), http.port], null, { probe })).toBeNull();
  });

  it('returns null for no ports', async () => {
    expect(await SOCKSProxy.autoDetectAtHost(LOOPBACK, [], null, { probe })).toBeNull();
  });
});
