/**
 * examples/haproxy/haproxy.cfg: HAProxy accepts it (`haproxy -c`), and run
 * in front of two rxrpcx servers it spreads sessions over both. The run uses
 * the same file with free ports and without `send-proxy-v2` (the servers
 * here are plain `serveRs` ones, without the `proxyProtocol` option).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RPCSession } from 'rxrpcx';
import { connectRs, serveRs, type SessionServer } from 'rxrpcx/node';
import { freePort, waitForPort } from '../../helpers/daemon';

const config = join(__dirname, '..', '..', '..', 'examples', 'haproxy', 'haproxy.cfg');
const run = promisify(execFile);

function haproxyOrHint(): string {
  const found = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (found.error !== undefined || found.status !== 0) {
    throw new Error('haproxy is not installed: `apt-get install -y haproxy` (Debian)');
  }
  return 'haproxy';
}

let haproxy: ChildProcess | undefined;
let dir: string | undefined;
const servers: SessionServer<RPCSession>[] = [];
const clients: RPCSession[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close({ forceAfter: 0 })));
  if (haproxy?.pid !== undefined && haproxy.exitCode === null && haproxy.signalCode === null) {
    const exited = new Promise((resolve) => haproxy!.once('exit', resolve));
    process.kill(haproxy.pid, 'SIGKILL');
    await exited;
  }
  haproxy = undefined;
  await Promise.all(servers.splice(0).map((server) => server.close({ closeSessions: true, forceAfter: 0 })));
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('examples/haproxy', () => {
  it('is a valid HAProxy configuration', async () => {
    const { stdout } = await run(haproxyOrHint(), ['-c', '-f', config]);
    expect(stdout).toMatch(/Configuration file is valid/);
  });

  it('spreads sessions over two rxrpcx hosts', async () => {
    const binary = haproxyOrHint();
    for (const name of ['host1', 'host2']) {
      servers.push(
        await serveRs((transport, options) => new RPCSession(transport, { ...options, handlers: { host: () => name } }), '127.0.0.1', 0),
      );
    }
    const front = await freePort();
    const text = readFileSync(config, 'utf8')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n')
      .replace('127.0.0.1:50010', `127.0.0.1:${front}`)
      .replace('127.0.0.1:50011', `127.0.0.1:${servers[0]!.address.port}`)
      .replace('127.0.0.1:50012', `127.0.0.1:${servers[1]!.address.port}`)
      .replace(/ send-proxy-v2| check-send-proxy/g, '');
    expect(text).not.toMatch(/5001[012]|send-proxy/);
    dir = mkdtempSync(join(tmpdir(), 'rxrpcx-haproxy-'));
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(file, text);
    haproxy = spawn(binary, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    haproxy.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    await waitForPort(front, 5000, 'haproxy').catch((error: Error) => {
      throw new Error(`${error.message}; haproxy said:\n${stderr}`);
    });

    const hosts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const client = await connectRs('127.0.0.1', front, { timeout: 5 });
      clients.push(client);
      hosts.push(await client.sendRequest<string>('host', []));
    }
    expect(hosts.filter((h) => h === 'host1')).toHaveLength(2);
    expect(hosts.filter((h) => h === 'host2')).toHaveLength(2);
    expect(await clients[3]!.sendRequest('host', [])).toBe(hosts[3]);
  });
});
