/**
 * Issue 13: no object that holds SOCKS credentials shows them — not in
 * `util.inspect` (hidden properties included), `JSON.stringify`, `String`,
 * its enumerable keys or a structured clone — and neither does anything made
 * from it: the proxy, a transport and a session through it, and the errors
 * of a failed authentication with a real microsocks. Run inside a
 * loopback-only network namespace.
 */
import { inspect } from 'node:util';
import { RPCSession } from 'rxrpcx';
import { SOCKS4, SOCKS5, SOCKSProxy, SOCKSRandomAuth, SOCKSUserAuth, connectRs, serveRs, type SessionServer } from 'rxrpcx/node';
import { LOOPBACK, assertLoopbackOnly, freePort, startMicrosocks, type ProxyProcess } from './socksTestKit';

const USER = 'user-e1f0c9a3';
const PASSWORD = 'pw-7b2d44c1';

/** Every way an object gets shown or copied, as one text. */
function shown(value: unknown): string {
  const views: string[] = [inspect(value, { depth: 10, showHidden: true }), inspect(value, { depth: 10, getters: true }), String(value)];
  try {
    views.push(JSON.stringify(value) ?? '');
  } catch {
    // Circular (a session, a socket): nothing is shown.
  }
  if (typeof value === 'object' && value !== null) {
    views.push(Object.keys(value).join(','), JSON.stringify(Object.values(value).filter((v) => typeof v !== 'object' || v === null)));
    try {
      views.push(inspect(structuredClone(value), { depth: 10, showHidden: true }));
    } catch {
      // Not cloneable (holds functions or sockets): nothing is copied.
    }
  }
  return views.join('\n');
}

function expectNoSecrets(value: unknown, ...secrets: string[]): void {
  const text = shown(value);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('credentials never show (no I/O)', () => {
  it('SOCKSUserAuth shows neither the username nor the password, yet hands both to the handshake', () => {
    const auth = new SOCKSUserAuth(USER, PASSWORD);
    expectNoSecrets(auth, USER, PASSWORD);
    expect(Object.keys(auth)).toEqual([]);
    expect(inspect(auth)).toBe("SOCKSUserAuth { username: '<redacted>', password: '<redacted>' }");
    expect(JSON.parse(JSON.stringify(auth))).toEqual({ username: '<redacted>', password: '<redacted>' });
    expect(auth.username).toBe(USER);
    expect(auth.password).toBe(PASSWORD);
    expect(auth.credentials()).toEqual({ username: USER, password: PASSWORD });
  });

  it('SOCKSProxy shows whether it has credentials, never which', () => {
    for (const protocol of [SOCKS4, SOCKS5]) {
      const proxy = new SOCKSProxy('127.0.0.1:1080', protocol, new SOCKSUserAuth(USER, PASSWORD));
      expectNoSecrets(proxy, USER, PASSWORD);
      expect(String(proxy)).toBe(`${protocol} proxy at 127.0.0.1:1080, auth: username`);
      expect(proxy.auth).toBeInstanceOf(SOCKSUserAuth);
    }
  });

  it('SOCKSRandomAuth and a proxy using it show no drawn credentials', () => {
    const auth = new SOCKSRandomAuth();
    const proxy = new SOCKSProxy('127.0.0.1:1080', SOCKS5, auth);
    const drawn = auth.credentials();
    expectNoSecrets(auth, drawn.username, drawn.password);
    expectNoSecrets(proxy, drawn.username, drawn.password);
  });

  it('a custom SOCKSAuth holding its secrets in fields is not shown through the proxy', () => {
    const custom = { user: USER, secret: PASSWORD, credentials: () => ({ username: USER, password: PASSWORD }) };
    const proxy = new SOCKSProxy('127.0.0.1:1080', SOCKS5, custom);
    expectNoSecrets(proxy, USER, PASSWORD);
    expect(proxy.auth).toBe(custom);
  });

  it('credential errors found before any I/O name no credential', async () => {
    const longUser = `${USER}${'u'.repeat(300)}`;
    const proxy = new SOCKSProxy('127.0.0.1:9', SOCKS5, new SOCKSUserAuth(longUser, PASSWORD));
    const error = await proxy.createConnection('127.0.0.1', 80, { timeout: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SOCKSProtocolError', reason: 'credentials' });
    expectNoSecrets(error, USER, PASSWORD);
  });
});

describe('credentials never show (through a real microsocks)', () => {
  let microsocksAuth: ProxyProcess;
  let server: SessionServer<RPCSession>;

  beforeAll(async () => {
    assertLoopbackOnly();
    [microsocksAuth, server] = await Promise.all([
      startMicrosocks({ username: USER, password: PASSWORD }),
      serveRs((t, o) => new RPCSession(t, { ...o, handlers: { echo: (x: unknown) => x } }), LOOPBACK, 0),
    ]);
  });

  afterAll(async () => {
    await Promise.all([microsocksAuth?.stop(), server?.close({ closeSessions: true })]);
  });

  it('the error of a rejected password, and its causes, show no credentials', async () => {
    const wrong = 'wrong-pw-93ac0e';
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocksAuth.port}`, SOCKS5, new SOCKSUserAuth(USER, wrong));
    const error = await proxy.createConnection(LOOPBACK, server.address.port, { timeout: 5 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SOCKSFailure', stage: 'auth' });
    expectNoSecrets(error, USER, wrong);
    expectNoSecrets((error as Error).cause, USER, wrong);
    expectNoSecrets(proxy, USER, wrong);
  });

  it('a failed session connection (connectRs) shows no credentials in its error', async () => {
    const wrong = 'wrong-pw-5d1b7f';
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocksAuth.port}`, SOCKS5, new SOCKSUserAuth(USER, wrong));
    const error = await connectRs(LOOPBACK, server.address.port, { proxy, timeout: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expectNoSecrets(error, USER, wrong);
  });

  it('a proxy nobody listens at fails with a ConnectError that shows no credentials', async () => {
    const proxy = new SOCKSProxy(`${LOOPBACK}:${await freePort()}`, SOCKS5, new SOCKSUserAuth(USER, PASSWORD));
    const error = await proxy.createConnection(LOOPBACK, server.address.port, { timeout: 5 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ConnectError' });
    expectNoSecrets(error, USER, PASSWORD);
  });

  it('a session through the proxy, its transport and proxy() show no credentials', async () => {
    const proxy = new SOCKSProxy(`${LOOPBACK}:${microsocksAuth.port}`, SOCKS5, new SOCKSUserAuth(USER, PASSWORD));
    const session = await connectRs(LOOPBACK, server.address.port, { proxy, timeout: 5 });
    try {
      expect(await session.sendRequest('echo', ['hi'])).toBe('hi');
      expect(session.proxy()).toBe(proxy);
      expectNoSecrets(session.proxy(), USER, PASSWORD);
      expectNoSecrets(session.transport, USER, PASSWORD);
      expectNoSecrets(session, USER, PASSWORD);
    } finally {
      await session.close();
    }
  });
});
