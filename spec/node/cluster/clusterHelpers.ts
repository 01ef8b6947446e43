/**
 * Runs a cluster fixture in a child process: bundles it with esbuild (so the
 * workers `node:cluster` forks run the same file), spawns it, reads its JSON
 * lines, and kills it — and every worker pid it reported — by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { within } from '../../helpers/deadline';

const root = join(__dirname, '..', '..', '..');

/** Bundles `spec/node/cluster/<name>.ts` into a temp dir; returns the file and a cleanup. */
export function bundleFixture(name: string): { readonly file: string; readonly remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'rxrpcx-cluster-'));
  const file = join(dir, `${name}.js`);
  buildSync({
    entryPoints: [join(__dirname, `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: file,
    logLevel: 'error',
    tsconfig: join(root, 'tsconfig.json'),
  });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Whether a process is alive (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A running fixture: its JSON lines as they come, and its exit. */
export class FixtureProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly lines: Record<string, unknown>[] = [];
  /** Every worker pid the fixture reported, to kill them by PID at the end. */
  readonly workerPids = new Set<number>();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderrText = '';
  private wake: (() => void) | undefined;

  constructor(file: string, args: readonly string[] = []) {
    this.child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (this.child.pid === undefined) throw new Error('fixture did not start');
    this.pid = this.child.pid;
    let partial = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (!line.trim()) continue;
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (Array.isArray(parsed['workers'])) for (const w of parsed['workers'] as { pid: number }[]) this.workerPids.add(w.pid);
        this.lines.push(parsed);
      }
      this.wake?.();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderrText += chunk));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.wake?.();
        resolve({ code, signal });
      }),
    );
  }

  stderr(): string {
    return this.stderrText;
  }

  /** The first line (from `from` on) that `match` accepts; fails after `timeoutMs` or if the fixture exits. */
  async waitFor<T = Record<string, unknown>>(match: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000, from = 0): Promise<T> {
    const line = await within(
      this.nextLine(match, from),
      timeoutMs,
      () => `no such line within ${timeoutMs} ms; got:\n${this.lines.map((l) => JSON.stringify(l)).join('\n')}\n${this.stderrText}`,
    );
    return line as T;
  }

  /** The first line from `from` on that `match` accepts, as it arrives; rejects if the fixture exits first. */
  private async nextLine(match: (line: Record<string, unknown>) => boolean, from: number): Promise<Record<string, unknown>> {
    for (;;) {
      const found = this.lines.slice(from).find(match);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`fixture exited before the line came:\n${this.stderrText}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** SIGKILL to the fixture and every worker it reported, each by PID. */
  async kill(): Promise<void> {
    for (const pid of [this.pid, ...this.workerPids]) {
      if (alive(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    await this.exited;
  }
}
