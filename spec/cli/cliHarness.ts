/**
 * Runs the built command line (`node dist/cjs/node/cli/bin.js`, the package's `bin`) as a child process,
 * as a user would: one-shot runs collected whole, long-running ones (serve,
 * subscribe) with their output watched line by line and stopped by PID.
 * Every child started here is killed by the 'exit' hook if a test leaves it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unlessSettled, within } from '../helpers/deadline';

export const ROOT = join(__dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cjs', 'node', 'cli', 'bin.js');
export const FIXTURES = join(__dirname, 'fixtures');

/** The environment of a child: no colour forced either way, unless a test asks. */
const baseEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  return env;
};

function newestMtime(dir: string): number {
  return Math.max(
    ...readdirSync(dir).map((name) => {
      const path = join(dir, name);
      const stat = statSync(path);
      return stat.isDirectory() ? newestMtime(path) : stat.mtimeMs;
    }),
  );
}

/** Fails unless dist/ was built from the current lib/ (`npm test` builds first; alone: `npm run build`). */
export function assertBuilt(): void {
  let built: number;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    throw new Error(`${CLI} is missing: run npm run build first`);
  }
  if (newestMtime(join(ROOT, 'lib')) > built) throw new Error('dist/ is older than lib/: run npm run build first');
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
});

/** Runs `rxrpcx ARGS…` to its end (killed after `timeoutMs`). */
export function runCli(args: readonly string[], options: { readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...baseEnv(), ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const closed = new Promise<CliResult>((resolve) =>
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return unlessSettled(closed, options.timeoutMs ?? 15_000, () => child.kill('SIGKILL'));
}

/** A long-running `rxrpcx` child: its output so far, waits for a line, and stop(). */
export interface CliProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout or stderr (whichever `stream`), once it appears. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', ms?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<CliResult>;
  /** Sends `signal` (SIGINT by default), waits for the exit; SIGKILL after 5 s. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

export function startCli(args: readonly string[], options: { readonly env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...baseEnv(), ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const out = { stdout: '', stderr: '' };
  const watchers = new Set<() => void>();
  const onData = (stream: 'stdout' | 'stderr') => (text: string) => {
    out[stream] += text;
    for (const watcher of [...watchers]) watcher();
  };
  child.stdout!.setEncoding('utf8').on('data', onData('stdout'));
  child.stderr!.setEncoding('utf8').on('data', onData('stderr'));
  const exited = new Promise<CliResult>((resolve) =>
    child.once('close', (code, signal) => {
      live.delete(child);
      for (const watcher of [...watchers]) watcher();
      resolve({ code, signal, stdout: out.stdout, stderr: out.stderr });
    }),
  );
  const waitFor = (pattern: RegExp, stream: 'stdout' | 'stderr' = 'stderr', ms = 10_000): Promise<RegExpMatchArray> => {
    let check = (): void => undefined;
    const appeared = new Promise<RegExpMatchArray>((resolve, reject) => {
      check = (): void => {
        const match = out[stream].match(pattern);
        if (match) resolve(match);
        else if (child.exitCode !== null || child.signalCode !== null) {
          reject(new Error(`rxrpcx ${args.join(' ')} exited before ${pattern} appeared on ${stream}:\n${out.stdout}\n${out.stderr}`));
        }
      };
      watchers.add(check);
      check();
    });
    return within(appeared, ms, () => `${pattern} did not appear on ${stream} within ${ms} ms:\n${out.stdout}\n${out.stderr}`).finally(() =>
      watchers.delete(check),
    );
  };
  const stop = async (signal: NodeJS.Signals = 'SIGINT'): Promise<CliResult> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return unlessSettled(exited, 5000, () => child.kill('SIGKILL'));
  };
  return { child, stdout: () => out.stdout, stderr: () => out.stderr, waitFor, exited, stop };
}

/** `rxrpcx serve … MODULE` started, with the URLs it listens on. */
export async function startServe(args: readonly string[]): Promise<{ readonly cli: CliProcess; readonly urls: Record<string, string> }> {
  const cli = startCli(['serve', ...args]);
  await cli.waitFor(/^serving /m);
  const urls: Record<string, string> = {};
  for (const match of cli.stderr().matchAll(/^listening on ((tcp|tls|ws|wss):\/\/\S+)$/gm)) urls[match[2]!] = match[1]!;
  return { cli, urls };
}

export interface TestCA {
  /** The CA's certificate (PEM), for `--ca`. */
  readonly caPath: string;
  /** A server certificate for localhost and 127.0.0.1, signed by the CA. */
  readonly certPath: string;
  readonly keyPath: string;
  remove(): void;
}

/** A throw-away certificate authority and a server certificate it signed, made with openssl. */
export function testCertificateAuthority(): TestCA {
  const dir = mkdtempSync(join(tmpdir(), 'rxrpcx-cli-ca-'));
  const path = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path('ca.key'), '-out', path('ca.pem'), '-days', '1', '-subj', '/CN=rxrpcx test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', path('server.key'), '-out', path('server.csr'), '-subj', '/CN=localhost');
  writeFileSync(path('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', path('server.csr'), '-CA', path('ca.pem'), '-CAkey', path('ca.key'), '-CAcreateserial', '-out', path('server.pem'), '-days', '1', '-extfile', path('ext.cnf'));
  return { caPath: path('ca.pem'), certPath: path('server.pem'), keyPath: path('server.key'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
