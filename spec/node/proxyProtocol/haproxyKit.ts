/**
 * A real HAProxy (Debian's `haproxy`) for the PROXY protocol specs: one
 * frontend on a free loopback port relaying TCP (mode tcp, so TLS passes
 * through untouched) to one backend server with `send-proxy` or
 * `send-proxy-v2`. Started as a child in the foreground (`-db`), stopped by
 * its PID.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type DaemonProcess } from '../../helpers/daemon';

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

export { freePort } from '../../helpers/daemon';

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

export type HaproxyProcess = DaemonProcess;

/** Starts HAProxy relaying 127.0.0.1:<free port> to 127.0.0.1:`backendPort`. */
export function startHaproxy(backendPort: number, sendProxy: 'send-proxy' | 'send-proxy-v2'): Promise<HaproxyProcess> {
  return startDaemon(
    requireHaproxy(),
    (port, dir) => {
      const config = join(dir, 'haproxy.cfg');
      writeFileSync(config, haproxyConfig(port, backendPort, sendProxy));
      return ['-f', config, '-db'];
    },
    'haproxy',
  );
}
