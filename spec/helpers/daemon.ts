/**
 * A daemon of the test's own (microsocks, danted, haproxy …) on a loopback
 * port: started with its log in a temporary directory, awaited until its port
 * accepts, retried on another free port if one was taken meanwhile, and
 * stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A port nothing listens on now (on 127.0.0.1). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts on `port` (each refused attempt is a loopback round trip, so the loop paces itself: no timer). */
export async function waitForPort(port: number, ms = 5000, what = `port ${port}`): Promise<void> {
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
    if (Date.now() > deadline) throw new Error(`${what} did not start listening within ${ms} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A daemon of ours, stopped by its PID. */
export interface DaemonProcess {
  readonly port: number;
  readonly pid: number;
  /** What the process printed (its log). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts `binary` with `args(port, dir)` (`dir`: a fresh temporary directory
 * for its files) on `fixedPort`, or a free port, and waits until it listens.
 */
export async function startDaemon(
  binary: string,
  args: (port: number, dir: string) => string[],
  name: string,
  fixedPort?: number,
): Promise<DaemonProcess> {
  const dir = mkdtempSync(join(tmpdir(), `rxrpcx-${name}-`));
  const logPath = join(dir, 'log');
  for (let attempt = 0; ; attempt += 1) {
    const port = fixedPort ?? (await freePort());
    const fd = openSync(logPath, 'w');
    let child: ChildProcess;
    try {
      child = spawn(binary, args(port, dir), { stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const early = exited.then(() => {
      throw new Error(`${name} exited at start: ${readFileSync(logPath, 'utf8')}`);
    });
    try {
      await Promise.race([waitForPort(port, 5000, name), early]);
    } catch (error) {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      // Someone took the port between freePort() and the start: try another.
      if (attempt < 2 && fixedPort === undefined) continue;
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
