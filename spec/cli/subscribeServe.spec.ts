/**
 * `rxrpcx subscribe` and `rxrpcx serve`, end to end against each other (the
 * reference aiorpcX client and server: spec/interop/cli.spec.ts): pushed
 * notifications, --count, a CommonJS module, session logs, Ctrl-C.
 */
import { join } from 'node:path';
import { FIXTURES, assertBuilt, runCli, startCli, startServe, type CliProcess } from './cliHarness';

let server: { readonly cli: CliProcess; readonly urls: Record<string, string> };

beforeAll(async () => {
  assertBuilt();
  server = await startServe(['--tcp', '0', '--ws', '0', join(FIXTURES, 'methods.mjs')]);
});

afterAll(async () => {
  await server?.cli.stop();
});

describe('rxrpcx subscribe', () => {
  it.each(['tcp', 'ws'])('prints the result, then each pushed notification, until --count (%s)', async (scheme) => {
    const result = await runCli(['subscribe', server.urls[scheme]!, 'ticks', '5', '--count', '3']);
    expect(result).toMatchObject({ code: 0, stdout: 'true\n[5]\n[6]\n[7]\n', stderr: '' });
  });

  it('--notification and --key take only the notifications whose argument matches the call', async () => {
    const result = await runCli(['subscribe', server.urls.tcp!, 'watch', '"a"', '--notification', 'watched', '--key', '0', '--unsubscribe', 'unwatch', '--count', '3']);
    expect(result).toMatchObject({ code: 0, stdout: '"status of a"\n["a",0]\n["a",1]\n["a",2]\n', stderr: '' });
  });

  it('runs until Ctrl-C, which ends it with status 0', async () => {
    const cli = startCli(['subscribe', server.urls.tcp!, 'ticks', '--notification', 'ticks']);
    await cli.waitFor(/^\[1\]$/m, 'stdout');
    const result = await cli.stop('SIGINT');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^true\n\[0\]\n\[1\]\n/);
  });

  it('exits 3 when the server goes away', async () => {
    const own = await startServe(['--tcp', '0', join(FIXTURES, 'methods.mjs')]);
    const cli = startCli(['subscribe', own.urls.tcp!, 'ticks']);
    try {
      await cli.waitFor(/^\[0\]$/m, 'stdout');
      // Ctrl-C on the server: it closes its sessions gracefully, logs it, and exits 0.
      const served = await own.cli.stop('SIGINT');
      expect(served.code).toBe(0);
      expect(served.stderr).toMatch(/closing 1 session\n/);
      expect(served.stderr).toMatch(/ close tcp 127\.0\.0\.1:\d+ after [\d.]+s, 1 received, \d+ sent, 0 errors\n/);
      const result = await cli.exited;
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/^error: ConnectionError RXRPCX_ERR_CONNECTION/m);
    } finally {
      await Promise.all([cli.stop(), own.cli.stop()]);
    }
  });
});

describe('rxrpcx serve', () => {
  it('logs each session connecting and closing', async () => {
    await runCli(['call', server.urls.tcp!, 'add', '1', '1']);
    await server.cli.waitFor(/Z connect tcp 127\.0\.0\.1:\d+\n.*Z close tcp 127\.0\.0\.1:\d+ after [\d.]+s, 1 received, 1 sent, 0 errors\n/);
  });

  it('serves a CommonJS module', async () => {
    const cjs = await startServe(['--ws', '0', join(FIXTURES, 'methods.cjs')]);
    try {
      expect(cjs.cli.stderr()).toContain('serving greet, ping\n');
      expect((await runCli(['call', cjs.urls.ws!, 'greet', 'ann'])).stdout).toBe('"hello ann"\n');
    } finally {
      await cjs.cli.stop();
    }
  });

  it('takes the protocol, framing and protection flags', async () => {
    const strict = await startServe(['--tcp', '0', '--framing', 'content-length', '--protocol', '1.0', '--max-size', '200', join(FIXTURES, 'methods.mjs')]);
    try {
      const args = ['--framing', 'content-length', '--protocol', '1.0'];
      expect(await runCli(['call', strict.urls.tcp!, 'add', '4', '5', ...args])).toMatchObject({ code: 0, stdout: '9\n' });
      // Newline framing against Content-Length: the server never sees a message.
      expect((await runCli(['call', strict.urls.tcp!, 'add', '4', '5', '--timeout', '0.5'])).code).toBe(4);
    } finally {
      await strict.cli.stop();
    }
  });

  it('fails with status 2 on a module it cannot load, 3 on a port it cannot take', async () => {
    expect((await runCli(['serve', '--tcp', '0', join(FIXTURES, 'missing.mjs')])).code).toBe(2);
    const port = server.urls.tcp!.split(':').pop()!;
    const busy = await runCli(['serve', '--tcp', port, join(FIXTURES, 'methods.mjs')]);
    expect(busy.code).toBe(3);
    expect(busy.stderr).toMatch(/^error: ListenError RXRPCX_ERR_LISTEN/);
  });
});
