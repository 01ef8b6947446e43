/**
 * The harness's child processes: spawning servers and clients, reading the
 * JSON lines they print, and ending them — every one by its own PID, also
 * when the harness fails or is interrupted (SIGINT/SIGTERM/exit).
 *
 * Each child also runs with RXRPCX_BENCH_CHILD=1 and exits by itself when its
 * stdin (a pipe from the harness) closes, so even a harness killed with
 * SIGKILL leaves nothing behind.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CHILD_ENV } from './common';

/** A program to run. */
export interface Command {
  readonly file: string;
  readonly args: readonly string[];
}

const live = new Set<Child>();
let hooksInstalled = false;

/** Kills every child still running (SIGKILL, by PID). Safe to call from an 'exit' handler. */
export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAllChildren();
      process.stderr.write(`\nbench: ${signal}, children stopped\n`);
      process.exit(130);
    });
  }
}

/** A running child process whose stdout speaks JSON lines. */
export class Child {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly pid: number;
  private readonly lines: string[] = [];
  private waiting: (() => void) | undefined;
  private stderrTail = '';
  private exitCode: number | null | undefined;
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    command: Command,
  ) {
    installHooks();
    this.proc = spawn(command.file, [...command.args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, [CHILD_ENV]: '1' },
    });
    if (this.proc.pid === undefined) throw new Error(`${name}: could not start ${command.file}`);
    this.pid = this.proc.pid;
    live.add(this);
    let partial = '';
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line.trim()) this.lines.push(line);
      this.wake();
    });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    this.proc.stdin.on('error', () => undefined); // EPIPE once the child is gone
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? -1 : null);
        live.delete(this);
        this.wake();
        resolve(this.exitCode);
      });
      this.proc.once('error', (error) => {
        this.stderrTail += `\n${error.message}`;
        this.exitCode = -1;
        live.delete(this);
        this.wake();
        resolve(-1);
      });
    });
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  /** What the child printed on stderr last (for error messages). */
  stderr(): string {
    return this.stderrTail.trim();
  }

  /** The next JSON line the child prints; fails if it exits first or after `timeout` seconds. */
  async nextJson<T>(timeout: number): Promise<T> {
    const deadline = Date.now() + timeout * 1000;
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) {
        try {
          return JSON.parse(line) as T;
        } catch {
          throw new Error(`${this.name}: not a JSON line: ${line.slice(0, 200)}`);
        }
      }
      if (this.exitCode !== undefined) throw new Error(`${this.name} exited (${String(this.exitCode)}) without a result${this.stderrSuffix()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no result within ${timeout} s${this.stderrSuffix()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private stderrSuffix(): string {
    const tail = this.stderr();
    return tail ? `:\n${tail.split('\n').slice(-12).join('\n')}` : '';
  }

  /** Sends a signal to this child (by PID), if it still runs. */
  kill(signal: NodeJS.Signals): void {
    if (this.exitCode !== undefined) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }

  /** Waits for the child to exit by itself (at most `timeout` seconds, then SIGKILL); its exit code. */
  async waitExit(timeout: number): Promise<number | null> {
    const timer = setTimeout(() => this.kill('SIGKILL'), timeout * 1000);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the child: closes its stdin, SIGTERM, then SIGKILL after `grace` seconds. */
  async stop(grace = 3): Promise<void> {
    this.proc.stdin.end();
    this.kill('SIGTERM');
    await this.waitExit(grace);
  }
}
