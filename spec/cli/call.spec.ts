/**
 * `rxrpcx call`, end to end: the built CLI against an rxrpcx server that is
 * itself `rxrpcx serve` (spec/cli/fixtures/methods.mjs) over TCP, WebSocket,
 * and TLS with a test CA; output shape when piped, and an exit status per
 * error class. (Against the reference aiorpcX: spec/interop/cli.spec.ts;
 * through SOCKS: spec/node/socks/cli.spec.ts.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { FIXTURES, assertBuilt, runCli, startCli, startServe, testCertificateAuthority, type CliProcess, type TestCA } from './cliHarness';

let plain: { readonly cli: CliProcess; readonly urls: Record<string, string> };
let secure: { readonly cli: CliProcess; readonly urls: Record<string, string> };
let ca: TestCA;
const methods = join(FIXTURES, 'methods.mjs');

beforeAll(async () => {
  assertBuilt();
  ca = testCertificateAuthority();
  [plain, secure] = await Promise.all([
    startServe(['--tcp', '0', '--ws', '0', methods]),
    startServe(['--tcp', '0', '--ws', '0', '--tls-cert', ca.certPath, '--tls-key', ca.keyPath, methods]),
  ]);
});

afterAll(async () => {
  await Promise.all([plain?.cli.stop(), secure?.cli.stop()]);
  ca?.remove();
});

const localhost = (url: string): string => url.replace('127.0.0.1', 'localhost');

describe('rxrpcx call', () => {
  it('prints the result as one compact JSON line when piped, over TCP', async () => {
    expect(await runCli(['call', plain.urls.tcp!, 'add', '2', '3'])).toMatchObject({ code: 0, stdout: '5\n', stderr: '' });
    const echoed = await runCli(['call', plain.urls.tcp!, 'echo', '{"a": [1, "two", null, true]}']);
    expect(echoed).toMatchObject({ code: 0, stdout: '{"a":[1,"two",null,true]}\n' });
  });

  it('reads a bare word that is not JSON as a string, and --named as an object', async () => {
    expect((await runCli(['call', plain.urls.tcp!, 'echo', 'hello'])).stdout).toBe('"hello"\n');
    // A plain function takes positional arguments only: the server says so, by name.
    const named = await runCli(['call', plain.urls.tcp!, 'add', '--named', 'a=1', 'b=2']);
    expect(named.code).toBe(1);
    expect(named.stderr).toContain('RPCError -32602');
  });

  it('speaks WebSocket', async () => {
    const result = await runCli(['call', plain.urls.ws!, 'server.version', '"me"', '"1.4"']);
    expect(result).toMatchObject({ code: 0, stdout: '["rxrpcx-cli-test","1.4"]\n' });
  });

  it('prints the server answer over tls:// with a test CA (--ca), and fails without it', async () => {
    const url = localhost(secure.urls.tls!);
    expect(await runCli(['call', url, 'server.version', '"me"', '"1.4"', '--ca', ca.caPath])).toMatchObject({
      code: 0,
      stdout: '["rxrpcx-cli-test","1.4"]\n',
    });
    const untrusted = await runCli(['call', url, 'server.version', '"me"', '"1.4"']);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/^error: ConnectError RXRPCX_ERR_CONNECT \(tls\)/);
    expect(untrusted.stdout).toBe('');
    expect((await runCli(['call', url, 'echo', 'x', '--insecure'])).stdout).toBe('"x"\n');
  });

  it('checks the name in the certificate, and --servername sets it', async () => {
    const byAddress = secure.urls.tls!; // 127.0.0.1 is in the certificate too
    expect((await runCli(['call', byAddress, 'echo', 'ip', '--ca', ca.caPath])).stdout).toBe('"ip"\n');
    const wrongName = await runCli(['call', byAddress, 'echo', 'x', '--ca', ca.caPath, '--servername', 'example.org']);
    expect(wrongName.code).toBe(3);
    expect(wrongName.stderr).toContain('(tls)');
    expect((await runCli(['call', secure.urls.wss!, 'echo', 'wss', '--ca', ca.caPath, '--servername', 'localhost'])).stdout).toBe('"wss"\n');
  });

  it('sends a batch from a JSON-lines file and prints one result per request', async () => {
    const file = join(ca.caPath, '..', 'batch.jsonl');
    writeFileSync(file, '{"method": "add", "params": [1, 2]}\n\n["echo", "x"]\n{"method": "echo", "params": ["n"], "notification": true}\n{"method": "nope"}\n');
    const result = await runCli(['call', plain.urls.tcp!, '--batch', file]);
    expect(result.stdout).toBe('3\n"x"\n{"error":{"code":-32601,"message":"unknown method \\"nope\\""}}\n');
    expect(result.code).toBe(1);
  });

  describe('exit statuses', () => {
    it('1: an RPC error reply, shown on stderr with name, code and message', async () => {
      const result = await runCli(['call', plain.urls.tcp!, 'nope']);
      expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'error: RPCError -32601: unknown method "nope"\n' });
      expect((await runCli(['call', plain.urls.tcp!, 'fail'])).stderr).toBe('error: RPCError -32603: internal server error\n');
    });

    it('2: usage', async () => {
      for (const args of [['call'], ['call', 'http://x', 'm'], ['call', plain.urls.tcp!], ['call', plain.urls.tcp!, 'm', '--bogus'], ['call', plain.urls.tcp!, 'm', '--timeout', '0'], ['nonsense']]) {
        const result = await runCli(args);
        expect([args, result.code]).toEqual([args, 2]);
        expect(result.stderr).toMatch(/^error: UsageError RXRPCX_ERR_USAGE: [\s\S]*\nsee: rxrpcx /);
      }
    });

    it('3: nothing listens', async () => {
      const result = await runCli(['call', 'tcp://127.0.0.1:1', 'add', '1', '2']);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/^error: ConnectError RXRPCX_ERR_CONNECT \(refused\)/);
    });

    it('4: the answer takes longer than --timeout', async () => {
      const result = await runCli(['call', plain.urls.tcp!, 'hang', '--timeout', '0.3']);
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/^error: TaskTimeout RXRPCX_ERR_TASK_TIMEOUT/);
    });

    it('5: a reply that breaks JSON-RPC', async () => {
      // A server that answers every line with a response holding both "result" and "error".
      const sockets = new Set<Socket>();
      const liar = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('data', () => socket.write('{"jsonrpc": "2.0", "id": 0, "result": 1, "error": {"code": 1, "message": "x"}}\n'));
      });
      await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
      try {
        const result = await runCli(['call', `tcp://127.0.0.1:${(liar.address() as AddressInfo).port}`, 'add', '1', '2', '--timeout', '5']);
        expect(result).toMatchObject({ code: 5, stdout: '', stderr: 'error: ProtocolError -32600: response contains both "result" and "error"\n' });
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => liar.close(resolve));
      }
    });

    it('130: Ctrl-C while waiting', async () => {
      const cli = startCli(['call', plain.urls.tcp!, 'hang']);
      await plain.cli.waitFor(/connect tcp .*\n(?![\s\S]*close tcp)/);
      const result = await cli.stop('SIGINT');
      expect(result.code).toBe(130);
      expect(result.stderr).toContain('interrupted');
    });
  });

  it('answers --help, --version, and --help per command', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(await runCli(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
    const help = await runCli(['--help']);
    expect(help.stdout).toContain('Exit status:');
    for (const command of ['call', 'subscribe', 'serve', 'proxy-detect']) {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: rxrpcx ${command} `));
    }
  });
});
