/**
 * The command line through real SOCKS proxies (microsocks) inside the
 * loopback-only namespace (npm run test:socks): `rxrpcx call --proxy
 * socks5://…` with and without a password, and `rxrpcx proxy-detect` finding
 * microsocks, or nothing. Needs `npm run build` first.
 */
import { join } from 'node:path';
import { FIXTURES, assertBuilt, runCli, startServe, type CliProcess } from '../../cli/cliHarness';
import { LOOPBACK, assertLoopbackOnly, freePort, startMicrosocks, type ProxyProcess } from './socksTestKit';

let served: { readonly cli: CliProcess; readonly urls: Record<string, string> };
let microsocks: ProxyProcess;
let microsocksAuth: ProxyProcess;

beforeAll(async () => {
  assertLoopbackOnly();
  assertBuilt();
  [served, microsocks, microsocksAuth] = await Promise.all([
    startServe(['--tcp', '0', join(FIXTURES, 'methods.mjs')]),
    startMicrosocks(),
    startMicrosocks({ username: 'bob', password: 'hunter2!' }),
  ]);
});

afterAll(async () => {
  await Promise.all([served?.cli.stop(), microsocks?.stop(), microsocksAuth?.stop()]);
});

describe('rxrpcx call --proxy', () => {
  it('reaches the server through microsocks', async () => {
    const result = await runCli(['call', served.urls.tcp!, 'add', '2', '3', '--proxy', `socks5://${LOOPBACK}:${microsocks.port}`]);
    expect(result).toMatchObject({ code: 0, stdout: '5\n', stderr: '' });
  });

  it('authenticates with user:pass from the URL, and never prints the password', async () => {
    const proxy = `socks5://bob:${encodeURIComponent('hunter2!')}@${LOOPBACK}:${microsocksAuth.port}`;
    expect(await runCli(['call', served.urls.tcp!, 'echo', 'hi', '--proxy', proxy])).toMatchObject({ code: 0, stdout: '"hi"\n' });
    const wrong = await runCli(['call', served.urls.tcp!, 'echo', 'hi', '--proxy', `socks5://bob:wrong-secret@${LOOPBACK}:${microsocksAuth.port}`]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/^error: SOCKSFailure RXRPCX_ERR_SOCKS_FAILURE/);
    expect(wrong.stderr).not.toContain('wrong-secret');
  });

  it('sends random credentials with --random-auth (microsocks without auth accepts them)', async () => {
    expect(await runCli(['call', served.urls.tcp!, 'echo', 'tor', '--proxy', `socks5://${LOOPBACK}:${microsocks.port}`, '--random-auth'])).toMatchObject({ code: 0, stdout: '"tor"\n' });
  });

  it('exits 3 when the proxy cannot reach the server', async () => {
    const result = await runCli(['call', `tcp://${LOOPBACK}:${await freePort()}`, 'add', '1', '2', '--proxy', `socks5://${LOOPBACK}:${microsocks.port}`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: SOCKSFailure RXRPCX_ERR_SOCKS_FAILURE/);
  });

  it('--proxy auto finds a Tor-like SOCKS5 proxy on 9050 (microsocks there, in the namespace) and goes through it', async () => {
    const tor = await startMicrosocks(undefined, 9050);
    try {
      expect(await runCli(['call', served.urls.tcp!, 'echo', 'via tor', '--proxy', 'auto', '--random-auth'])).toMatchObject({ code: 0, stdout: '"via tor"\n' });
      expect(tor.log()).toMatch(/client\[\d+\] 127\.0\.0\.1: connected to 127\.0\.0\.1:\d+/);
    } finally {
      await tor.stop();
    }
  });

  it('--proxy auto with nothing on 9050 or 9150 fails with status 3', async () => {
    const result = await runCli(['call', served.urls.tcp!, 'echo', 'x', '--proxy', 'auto']);
    expect(result.code).toBe(3);
  });

  it('refuses a ws:// URL with a proxy rather than bypass it (status 2)', async () => {
    expect((await runCli(['call', 'ws://127.0.0.1:1', 'm', '--proxy', `socks5://${LOOPBACK}:${microsocks.port}`])).code).toBe(2);
  });
});

describe('rxrpcx proxy-detect', () => {
  it('finds microsocks and prints what it found', async () => {
    const closed = await freePort();
    const result = await runCli(['proxy-detect', LOOPBACK, String(closed), String(microsocks.port), '--timeout', '2']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({ protocol: 'SOCKS5', address: `${LOOPBACK}:${microsocks.port}`, auth: 'none' });
  });

  it('exits 3 when nothing is there', async () => {
    const result = await runCli(['proxy-detect', LOOPBACK, String(await freePort()), '--timeout', '1']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^not found: no SOCKS proxy at 127\.0\.0\.1 on port \d+\n$/);
  });
});
