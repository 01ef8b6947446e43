/**
 * The runnable examples, compiled as `npm run example:*` runs them: each
 * server on an ephemeral port in a child process, its client against it, and
 * the client's output checked line by line.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defer, runCleanups } from './sessionHelpers';

const root = join(__dirname, '..', '..', '..');
const compiled = join(root, 'dist-examples');
const run = promisify(execFile);

afterEach(runCleanups);

/** Compiles the library and the examples if their output is missing or older than a source, as `npm run example:*` does. */
function ensureBuilt(): void {
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-stale.mjs')], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`scripts/build-if-stale.mjs failed (${build.status}):\n${build.stdout}${build.stderr}`);
}

interface Server {
  readonly child: ChildProcess;
  /** What the server printed after its address. */
  readonly output: () => string;
  /** The address it printed: `host:port` or a ws URL. */
  readonly address: string;
}

/** Starts a compiled example server on port 0 and waits for the line with its address. */
async function startServer(name: string): Promise<Server> {
  const child = spawn(process.execPath, [join(compiled, `${name}.js`), '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  defer(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let text = '';
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const found = /listening on (\S+)/.exec(text);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${text}`)));
  });
  return { child, address, output: () => text };
}

/** Sends SIGTERM and resolves with the exit code. */
function stop(server: Server): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
  server.child.kill('SIGTERM');
  return exited;
}

const expectedConversation = (connectedTo: string): string[] => [
  `connected to ${connectedTo}`,
  'echo("hello") → "hello"',
  'subscribe() → true',
  'counter [0]',
  'counter [1]',
  'counter [2]',
  'closed',
];

describe('examples', () => {
  beforeAll(ensureBuilt, 120_000);

  it('tcp-client talks to tcp-server: echo, subscribe, three counters, close', async () => {
    const server = await startServer('tcp-server');
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const port = server.address.split(':')[1]!;
    const { stdout } = await run(process.execPath, [join(compiled, 'tcp-client.js'), '127.0.0.1', port], { timeout: 10_000 });
    expect(stdout.trim().split('\n')).toEqual(expectedConversation(server.address));

    expect(await stop(server)).toBe(0);
    expect(server.output()).toMatch(/\+ session from 127\.0\.0\.1:\d+\n- session from 127\.0\.0\.1:\d+ closed\n/);
    expect(server.output()).toMatch(/stopping\nstopped\n$/);
  });

  it('ws-client talks to ws-server: echo, subscribe, three counters, close', async () => {
    const server = await startServer('ws-server');
    expect(server.address).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const { stdout } = await run(process.execPath, [join(compiled, 'ws-client.js'), server.address], { timeout: 10_000 });
    expect(stdout.trim().split('\n')).toEqual(expectedConversation(server.address));

    expect(await stop(server)).toBe(0);
    expect(server.output()).toMatch(/\+ session from 127\.0\.0\.1:\d+\n- session from 127\.0\.0\.1:\d+ closed\n/);
  });

  it('a server stopping closes its live sessions, and a client without a server fails with exit code 1', async () => {
    const server = await startServer('tcp-server');
    const port = server.address.split(':')[1]!;
    // A client mid-conversation when the server stops: it reports the failure.
    const client = run(process.execPath, [join(compiled, 'tcp-client.js'), '127.0.0.1', port], { timeout: 10_000 });
    await new Promise<void>((resolve) => {
      const look = (): void => (server.output().includes('+ session from') ? resolve() : void setImmediate(look));
      look();
    });
    expect(await stop(server)).toBe(0);
    const failure = (await client.then(
      () => undefined,
      (error: unknown) => error,
    )) as { code?: number; stderr?: string } | undefined;
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/ConnectionError|went away/);

    const refused = (await run(process.execPath, [join(compiled, 'tcp-client.js'), '127.0.0.1', port], { timeout: 10_000 }).then(
      () => undefined,
      (error: unknown) => error,
    )) as { code?: number; stderr?: string } | undefined;
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toMatch(/^ConnectError: /);
  });
});
