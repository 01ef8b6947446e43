/**
 * A real HAProxy (Debian's `haproxy`) for the PROXY protocol specs: one
 * frontend on a free loopback port relaying TCP (mode tcp, so TLS passes
 * through untouched) to one backend server with `send-proxy` or
 * `send-proxy-v2`. Started as a child in the foreground (`-db`), stopped by
 * its PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const INSTALL_HINT = 'apt-get install -y haproxy (or `sh scripts/test-setup.sh` as root)';

/** The haproxy binary, or a failure that says how to install it (never a skip). */
export function requireHaproxy(): string {
  const found = spawnSync('sh', ['-c', 'command -v haproxy || ls /usr/sbin/haproxy 2>/dev/null'], { encoding: 'utf8' });
  const path = found.stdout.split('\n')[0]?.trim();
  if (!path) throw new Error(`haproxy is not installed; the PROXY protocol specs run behind a real one: ${INSTALL_HINT}`);
  return path;
}

/** `haproxy -v`'s first line. */
export function haproxyVersion(): string {
  return spawnSync(requireHaproxy(), ['-v'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts on `port` (each refused attempt paces the loop: no timer). */
async function waitForPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = netConnect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`haproxy did not listen on ${port} within ${ms} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The configuration the specs (and the README) use. */
export function haproxyConfig(frontendPort: number, backendPort: number, sendProxy: 'send-proxy' | 'send-proxy-v2'): string {
  return [
    'global',
    '  nbthread 1',
    'defaults',
    '  mode tcp',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    'frontend rpc',
    `  bind 127.0.0.1:${frontendPort}`,
    '  default_backend rxrpcx',
    'backend rxrpcx',
    `  server s1 127.0.0.1:${backendPort} ${sendProxy}`,
    '',
  ].join('\n');
}

export interface HaproxyProcess {
  readonly port: number;
  readonly pid: number;
  log(): string;
  stop(): Promise<void>;
}

/** Starts HAProxy relaying 127.0.0.1:<free port> to 127.0.0.1:`backendPort`. */
export async function startHaproxy(backendPort: number, sendProxy: 'send-proxy' | 'send-proxy-v2'): Promise<HaproxyProcess> {
  const binary = requireHaproxy();
  const dir = mkdtempSync(join(tmpdir(), 'rxrpcx-haproxy-'));
  const logPath = join(dir, 'log');
  for (let attempt = 0; ; attempt += 1) {
    const port = await freePort();
    const config = join(dir, 'haproxy.cfg');
    writeFileSync(config, haproxyConfig(port, backendPort, sendProxy));
    const fd = openSync(logPath, 'w');
    let child: ChildProcess;
    try {
      child = spawn(binary, ['-f', config, '-db'], { stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const early = exited.then(() => {
      throw new Error(`haproxy exited at start: ${readFileSync(logPath, 'utf8')}`);
    });
    try {
      await Promise.race([waitForPort(port, 5000), early]);
    } catch (error) {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      // Someone took the port between freePort() and the start: try another.
      if (attempt < 2) continue;
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    early.catch(() => undefined);
    return {
      port,
      pid: child.pid!,
      log: () => readFileSync(logPath, 'utf8'),
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGTERM');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
