/**
 * What every program of the cross-library comparison shares: the echoed text,
 * command-line flags, reading a process's CPU time and resident memory from
 * /proc, printing one JSON line, and exiting when the harness goes away.
 *
 * The harness talks to its servers and clients through JSON lines on their
 * stdout; every child also exits as soon as its stdin closes, so no child
 * outlives a harness that was killed.
 */
import { readFileSync } from 'node:fs';

/** The ~100-byte string every stack echoes (exactly 100 ASCII characters). */
export const ECHO_TEXT = 'rxrpcx bench: the quick brown fox jumps over the lazy dog, 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ ok!'.padEnd(100, '.').slice(0, 100);

/** `--name value` pairs (and bare `--flag`s, as "true") from argv. */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        flags.set(arg.slice(2), next);
        i++;
      } else {
        flags.set(arg.slice(2), 'true');
      }
    }
  }
  return flags;
}

/** A numeric flag, or `fallback` when absent. */
export function numberFlag(flags: Map<string, string>, name: string, fallback?: number): number {
  const text = flags.get(name);
  if (text === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`--${name}: not a number: ${JSON.stringify(text)}`);
  return value;
}

/** A string flag, or `fallback` when absent. */
export function stringFlag(flags: Map<string, string>, name: string, fallback: string): string {
  return flags.get(name) ?? fallback;
}

/** utime + stime of a process, in clock ticks (all its threads), from /proc/<pid>/stat. */
export function readCpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return Number(fields[11]) + Number(fields[12]);
}

/** The whole machine's CPU time from /proc/stat, clock ticks: busy (user, nice, system, irq, softirq) and steal. */
export function readMachineTicks(): { readonly busy: number; readonly steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return { busy: (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0), steal: steal ?? 0 };
}

/** Resident set size of a process in KiB, from /proc/<pid>/status (VmRSS). */
export function readRssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** Prints one JSON line on stdout: how the programs answer the harness. */
export function printJson(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Set by the harness in its children's environment. */
export const CHILD_ENV = 'RXRPCX_BENCH_CHILD';

/**
 * Under the harness ({@link CHILD_ENV} set): exits (status 0) when stdin
 * closes, i.e. when the harness that spawned us is done or gone. Run by hand,
 * Ctrl-C stops the program instead.
 */
export function exitWhenStdinCloses(): void {
  if (process.env[CHILD_ENV] !== '1') return;
  process.stdin.on('data', () => undefined);
  // Watching stdin must not keep a finished client alive.
  process.stdin.unref();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
}

/** Runs a program's main, printing a failure on stderr and exiting 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}

/** The p-th percentile (0..100) of ascending-sorted values (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** Now, in µs, from `process.hrtime.bigint()` (a double: exact to the ns for years of uptime). */
export function nowUs(): number {
  return Number(process.hrtime.bigint()) / 1e3;
}

/** How many latencies a client keeps: every request up to this count, then a uniform sample of them. */
export const LATENCY_CAPACITY = 1 << 20;

/**
 * The latencies (µs) of the requests completed in a measured window, in a
 * preallocated Float64Array: every one while they fit, then a uniform sample
 * of all of them (reservoir sampling), so memory is bounded and recording
 * costs a store (and, past the capacity, one Math.random).
 */
export class LatencySample {
  private readonly values: Float64Array;
  private seen = 0;
  private total = 0;

  constructor(capacity = LATENCY_CAPACITY) {
    this.values = new Float64Array(capacity);
  }

  record(us: number): void {
    const n = this.seen++;
    this.total += us;
    if (n < this.values.length) {
      this.values[n] = us;
    } else {
      const slot = Math.floor(Math.random() * (n + 1));
      if (slot < this.values.length) this.values[slot] = us;
    }
  }

  /** p50, p99 and mean in µs, and how many requests were timed (NaN percentiles when none). */
  summary(): { readonly p50Us: number; readonly p99Us: number; readonly meanUs: number; readonly timed: number } {
    const sorted = this.values.subarray(0, Math.min(this.seen, this.values.length)).sort();
    return { p50Us: percentile(sorted, 50), p99Us: percentile(sorted, 99), meanUs: this.seen ? this.total / this.seen : Number.NaN, timed: this.seen };
  }
}

/** Which `echo` handler a server uses: returning the string (sync) or a Promise of it (async). */
export type HandlerKind = 'sync' | 'async';

/** The `--handler sync|async` flag of the servers (sync when absent). */
export function handlerFlag(flags: Map<string, string>): HandlerKind {
  const kind = stringFlag(flags, 'handler', 'sync');
  if (kind !== 'sync' && kind !== 'async') throw new Error(`--handler: sync or async, not ${JSON.stringify(kind)}`);
  return kind;
}

/** What a load-generating client prints when it is done (one JSON line). */
export interface ClientResult {
  /** Requests completed inside the measured window. */
  readonly requests: number;
  /** Length of the measured window, seconds (measured, not the asked one). */
  readonly seconds: number;
  /** requests / seconds. */
  readonly rps: number;
  /** The server's utime+stime over the window, clock ticks (when --server-pid was given). */
  readonly serverCpuTicks: number | null;
  /** This client's own CPU time over the window, µs. */
  readonly clientCpuUs: number;
  /** The whole machine's busy CPU time over the window, clock ticks (all processes: ours and anyone else's). */
  readonly machineBusyTicks: number;
  /** CPU time the hypervisor stole over the window, clock ticks. */
  readonly machineStealTicks: number;
  /** Replies that were not the echoed text (must be 0). */
  readonly wrongReplies: number;
  /** Latency of the requests completed in the window, µs (every mode): send to reply, timed by the client. */
  readonly p50Us?: number;
  readonly p99Us?: number;
  readonly meanUs?: number;
  /** How many requests the percentiles are from (all those completed in the window). */
  readonly timed?: number;
}

/** What a client reads from its command line. */
export interface LoadOptions {
  readonly port: number;
  readonly conns: number;
  readonly outstanding: number;
  readonly seconds: number;
  readonly ramp: number;
  readonly serverPid: number | null;
  readonly mode: 'pipelined' | 'latency';
}

/** The load options from `--port --conns --outstanding --seconds --ramp --server-pid --mode`. */
export function loadOptions(flags: Map<string, string>): LoadOptions {
  const mode = stringFlag(flags, 'mode', 'pipelined');
  if (mode !== 'pipelined' && mode !== 'latency') throw new Error(`--mode: pipelined or latency, not ${mode}`);
  const serverPid = numberFlag(flags, 'server-pid', 0);
  return {
    port: numberFlag(flags, 'port'),
    conns: mode === 'latency' ? 1 : numberFlag(flags, 'conns', 1),
    outstanding: mode === 'latency' ? 1 : numberFlag(flags, 'outstanding', 64),
    seconds: numberFlag(flags, 'seconds', 3),
    ramp: numberFlag(flags, 'ramp', 0.5),
    serverPid: serverPid > 0 ? serverPid : null,
    mode,
  };
}

/** A snapshot at one edge of the measured window. */
export interface WindowEdge {
  readonly completed: number;
  readonly at: bigint;
  readonly serverTicks: number | null;
  readonly client: NodeJS.CpuUsage;
  readonly machine: { readonly busy: number; readonly steal: number };
}

/** Takes a window-edge snapshot given the number of requests completed so far. */
export function windowEdge(completed: number, serverPid: number | null): WindowEdge {
  return {
    completed,
    at: process.hrtime.bigint(),
    serverTicks: serverPid === null ? null : readCpuTicks(serverPid),
    client: process.cpuUsage(),
    machine: readMachineTicks(),
  };
}

/** The client result between two window edges. */
export function windowResult(start: WindowEdge, end: WindowEdge, wrongReplies: number): ClientResult {
  const seconds = Number(end.at - start.at) / 1e9;
  const requests = end.completed - start.completed;
  return {
    requests,
    seconds,
    rps: requests / seconds,
    serverCpuTicks: start.serverTicks === null || end.serverTicks === null ? null : end.serverTicks - start.serverTicks,
    clientCpuUs: end.client.user + end.client.system - (start.client.user + start.client.system),
    machineBusyTicks: end.machine.busy - start.machine.busy,
    machineStealTicks: end.machine.steal - start.machine.steal,
    wrongReplies,
  };
}

/** Sleeps `seconds`. */
export function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}
