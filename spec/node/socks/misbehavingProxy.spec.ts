/**
 * Against a proxy scripted here: replies no real proxy sends (garbage, bad
 * versions, unknown codes), early EOF, resets, a stalled handshake; the
 * checks made before any I/O; what is handed over after the handshake; and
 * the credentials each connection sends.
 */
import { inspect } from 'node:util';
import { ioTurns } from '../../helpers/eventually';
import { VirtualTimeScheduler } from 'rxjs';
import { NetAddress } from 'rxrpcx';
import { ConnectError } from '../../../lib/transport/ConnectError';
import {
  SOCKS4,
  SOCKS4a,
  SOCKS5,
  SOCKSError,
  SOCKSFailure,
  SOCKSProtocolError,
  SOCKSProxy,
  SOCKSRandomAuth,
  SOCKSUserAuth,
  type SOCKSProtocol,
} from '../../../lib/node/socks';
import {
  LOOPBACK,
  assertLoopbackOnly,
  readBytes,
  roundTrip,
  socks4Script,
  socks5Script,
  startEchoServer,
  startScriptedProxy,
  type ProxyRecord,
  type ScriptedConnection,
  type TestServer,
} from './socksTestKit';

let echo: TestServer;
const servers: TestServer[] = [];

beforeAll(async () => {
  assertLoopbackOnly();
  echo = await startEchoServer();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

afterAll(async () => {
  await echo?.close();
});

async function scripted(script: (connection: ScriptedConnection) => Promise<void>): Promise<TestServer> {
  const server = await startScriptedProxy(script);
  servers.push(server);
  return server;
}

function proxyAt(server: TestServer, protocol: SOCKSProtocol, auth: SOCKSUserAuth | SOCKSRandomAuth | null = null): SOCKSProxy {
  return new SOCKSProxy(new NetAddress(LOOPBACK, server.port), protocol, auth);
}

/** SOCKS5 greeting (no auth) answered with "no authentication", then the request read. */
async function socks5UpToRequest(connection: ScriptedConnection): Promise<void> {
  const [, count] = await connection.read(2);
  await connection.read(count!);
  connection.write([5, 0]);
  const [, , , type] = await connection.read(4);
  await connection.read(type === 1 ? 4 + 2 : type === 4 ? 16 + 2 : (await connection.read(1))[0]! + 2);
}

/** A SOCKS4 request (IPv4, user id) read. */
async function socks4UpToRequest(connection: ScriptedConnection): Promise<void> {
  await connection.read(8);
  await connection.readNulTerminated();
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the connection to fail');
}

describe('replies that break the protocol → SOCKSProtocolError (reason reply)', () => {
  it.each<[string, SOCKSProtocol, (connection: ScriptedConnection) => Promise<void>, string]>([
    [
      'an HTTP server answering the SOCKS5 greeting',
      SOCKS5,
      async (c) => {
        await c.read(3);
        c.write(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
      },
      "invalid SOCKS5 proxy response: b'HT'",
    ],
    [
      'a SOCKS5 method reply with version 4',
      SOCKS5,
      async (c) => {
        await c.read(3);
        c.write([4, 0]);
      },
      "invalid SOCKS5 proxy response: b'\\x04\\x00'",
    ],
    [
      'a SOCKS5 connect reply with a bad reserved byte',
      SOCKS5,
      async (c) => {
        await socks5UpToRequest(c);
        c.write([5, 0, 1, 1, 127, 0, 0, 1, 0, 80]);
      },
      "invalid SOCKS5 proxy response: b'\\x05\\x00\\x01\\x01\\x7f'",
    ],
    [
      'a SOCKS5 connect reply with address type 9',
      SOCKS5,
      async (c) => {
        await socks5UpToRequest(c);
        c.write([5, 0, 0, 9, 0, 0, 0]);
      },
      "invalid SOCKS5 proxy response: b'\\x05\\x00\\x00\\t\\x00'",
    ],
    [
      'a SOCKS5 connect reply with version 4, even one saying "refused"',
      SOCKS5,
      async (c) => {
        await socks5UpToRequest(c);
        c.write([4, 5, 0, 1, 0, 0, 0, 0, 0, 0]);
      },
      "invalid SOCKS5 proxy response: b'\\x04\\x05\\x00\\x01\\x00'",
    ],
    [
      'a SOCKS4 reply whose first byte is not 0 (the socks package lets it through)',
      SOCKS4,
      async (c) => {
        await socks4UpToRequest(c);
        c.write([4, 90, 0, 0, 0, 0, 0, 0]);
      },
      "invalid SOCKS4 proxy response: b'\\x04Z\\x00\\x00\\x00\\x00\\x00\\x00'",
    ],
  ])('%s', async (_title, protocol, script, message) => {
    const server = await scripted(script);
    const error = await failureOf(proxyAt(server, protocol).createConnection(LOOPBACK, echo.port, { timeout: 5 }));
    expect(error).toBeInstanceOf(SOCKSProtocolError);
    expect(error).toBeInstanceOf(SOCKSError);
    expect(error).toMatchObject({ name: 'SOCKSProtocolError', code: 'RXRPCX_ERR_SOCKS_PROTOCOL', reason: 'reply', protocol, message });
    expect((error as SOCKSProtocolError).reply).toBeInstanceOf(Uint8Array);
  });

  it('a SOCKS5 auth reply with version 5', async () => {
    const server = await scripted(async (c) => {
      const [, count] = await c.read(2);
      await c.read(count!);
      c.write([5, 2]);
      await c.read(2);
      c.write([5, 0]);
    });
    const error = await failureOf(proxyAt(server, SOCKS5, new SOCKSUserAuth('u', 'p')).createConnection(LOOPBACK, echo.port, { timeout: 5 }));
    expect(error).toMatchObject({ name: 'SOCKSProtocolError', reason: 'reply', message: "invalid SOCKS5 proxy auth response: b'\\x05\\x00'" });
  });
});

describe('refusals → SOCKSFailure with the reference messages', () => {
  it.each([
    [91, 'SOCKS4 proxy request failed: request rejected or failed'],
    [92, 'SOCKS4 proxy request failed: request rejected because SOCKS server cannot connect to identd on the client'],
    [93, 'SOCKS4 proxy request failed: request rejected because the client program and identd report different user-ids'],
    [77, 'SOCKS4 proxy request failed: unknown SOCKS4 reply code 77'],
  ])('SOCKS4 reply %i', async (code, message) => {
    const server = await scripted(async (c) => {
      await socks4UpToRequest(c);
      c.write([0, code, 0, 0, 0, 0, 0, 0]);
    });
    await expect(proxyAt(server, SOCKS4).createConnection(LOOPBACK, echo.port, { timeout: 5 })).rejects.toMatchObject({
      name: 'SOCKSFailure',
      code: 'RXRPCX_ERR_SOCKS_FAILURE',
      stage: 'request',
      replyCode: code,
      message,
    });
  });

  it.each([
    [1, 'general SOCKS server failure'],
    [2, 'connection not allowed by ruleset'],
    [3, 'network unreachable'],
    [4, 'host unreachable'],
    [5, 'connection refused'],
    [6, 'TTL expired'],
    [7, 'command not supported'],
    [8, 'address type not supported'],
    [99, 'unknown SOCKS5 error code: 99'],
  ])('SOCKS5 reply %i', async (code, message) => {
    const server = await scripted(async (c) => {
      await socks5UpToRequest(c);
      c.write([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
    });
    await expect(proxyAt(server, SOCKS5).createConnection('localhost', echo.port, { timeout: 5 })).rejects.toMatchObject({
      name: 'SOCKSFailure',
      stage: 'request',
      replyCode: code,
      target: `localhost:${echo.port}`,
      message,
    });
  });

  it('a SOCKS5 method the client did not offer', async () => {
    const server = await scripted(async (c) => {
      await c.read(3);
      c.write([5, 2]);
    });
    await expect(proxyAt(server, SOCKS5).createConnection(LOOPBACK, echo.port, { timeout: 5 })).rejects.toMatchObject({
      name: 'SOCKSFailure',
      stage: 'methods',
      replyCode: 2,
      message: 'SOCKS5 proxy rejected authentication methods',
    });
  });

  it('a rejected password, with nothing of the credentials on the error', async () => {
    const server = await scripted(async (c) => {
      const [, count] = await c.read(2);
      await c.read(count!);
      c.write([5, 2]);
      await c.read(2 + 5);
      await c.read(1 + 13);
      c.write([1, 7]);
    });
    const error = await failureOf(proxyAt(server, SOCKS5, new SOCKSUserAuth('alice', 'hunter2-secret')).createConnection(LOOPBACK, echo.port, { timeout: 5 }));
    expect(error).toMatchObject({ name: 'SOCKSFailure', stage: 'auth', replyCode: 7, message: 'SOCKS5 proxy auth failure code: 7' });
    const everything = `${inspect(error, { depth: Infinity, showHidden: true })} ${JSON.stringify(error)} ${String(error.cause)}`;
    expect(everything).not.toContain('hunter2-secret');
    expect(everything).not.toContain('alice');
  });
});

describe('a proxy that closes mid-handshake → SOCKSProtocolError (reason closed)', () => {
  it.each<[string, SOCKSProtocol, (connection: ScriptedConnection) => Promise<void>]>([
    ['EOF instead of the SOCKS5 method reply', SOCKS5, async (c) => void (await c.read(3), c.socket.end())],
    ['EOF after one byte of the SOCKS5 method reply', SOCKS5, async (c) => void (await c.read(3), c.write([5]), c.socket.end())],
    ['EOF after the SOCKS5 connect reply header', SOCKS5, async (c) => void (await socks5UpToRequest(c), c.write([5, 0, 0, 1, 127]), c.socket.end())],
    ['EOF in the middle of a SOCKS4 reply', SOCKS4, async (c) => void (await socks4UpToRequest(c), c.write([0, 90, 0]), c.socket.end())],
    ['EOF right after accepting', SOCKS4, async (c) => void c.socket.end()],
  ])('%s', async (_title, protocol, script) => {
    const server = await scripted(script);
    await expect(proxyAt(server, protocol).createConnection(LOOPBACK, echo.port, { timeout: 5 })).rejects.toMatchObject({
      name: 'SOCKSProtocolError',
      reason: 'closed',
      message: 'EOF received',
    });
  });

  it('a reset mid-handshake', async () => {
    const server = await scripted(async (c) => {
      await c.read(3);
      c.socket.resetAndDestroy();
    });
    const error = await failureOf(proxyAt(server, SOCKS5).createConnection(LOOPBACK, echo.port, { timeout: 5 }));
    expect(error).toBeInstanceOf(SOCKSProtocolError);
    expect(error).toMatchObject({ reason: 'closed' });
  });
});

describe('a handshake that stalls', () => {
  it.each<[SOCKSProtocol, (connection: ScriptedConnection) => Promise<void>]>([
    [SOCKS5, async (c) => void (await c.read(3))],
    [SOCKS5, async (c) => void (await socks5UpToRequest(c), c.write([5, 0, 0, 3, 200]))],
    [SOCKS4, async (c) => void (await socks4UpToRequest(c), c.write([0, 90]))],
  ])('%s: times out with ConnectError (timeout) and destroys the socket', async (protocol, script) => {
    let stalled!: () => void;
    const reached = new Promise<void>((resolve) => (stalled = resolve));
    let proxySide: ScriptedConnection | undefined;
    const server = await scripted(async (c) => {
      proxySide = c;
      await script(c);
      stalled();
    });
    const scheduler = new VirtualTimeScheduler();
    const attempt = proxyAt(server, protocol).createConnection(LOOPBACK, echo.port, { timeout: 7, scheduler });
    await reached;
    // Let the stalled bytes arrive, then let the virtual clock run out.
    await ioTurns();
    scheduler.flush();
    const error = await failureOf(attempt);
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ code: 'RXRPCX_ERR_CONNECT', reason: 'timeout', message: `${protocol} handshake with proxy at ${LOOPBACK}:${server.port} timed out after 7s` });
    await proxySide!.closed;
  });

  it('a TLS handshake that stalls after the grant times out too, destroying the socket', async () => {
    let stalled!: () => void;
    const reached = new Promise<void>((resolve) => (stalled = resolve));
    let proxySide: ScriptedConnection | undefined;
    const server = await scripted(async (c) => {
      proxySide = c;
      await socks5UpToRequest(c);
      c.write([5, 0, 0, 1, 127, 0, 0, 1, 0, 80]);
      await c.read(1); // the ClientHello arrives, and no answer ever comes
      stalled();
    });
    const scheduler = new VirtualTimeScheduler();
    const attempt = proxyAt(server, SOCKS5).createConnection('localhost', 443, { tls: true, timeout: 3, scheduler });
    await reached;
    scheduler.flush();
    await expect(attempt).rejects.toMatchObject({ name: 'ConnectError', reason: 'timeout', message: 'TLS handshake with localhost:443 timed out after 3s' });
    await proxySide!.closed;
  });

  it('an abort signal ends it with ConnectError (aborted)', async () => {
    let stalled!: () => void;
    const reached = new Promise<void>((resolve) => (stalled = resolve));
    const server = await scripted(async (c) => {
      await c.read(3);
      stalled();
    });
    const controller = new AbortController();
    const attempt = proxyAt(server, SOCKS5).createConnection(LOOPBACK, echo.port, { signal: controller.signal });
    await reached;
    controller.abort();
    await expect(attempt).rejects.toMatchObject({ name: 'ConnectError', reason: 'aborted' });
  });
});

describe('checks before any I/O', () => {
  it.each<[SOCKSProtocol, string, string]>([
    [SOCKS4, 'example.com', 'SOCKS4 requires an IPv4 address: example.com'],
    [SOCKS4, '::1', 'SOCKS4 requires an IPv4 address: ::1'],
    [SOCKS4a, '::1', 'SOCKS4a requires an IPv4 address or host name: ::1'],
  ])('%s to %s', async (protocol, host, message) => {
    const server = await scripted(async () => undefined);
    const error = await failureOf(proxyAt(server, protocol).createConnection(host, 80));
    expect(error).toMatchObject({ name: 'SOCKSProtocolError', reason: 'destination', message });
    expect(server.connections()).toBe(0);
  });

  it.each<[string, string, string]>([
    ['', 'pw', 'username has invalid length 0'],
    ['u'.repeat(256), 'pw', 'username has invalid length 256'],
    ['é'.repeat(128), 'pw', 'username has invalid length 256'],
    ['user', '', 'password has invalid length 0'],
    ['user', 'p'.repeat(256), 'password has invalid length 256'],
  ])('SOCKS5 credentials %#', async (username, password, message) => {
    const server = await scripted(async () => undefined);
    const error = await failureOf(proxyAt(server, SOCKS5, new SOCKSUserAuth(username, password)).createConnection(LOOPBACK, 80));
    expect(error).toMatchObject({ name: 'SOCKSProtocolError', reason: 'credentials', message });
    if (username) expect(error.message).not.toContain(username);
    expect(server.connections()).toBe(0);
  });

  it('SOCKS4 accepts an empty password (it is never sent) but no NUL in the user id', async () => {
    const server = await scripted(async () => undefined);
    const error = await failureOf(proxyAt(server, SOCKS4, new SOCKSUserAuth('a\0b', '')).createConnection(LOOPBACK, 80));
    expect(error).toMatchObject({ name: 'SOCKSProtocolError', reason: 'credentials' });
    expect(server.connections()).toBe(0);
  });

  it('an invalid destination is an AddressError, with resolve too', async () => {
    const proxy = new SOCKSProxy('127.0.0.1:9', SOCKS5, null);
    await expect(proxy.createConnection('bad host', 80)).rejects.toMatchObject({ name: 'AddressError', field: 'host' });
    await expect(proxy.createConnection('example.com', 0, { resolve: true })).rejects.toMatchObject({ name: 'AddressError', field: 'port' });
  });
});

describe('after the handshake', () => {
  it('hands over bytes the destination sent in the same segment as the grant', async () => {
    const server = await scripted(async (c) => {
      await socks5UpToRequest(c);
      // A bound address of type "host name", then a greeting, in one write.
      c.write(Buffer.concat([Buffer.from([5, 0, 0, 3, 9]), Buffer.from('proxy.lan'), Buffer.from([0, 80]), Buffer.from('hello\n')]));
    });
    const { socket } = await proxyAt(server, SOCKS5).createConnection(LOOPBACK, echo.port, { timeout: 5 });
    try {
      expect(socket.readableFlowing).not.toBe(true);
      // Attached late, on purpose: nothing may have been lost meanwhile.
      await ioTurns();
      expect((await readBytes(socket, 6)).toString()).toBe('hello\n');
    } finally {
      socket.destroy();
    }
  });

  it('hands over SOCKS4 bytes after the grant too', async () => {
    const server = await scripted(async (c) => {
      await socks4UpToRequest(c);
      c.write(Buffer.concat([Buffer.from([0, 90, 0, 0, 0, 0, 0, 0]), Buffer.from('hi')]));
    });
    const { socket } = await proxyAt(server, SOCKS4).createConnection(LOOPBACK, echo.port, { timeout: 5 });
    try {
      expect((await readBytes(socket, 2)).toString()).toBe('hi');
    } finally {
      socket.destroy();
    }
  });

  it('relays through the scripted SOCKS4a server with a host name', async () => {
    const records: ProxyRecord[] = [];
    const server = await scripted(socks4Script(records));
    const proxy = proxyAt(server, SOCKS4a, new SOCKSUserAuth('carol', ''));
    const { socket, remoteAddress } = await proxy.createConnection('localhost', echo.port, { timeout: 5 });
    try {
      const bytes = Buffer.from('through SOCKS4a\n');
      expect(await roundTrip(socket, bytes)).toEqual(bytes);
    } finally {
      socket.destroy();
    }
    expect(remoteAddress).toEqual(new NetAddress('localhost', echo.port));
    expect(records).toEqual([{ protocol: 4, host: 'localhost', port: echo.port, username: 'carol' }]);
  });
});

describe('SOCKSRandomAuth', () => {
  const hex64 = /^[0-9a-f]{64}$/;

  it('sends different random credentials on every SOCKS5 connection', async () => {
    const records: ProxyRecord[] = [];
    const server = await scripted(socks5Script(records));
    const proxy = proxyAt(server, SOCKS5, new SOCKSRandomAuth());
    for (let i = 0; i < 3; i += 1) {
      const { socket } = await proxy.createConnection(LOOPBACK, echo.port, { timeout: 5 });
      expect(await roundTrip(socket, Buffer.from('x'))).toEqual(Buffer.from('x'));
      socket.destroy();
    }
    expect(records).toHaveLength(3);
    const usernames = records.map((r) => r.username!);
    const passwords = records.map((r) => r.password!);
    for (const value of [...usernames, ...passwords]) expect(value).toMatch(hex64);
    expect(new Set([...usernames, ...passwords]).size).toBe(6);
    expect(String(proxy)).toBe(`SOCKS5 proxy at ${LOOPBACK}:${server.port}, auth: username`);
  });

  it('sends a different random user id on every SOCKS4 connection', async () => {
    const records: ProxyRecord[] = [];
    const server = await scripted(socks4Script(records));
    const proxy = proxyAt(server, SOCKS4, new SOCKSRandomAuth());
    for (let i = 0; i < 2; i += 1) (await proxy.createConnection(LOOPBACK, echo.port, { timeout: 5 })).socket.destroy();
    expect(records.map((r) => r.username)).toEqual([expect.stringMatching(hex64), expect.stringMatching(hex64)]);
    expect(records[0]!.username).not.toBe(records[1]!.username);
  });

  it('with SOCKSUserAuth, sends the same credentials each time', async () => {
    const records: ProxyRecord[] = [];
    const server = await scripted(socks5Script(records));
    const proxy = proxyAt(server, SOCKS5, new SOCKSUserAuth('dave', 'pw'));
    for (let i = 0; i < 2; i += 1) (await proxy.createConnection(LOOPBACK, echo.port, { timeout: 5 })).socket.destroy();
    expect(records.map(({ username, password }) => [username, password])).toEqual([
      ['dave', 'pw'],
      ['dave', 'pw'],
    ]);
  });
});

describe('with resolve, every address failing', () => {
  /** Refuses 127.0.0.2 with reply 2 and anything else with reply 4. */
  const refusing = async (c: ScriptedConnection): Promise<void> => {
    const [, count] = await c.read(2);
    await c.read(count!);
    c.write([5, 0]);
    await c.read(4);
    const host = [...(await c.read(4))].join('.');
    await c.read(2);
    c.write([5, host === '127.0.0.2' ? 2 : 4, 0, 1, 0, 0, 0, 0, 0, 0]);
  };

  it('differently: a ConnectError listing each failure once, with them all as its cause', async () => {
    const server = await scripted(refusing);
    const lookup = async (): Promise<string[]> => ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
    const error = await failureOf(proxyAt(server, SOCKS5).createConnection('multi.test', 80, { resolve: true, lookup, timeout: 5 }));
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({
      reason: 'network',
      target: 'multi.test:80',
      message: 'multiple exceptions: SOCKSFailure: connection not allowed by ruleset, SOCKSFailure: host unreachable',
    });
    expect((error.cause as AggregateError).errors.map((e: SOCKSFailure) => e.target)).toEqual(['127.0.0.2:80', '127.0.0.3:80', '127.0.0.4:80']);
  });

  it('for SOCKS4, looks up IPv4 addresses only', async () => {
    const families: number[] = [];
    const server = await scripted(async (c) => {
      await socks4UpToRequest(c);
      c.write([0, 91, 0, 0, 0, 0, 0, 0]);
    });
    const lookup = async (_host: string, family: 0 | 4 | 6): Promise<string[]> => {
      families.push(family);
      return ['127.0.0.2'];
    };
    await expect(proxyAt(server, SOCKS4).createConnection('v4.test', 80, { resolve: true, lookup, timeout: 5 })).rejects.toMatchObject({ replyCode: 91 });
    expect(families).toEqual([4]);
  });

  it('a name that does not resolve: ConnectError (dns)', async () => {
    const server = await scripted(async () => undefined);
    const lookup = async (): Promise<string[]> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    };
    await expect(proxyAt(server, SOCKS5).createConnection('nowhere.test', 80, { resolve: true, lookup })).rejects.toMatchObject({
      name: 'ConnectError',
      reason: 'dns',
    });
    expect(server.connections()).toBe(0);
  });
});

it('a failure is a SOCKSFailure and a SOCKSError, never a ConnectError', async () => {
  const server = await scripted(socks5Script([], { refuse: 2 }));
  const error = await failureOf(proxyAt(server, SOCKS5).createConnection(LOOPBACK, echo.port, { timeout: 5 }));
  expect(error).toBeInstanceOf(SOCKSFailure);
  expect(error).toBeInstanceOf(SOCKSError);
  expect(error).not.toBeInstanceOf(ConnectError);
});
