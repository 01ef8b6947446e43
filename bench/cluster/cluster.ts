/**
 * The cluster benchmark (`npm run bench:cluster`): the same load against an
 * rxrpcx `serveCluster` of 1 worker and of N workers (N = the machine's
 * cores), reporting requests/s and the scale factor N-workers / 1-worker.
 *
 * The load is the comparison's raw generator (`bench/compare/raw-client.ts`,
 * the cheapest client there is, so the server side is what is measured) in
 * `--clients` separate processes, each with `--conns` connections keeping
 * `--outstanding` requests in flight, echoing the 100-character text. For
 * each run and each worker count: a fresh cluster, a warm-up of `--warmup`
 * s, then the clients together (`--ramp` s, then a `--seconds` s window).
 * Runs alternate 1 and N workers; the table shows medians.
 *
 *   npm run bench:cluster
 *   npm run bench:cluster -- --runs 3 --seconds 3 --workers 2 --clients 1 --conns 100 --outstanding 8
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { readCpuTicks, readMachineTicks, numberFlag, parseFlags, runMain, sleep, type ClientResult } from '../compare/common';
import { median } from '../compare/figures';
import { Child, type Command } from '../compare/procs';
import { formatRate, renderTable } from '../compare/report';
import { rawGenerator } from '../compare/stacks';

const QUIET_SHARE = 0.15;

interface Figures {
  readonly workers: number;
  readonly rps: number;
  /** Cores the server processes (primary and workers) used over ramp + window. */
  readonly serverCores: number;
  /** Cores the client processes used over the window. */
  readonly clientCores: number;
  /** Cores the whole machine was busy over the window (ours and everyone else's). */
  readonly machineCores: number;
}

let ticks: number | undefined;
/** Clock ticks per second (`getconf CLK_TCK`), the unit of /proc's CPU times. */
function clockTicks(): number {
  return (ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100);
}

/** Waits (at most `limit` s) until the machine is busy less than QUIET_SHARE of a core. */
async function waitQuiet(limit: number): Promise<void> {
  const deadline = Date.now() + limit * 1000;
  for (;;) {
    const before = readMachineTicks().busy;
    await sleep(0.5);
    const share = (readMachineTicks().busy - before) / clockTicks() / 0.5;
    if (share <= QUIET_SHARE) return;
    if (Date.now() > deadline) {
      process.stdout.write(`  (still ${Math.round(share * 100)}% of a core busy; going on)\n`);
      return;
    }
    await sleep(1.5);
  }
}

async function measure(workers: number, flags: Map<string, string>): Promise<Figures> {
  const server = new Child(`cluster(${workers})`, { file: process.execPath, args: [join(__dirname, 'clusterServer.js'), '--workers', String(workers)] });
  try {
    const ready = await server.nextJson<{ port: number; pid: number; workers: number[] }>(30);
    const pids = [ready.pid, ...ready.workers];
    const load = (conns: number, seconds: number, ramp: number): Command =>
      rawGenerator('newline', [
        '--port', String(ready.port),
        '--conns', String(conns),
        '--outstanding', String(numberFlag(flags, 'outstanding', 8)),
        '--seconds', String(seconds),
        '--ramp', String(ramp),
      ]);
    const warmup = numberFlag(flags, 'warmup', 1);
    if (warmup > 0) {
      const warm = new Child('warm-up', load(Math.max(workers * 4, 8), warmup, 0));
      await warm.nextJson<ClientResult>(warmup + 30);
      await warm.stop();
    }
    const seconds = numberFlag(flags, 'seconds', 3);
    const ramp = numberFlag(flags, 'ramp', 0.5);
    const cpuBefore = pids.reduce((sum, pid) => sum + readCpuTicks(pid), 0);
    const clients = Array.from({ length: numberFlag(flags, 'clients', 1) }, (_, i) => new Child(`client ${i}`, load(numberFlag(flags, 'conns', 100), seconds, ramp)));
    const results = await Promise.all(clients.map((c) => c.nextJson<ClientResult>(seconds + ramp + 30)));
    const cpuAfter = pids.reduce((sum, pid) => sum + readCpuTicks(pid), 0);
    await Promise.all(clients.map((c) => c.stop()));
    if (results.some((r) => r.wrongReplies > 0)) throw new Error('wrong replies');
    return {
      workers,
      rps: results.reduce((sum, r) => sum + r.rps, 0),
      serverCores: (cpuAfter - cpuBefore) / clockTicks() / (seconds + ramp),
      clientCores: results.reduce((sum, r) => sum + r.clientCpuUs / 1e6 / r.seconds, 0),
      machineCores: Math.max(...results.map((r) => r.machineBusyTicks / clockTicks() / r.seconds)),
    };
  } finally {
    await server.stop(5);
  }
}

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2));
  const n = numberFlag(flags, 'workers', availableParallelism());
  const runs = numberFlag(flags, 'runs', 3);
  const counts = n === 1 ? [1] : [1, n];
  const figures: Figures[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const workers of counts) {
      await waitQuiet(numberFlag(flags, 'quiet-wait', 30));
      const f = await measure(workers, flags);
      figures.push(f);
      process.stdout.write(
        `run ${run}, ${workers} worker(s): ${formatRate(f.rps)} req/s, server ${f.serverCores.toFixed(2)} cores, client ${f.clientCores.toFixed(2)}, machine ${f.machineCores.toFixed(2)} cores busy\n`,
      );
    }
  }
  const medianOf = (workers: number, key: 'rps' | 'serverCores' | 'clientCores' | 'machineCores'): number =>
    median(figures.filter((f) => f.workers === workers).map((f) => f[key])) ?? Number.NaN;
  const base = medianOf(1, 'rps');
  const rows = counts.map((workers) => [
    String(workers),
    formatRate(medianOf(workers, 'rps')),
    (medianOf(workers, 'rps') / base).toFixed(2),
    medianOf(workers, 'serverCores').toFixed(2),
    medianOf(workers, 'clientCores').toFixed(2),
    medianOf(workers, 'machineCores').toFixed(2),
  ]);
  process.stdout.write(`\n${renderTable(['workers', 'req/s', 'scale', 'server cores', 'client cores', 'machine cores busy'], rows)}\n`);
  process.stdout.write(`(${availableParallelism()} cores; medians of ${runs} run(s); ${numberFlag(flags, 'clients', 1)} client process(es) × ${numberFlag(flags, 'conns', 100)} connections × ${numberFlag(flags, 'outstanding', 8)} outstanding)\n`);
});
