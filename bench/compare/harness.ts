/**
 * `npm run bench`: the cross-library comparison (issue 8, item 1).
 *
 * For each stack (raw node:net, rxrpcx, json-rpc-2.0, vscode-jsonrpc, aiorpcX)
 * the harness spawns the stack's server and client as separate processes on
 * loopback TCP and measures the same echo of a 100-byte string:
 * (a) 1 conn × 64 outstanding, (b) one at a time, (c) 100 conns × 8,
 * (d) RSS per idle session, (e) the server under the common raw generator
 * (1×64 and 100×8), (f) server CPU µs per request, and with an async `echo`
 * handler (a Promise): (g) 1×64 and (h) the saturated server, 1×256, each
 * with the stack's client and under the raw generator. Every load shape gives
 * req/s and the client-timed p50/p99 latency. Each measured run uses
 * fresh connections after a warm-up on a separate, closed connection; runs are
 * interleaved across stacks and the medians are reported, with ratios to raw
 * and to rxrpcx. Results go to bench/results/ (JSON + SVG).
 *
 *   npm run bench -- [--runs 5] [--seconds 3] [--stacks raw,rxrpcx,…]
 *                    [--scenarios a,b,c,d,e,g,h] [--idle 10000] [--smoke] [--out DIR]
 *
 * See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { renderChart } from './chart';
import { parseFlags, readMachineTicks, readRssKiB, sleep, type ClientResult, type HandlerKind } from './common';
import {
  LOAD_SCENARIOS,
  LOAD_SHAPES,
  figureOf,
  loadFigures,
  mediansOf,
  type FigureKey,
  type IdleFigures,
  type LoadScenario,
  type Missing,
  type StackRun,
} from './figures';
import { Child, type Command } from './procs';
import { formatAmount, formatRate, formatTables } from './report';
import { PROJECT_ROOT, STACKS, STACK_NAMES, probeAiorpcx, rawGenerator, type Stack, type StackName } from './stacks';

/** The harness's parameters. */
interface Options {
  readonly runs: number;
  readonly seconds: number;
  readonly ramp: number;
  readonly warmup: number;
  readonly idle: number;
  readonly settle: number;
  readonly stacks: readonly StackName[];
  readonly load: readonly LoadScenario[];
  readonly idleScenario: boolean;
  readonly smoke: boolean;
  readonly out: string | null;
  /** The CPU (a taskset list) that (b)'s client and server share, or null to leave placement to the OS. */
  readonly latencyCpu: string | null;
  /** At most this many seconds to wait, before each stack's run, for other processes to quieten down. */
  readonly quietWait: number;
}

const USAGE = `usage: npm run bench -- [--runs N] [--seconds S] [--stacks ${STACK_NAMES.join(',')}]
                        [--scenarios a,b,c,d,e,g,h] [--idle N] [--smoke] [--out DIR]
                        [--ramp S] [--warmup S] [--settle S] [--latency-cpu N|free] [--quiet-wait S]`;

/** The CPUs this process may run on (a taskset list such as "0-1"). */
function allowedCpus(): string {
  const match = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match?.[1] ?? `0-${cpus().length - 1}`;
}

/** The last CPU of a taskset list ("0-1" → "1", "0,2-3" → "3"). */
function lastCpu(list: string): string {
  const last = list.split(',').pop() ?? '0';
  return last.split('-').pop() ?? '0';
}

function parseOptions(argv: readonly string[]): Options {
  const flags = parseFlags(argv);
  const known = new Set(['runs', 'seconds', 'ramp', 'warmup', 'idle', 'settle', 'stacks', 'scenarios', 'smoke', 'out', 'latency-cpu', 'quiet-wait', 'help']);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`unknown flag --${name}\n${USAGE}`);
  if (flags.has('help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const smoke = flags.get('smoke') === 'true';
  const num = (name: string, normal: number, smokeValue: number, min: number): number => {
    const text = flags.get(name);
    const value = text === undefined ? (smoke ? smokeValue : normal) : Number(text);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name}: a number ≥ ${min}, not ${JSON.stringify(text)}`);
    return value;
  };
  const stackList = (flags.get('stacks') ?? STACK_NAMES.join(','))
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const stacks: StackName[] = [];
  for (const name of stackList) {
    const found = STACK_NAMES.find((s) => s === name || (name === 'jsonrpc2' && s === 'json-rpc-2.0') || (name === 'vscode' && s === 'vscode-jsonrpc'));
    if (!found) throw new Error(`--stacks: unknown stack ${JSON.stringify(name)} (known: ${STACK_NAMES.join(', ')})`);
    if (!stacks.includes(found)) stacks.push(found);
  }
  const scenarioList = (flags.get('scenarios') ?? 'a,b,c,d,e,g,h').split(',').map((s) => s.trim().toLowerCase());
  for (const s of scenarioList) {
    if (!['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].includes(s)) throw new Error(`--scenarios: unknown scenario ${JSON.stringify(s)} (a, b, c, d, e, g, h; f comes with every load scenario)`);
  }
  const load = LOAD_SCENARIOS.filter((s) => scenarioList.includes(s.charAt(0)));
  const latencyCpuFlag = flags.get('latency-cpu') ?? lastCpu(allowedCpus());
  if (latencyCpuFlag !== 'free' && !/^\d+$/.test(latencyCpuFlag)) throw new Error(`--latency-cpu: a CPU number or "free", not ${JSON.stringify(latencyCpuFlag)}`);
  const latencyCpu = latencyCpuFlag === 'free' || !tryRun('sh', ['-c', 'command -v taskset']) ? null : latencyCpuFlag;
  return {
    runs: Math.round(num('runs', 5, 1, 1)),
    seconds: num('seconds', 3, 0.6, 0.1),
    ramp: num('ramp', 0.5, 0.2, 0),
    warmup: num('warmup', 1, 0.3, 0),
    idle: Math.round(num('idle', 10_000, 200, 1)),
    settle: num('settle', 1, 0.3, 0),
    stacks: [...STACK_NAMES].filter((s) => stacks.includes(s)),
    load,
    idleScenario: scenarioList.includes('d'),
    smoke,
    out: flags.get('out') ?? null,
    latencyCpu,
    quietWait: num('quiet-wait', 60, 0, 0),
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A started server: its process and port. */
interface Server {
  readonly child: Child;
  readonly port: number;
}

async function startServer(stack: Stack, handler: HandlerKind = 'sync'): Promise<Server> {
  const child = new Child(`${stack.name} server${handler === 'async' ? ' (async handler)' : ''}`, stack.server(handler));
  try {
    const hello = await child.nextJson<{ port?: unknown }>(30);
    if (typeof hello.port !== 'number') throw new Error(`${stack.name} server: no port in its first line`);
    return { child, port: hello.port };
  } catch (error) {
    await child.stop();
    throw error;
  }
}

/** Runs one client to completion; its result line. */
async function runClient(name: string, command: Command, timeout: number): Promise<ClientResult> {
  const child = new Child(name, command);
  try {
    const result = await child.nextJson<ClientResult>(timeout);
    const code = await child.waitExit(10);
    if (code !== 0) throw new Error(`${name} exited with ${String(code)}${child.stderr() ? `:\n${child.stderr()}` : ''}`);
    if (result.wrongReplies !== 0) throw new Error(`${name}: ${result.wrongReplies} replies were not the echoed text`);
    if (!(result.requests > 0)) throw new Error(`${name}: no request completed in the measured window`);
    return result;
  } finally {
    await child.stop();
  }
}

function loadFlags(port: number, conns: number, outstanding: number, latency: boolean, seconds: number, ramp: number, serverPid: number | null): string[] {
  const flags = ['--port', String(port), '--seconds', String(seconds), '--ramp', String(ramp)];
  if (latency) flags.push('--mode', 'latency');
  else flags.push('--mode', 'pipelined', '--conns', String(conns), '--outstanding', String(outstanding));
  if (serverPid !== null) flags.push('--server-pid', String(serverPid));
  return flags;
}

/**
 * The load scenarios: those with the sync handler on one server process, then
 * those with the async handler on another (fresh connections for each
 * scenario, a warm-up on each server).
 */
async function measureLoad(stack: Stack, options: Options, clockTicks: number, into: StackRun): Promise<void> {
  for (const handler of ['sync', 'async'] as const) {
    const scenarios = options.load.filter((scenario) => LOAD_SHAPES[scenario].handler === handler);
    if (scenarios.length) await measureOnServer(stack, handler, scenarios, options, clockTicks, into);
  }
}

/** Some load scenarios on one server process with that handler. */
async function measureOnServer(stack: Stack, handler: HandlerKind, scenarios: readonly LoadScenario[], options: Options, clockTicks: number, into: StackRun): Promise<void> {
  let server: Server;
  try {
    server = await startServer(stack, handler);
  } catch (error) {
    for (const scenario of scenarios) into.load[scenario] = { error: message(error) };
    return;
  }
  const timeout = options.ramp + options.seconds + 60;
  try {
    // Warm-up on its own connection, closed before anything is measured.
    if (options.warmup > 0) {
      try {
        await runClient(`${stack.name} warm-up`, stack.client(loadFlags(server.port, 1, 64, false, options.warmup, 0, null)), timeout);
      } catch (error) {
        for (const scenario of scenarios) into.load[scenario] = { error: `warm-up: ${message(error)}` };
        return;
      }
    }
    for (const scenario of scenarios) {
      const shape = LOAD_SHAPES[scenario];
      const flags = loadFlags(server.port, shape.conns, shape.outstanding, shape.latency, options.seconds, options.ramp, server.child.pid);
      let command = shape.rawGenerator ? rawGenerator(stack.rawFraming, flags) : stack.client(flags);
      const name = `${stack.name} ${scenario}${shape.rawGenerator ? ' (raw generator)' : ''}`;
      // One at a time, client and server share one CPU (see --latency-cpu): how long a
      // wake-up across CPUs takes is the machine's business, not the stack's.
      const pin = shape.latency && options.latencyCpu !== null ? options.latencyCpu : null;
      try {
        if (pin !== null) {
          setAffinity(server.child.pid, pin);
          command = { file: 'taskset', args: ['-c', pin, command.file, ...command.args] };
        }
        into.load[scenario] = loadFigures(await runClient(name, command, timeout), clockTicks);
      } catch (error) {
        into.load[scenario] = { error: message(error) };
        console.log(`  ! ${name}: ${message(error).split('\n')[0] ?? ''}`);
      } finally {
        if (pin !== null) setAffinity(server.child.pid, allowedCpus());
      }
    }
  } finally {
    await server.child.stop();
  }
}

/** Moves every thread of a process to these CPUs (a taskset list). */
function setAffinity(pid: number, cpuList: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
}

interface Ready {
  readonly event?: string;
  readonly connections?: number;
  readonly wrongReplies?: number;
  readonly seconds?: number;
}

/** Scenario d on a fresh server: RSS before and after `idle` sessions (one request each, then idle). */
async function measureIdle(stack: Stack, options: Options): Promise<IdleFigures | Missing> {
  let server: Server;
  try {
    server = await startServer(stack);
  } catch (error) {
    return { error: message(error) };
  }
  const holders: Child[] = [];
  const hold = async (count: number): Promise<Ready> => {
    const child = new Child(`${stack.name} idle client`, rawGenerator(stack.rawFraming, ['--mode', 'idle', '--port', String(server.port), '--conns', String(count)]));
    holders.push(child);
    const ready = await child.nextJson<Ready>(60 + count / 50);
    if (ready.event !== 'ready' || ready.connections !== count) throw new Error(`${stack.name} idle client: ${JSON.stringify(ready)}`);
    if (ready.wrongReplies !== 0) throw new Error(`${stack.name} idle client: wrong replies`);
    return ready;
  };
  try {
    // Warm the accept and first-request paths, then let those sessions go.
    const warm = Math.min(100, options.idle);
    await hold(warm);
    await holders.pop()?.stop();
    await sleep(0.5);
    const before = readRssKiB(server.child.pid);
    const ready = await hold(options.idle);
    await sleep(options.settle);
    const after = readRssKiB(server.child.pid);
    return {
      connections: options.idle,
      rssBeforeKiB: before,
      rssAfterKiB: after,
      perSessionKiB: (after - before) / options.idle,
      connectSeconds: ready.seconds ?? Number.NaN,
    };
  } catch (error) {
    console.log(`  ! ${stack.name} d: ${message(error).split('\n')[0] ?? ''}`);
    return { error: message(error) };
  } finally {
    for (const holder of holders) await holder.stop();
    await server.child.stop(5);
  }
}

/** Above this share of a core used by other processes during a window, the window is flagged. */
const OTHER_LOAD_WARNING = 0.15;

/** The most CPU other processes used during any of a run's windows, as a share of one core. */
function otherLoad(run: StackRun): number {
  let most = 0;
  for (const entry of Object.values(run.load)) {
    if (entry && 'rps' in entry && entry.otherCoreShare !== null) most = Math.max(most, entry.otherCoreShare);
  }
  return most;
}

/** The share of a core the machine is busy over `seconds` (before we start anything). */
async function machineBusy(seconds: number): Promise<number> {
  const before = readMachineTicks();
  await sleep(seconds);
  const after = readMachineTicks();
  return (after.busy - before.busy) / (Number(tryRun('getconf', ['CLK_TCK'])) || 100) / seconds;
}

/**
 * Waits (at most `limit` seconds) until other processes use less than
 * OTHER_LOAD_WARNING of a core, so a run does not share the machine with a
 * compile or a test suite. Says so when it waits.
 */
async function waitQuiet(limit: number): Promise<void> {
  const deadline = Date.now() + limit * 1000;
  let busy = await machineBusy(0.5);
  if (busy <= OTHER_LOAD_WARNING) return;
  process.stdout.write(`  (the machine is busy: ${Math.round(busy * 100)}% of a core; waiting up to ${limit} s)`);
  while (busy > OTHER_LOAD_WARNING && Date.now() < deadline) {
    await sleep(2);
    busy = await machineBusy(0.5);
  }
  process.stdout.write(busy > OTHER_LOAD_WARNING ? ' still busy, going on\n' : ' quiet now\n');
}

/** One line of progress after a stack's run. */
function progressLine(run: StackRun): string {
  const parts: string[] = [];
  const fig = (key: FigureKey): number | null => figureOf(run, key);
  const rate = (key: FigureKey): string => {
    const v = fig(key);
    return v === null ? 'err' : formatRate(v);
  };
  const us = (key: FigureKey): string => {
    const v = fig(key);
    return v === null ? 'err' : `${formatAmount(v)}µs`;
  };
  const load = (scenario: LoadScenario, label: string): void => {
    if (run.load[scenario]) parts.push(`${label} ${rate(`${scenario}.rps`)}/s p99 ${us(`${scenario}.p99`)}`.trimStart());
  };
  load('a', 'a');
  if (run.load.b) parts.push(`b p50 ${us('b.p50')} p99 ${us('b.p99')}`);
  load('c', 'c');
  load('e1', 'e');
  load('e2', '');
  load('g', 'g');
  load('gr', '');
  load('h', 'h');
  load('hr', '');
  if (run.idle) {
    const kib = fig('d.kib');
    parts.push(`d ${kib === null ? 'err' : `${formatAmount(kib)} KiB`}`);
  }
  const other = otherLoad(run);
  if (other > OTHER_LOAD_WARNING) parts.push(`! other processes used up to ${Math.round(other * 100)}% of a core`);
  return `  run ${run.run} ${run.stack.padEnd(14)} ${parts.join(' · ')}`;
}

function tryRun(file: string, args: readonly string[]): string | null {
  try {
    return execFileSync(file, [...args], { encoding: 'utf8', cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function packageVersion(name: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const started = new Date();
  const clockTicks = Number(tryRun('getconf', ['CLK_TCK'])) || 100;
  const notes: string[] = [];
  let stacks = [...options.stacks];

  for (const name of stacks) {
    const file = STACKS[name].server('sync').args[0] ?? '';
    if (name !== 'aiorpcx' && !existsSync(file)) throw new Error(`${file} is missing: build with \`npm run build && npx tsc -p tsconfig.bench.json\` (npm run bench does)`);
  }
  let python: { python: string; aiorpcx: string } | null = null;
  if (stacks.includes('aiorpcx')) {
    const probe = probeAiorpcx();
    if ('missing' in probe) {
      const line = `aiorpcX: skipped, ${probe.missing}; install it with: apt-get install -y python3-aiorpcx`;
      console.log(line);
      notes.push(line);
      stacks = stacks.filter((s) => s !== 'aiorpcx');
    } else {
      python = { python: probe.python, aiorpcx: probe.aiorpcx };
    }
  }
  if (!stacks.includes('raw')) notes.push('raw (the ceiling) was not run: no ratios to raw.');
  if (!stacks.includes('rxrpcx')) notes.push('rxrpcx was not run: no ratios to rxrpcx.');
  if (options.load.some((s) => LOAD_SHAPES[s].handler === 'async')) {
    notes.push(
      "(g, h) async handler: echo returns a Promise (rxrpcx handler, json-rpc-2.0 async method, vscode-jsonrpc async onRequest); raw awaits the same async echo per line and still writes a chunk's replies at once; aiorpcX's handlers are coroutines in every scenario. Library defaults on every server (rxrpcx's initialConcurrent stays 20).",
    );
  }
  if (stacks.includes('json-rpc-2.0')) {
    notes.push('json-rpc-2.0 glue (ours, newline TCP): the replies (server) and requests (client) of one event-loop turn are coalesced into one socket.write, flushed with setImmediate.');
  }
  if (stacks.includes('vscode-jsonrpc') && options.load.some((s) => LOAD_SHAPES[s].rawGenerator)) {
    notes.push(
      "(e) vscode-jsonrpc's server speaks Content-Length framing, so the raw generator drives it in its Content-Length mode (same loop, other framing); its ratio is to the raw newline server under the newline generator.",
    );
  }
  if (stacks.includes('aiorpcx')) {
    notes.push(
      "aiorpcX client: each session's outgoing Concurrency(50) is replaced by Concurrency(outstanding) so 64 outstanding are not capped (recalibration stays on; it only raises the target while replies are fast). In (h) its recalibration caps the 256 at 250 after the first 30 replies, still far above the server's 20 slots.",
    );
  }
  if (options.idleScenario) {
    notes.push(`(d) ${options.idle} sessions are opened by the raw generator (one request each, in that stack's framing), in a separate process; RSS is read from /proc/<pid>/status after ${options.settle} s.`);
  }

  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    totalMemGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    os: `${osType()} ${release()}`,
    node: process.version,
    python: python?.python ?? null,
    aiorpcx: python?.aiorpcx ?? null,
    clockTicksPerSecond: clockTicks,
    fdLimit: Number(tryRun('sh', ['-c', 'ulimit -n'])) || null,
  };
  const versions = {
    rxrpcx: `${(JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version} @ ${tryRun('git', ['describe', '--always', '--dirty']) ?? 'unknown commit'}`,
    'json-rpc-2.0': packageVersion('json-rpc-2.0'),
    'vscode-jsonrpc': packageVersion('vscode-jsonrpc'),
    aiorpcx: python?.aiorpcx ?? null,
  };
  const parameters = {
    runs: options.runs,
    seconds: options.seconds,
    ramp: options.ramp,
    warmup: options.warmup,
    idle: options.idle,
    settle: options.settle,
    stacks,
    scenarios: [...options.load, ...(options.idleScenario ? ['d'] : [])],
    smoke: options.smoke,
    latencyCpu: options.latencyCpu ?? 'free',
    echoBytes: 100,
  };

  const servers = new Set(options.load.map((s) => LOAD_SHAPES[s].handler)).size;
  const perStackRun = options.load.length * (options.ramp + options.seconds + 0.4) + servers * (options.warmup + 0.6) + (options.idleScenario ? 3 + options.settle + options.idle / 4000 : 0);
  const estimate = Math.round(perStackRun * stacks.length * options.runs);
  console.log(`bench: ${stacks.join(', ')} · scenarios ${parameters.scenarios.join(',')} · ${options.runs} run(s) of ${options.seconds} s (+${options.ramp} s ramp) · idle ${options.idle} · ~${estimate} s`);
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.totalMemGiB} GiB, ${machine.os}, node ${machine.node}${python ? `, python ${python.python}, aiorpcX ${python.aiorpcx}` : ''}`);

  const idleBefore = await machineBusy(0.5);
  if (idleBefore > OTHER_LOAD_WARNING) {
    const line = `the machine was already busy before the first run (${Math.round(idleBefore * 100)}% of a core): figures will be less reliable`;
    console.log(`warning: ${line}`);
    notes.push(line);
  }
  if (options.load.includes('b')) {
    notes.push(
      options.latencyCpu === null
        ? '(b) client and server were left to the OS scheduler (--latency-cpu free): p50 then depends on whether they land on one CPU or two.'
        : `(b) client and server were pinned to the same CPU (${options.latencyCpu}, taskset): a one-at-a-time round trip across two CPUs adds the wake-up of an idle CPU (~55 µs on the project's 2-vCPU VM), and the OS picks either placement from run to run.`,
    );
  }

  const runs: StackRun[] = [];
  for (let run = 1; run <= options.runs; run++) {
    for (const name of stacks) {
      if (options.quietWait > 0) await waitQuiet(options.quietWait);
      const record: StackRun = { stack: name, run, load: {} };
      if (options.load.length) await measureLoad(STACKS[name], options, clockTicks, record);
      if (options.idleScenario) record.idle = await measureIdle(STACKS[name], options);
      runs.push(record);
      console.log(progressLine(record));
    }
  }

  const busyRuns = runs.filter((run) => otherLoad(run) > OTHER_LOAD_WARNING);
  if (busyRuns.length) {
    notes.push(
      `${busyRuns.length} of ${runs.length} stack runs shared the machine with other processes (over ${OTHER_LOAD_WARNING * 100}% of a core in some window): ${busyRuns
        .map((run) => `run ${run.run} ${run.stack} (${Math.round(otherLoad(run) * 100)}%)`)
        .join(', ')}. Rerun on a quiet machine for clean figures.`,
    );
  }
  const medians = mediansOf(runs, stacks);
  const tables = formatTables(medians, stacks, runs);
  const finished = new Date();
  console.log('');
  console.log(
    `Medians of ${options.runs} run(s)${options.load.length ? `, ${options.seconds} s measured each` : ''}; loopback TCP, client and server in separate processes.`,
  );
  console.log(tables);
  if (notes.length) console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`);

  // Which figures are missing or not positive: a broken harness, not a slow stack.
  const problems: string[] = [];
  for (const run of runs) {
    for (const scenario of options.load) {
      const entry = run.load[scenario];
      if (!entry || !('rps' in entry)) problems.push(`run ${run.run} ${run.stack} ${scenario}: ${entry && 'error' in entry ? (entry.error ?? '') : 'no result'}`);
      else if (!(entry.rps > 0) || !((entry.p50Us ?? 0) > 0) || !((entry.p99Us ?? 0) > 0) || (entry.serverCpuUsPerReq ?? 0) < 0) problems.push(`run ${run.run} ${run.stack} ${scenario}: figures not positive`);
    }
    if (options.idleScenario && (!run.idle || !('perSessionKiB' in run.idle))) {
      problems.push(`run ${run.run} ${run.stack} d: ${run.idle && 'error' in run.idle ? (run.idle.error ?? '') : 'no result'}`);
    }
  }

  const outDir = options.out ?? (options.smoke ? mkdtempSync(join(tmpdir(), 'rxrpcx-bench-smoke-')) : join(PROJECT_ROOT, 'bench', 'results'));
  mkdirSync(outDir, { recursive: true });
  const stamp = timestamp(started);
  const report = {
    date: started.toISOString(),
    finished: finished.toISOString(),
    machine,
    versions,
    parameters,
    notes,
    medians,
    runs,
    problems,
    tables,
  };
  const jsonFile = join(outDir, `${stamp}.json`);
  const svgFile = join(outDir, `${stamp}.svg`);
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(
    svgFile,
    renderChart({
      title: `JSON-RPC echo over loopback TCP: rxrpcx and others against raw node:net`,
      subtitle: `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC · medians of ${options.runs} run(s) × ${options.seconds} s · ${machine.cores} × ${machine.cpu} · node ${machine.node}${python ? ` · aiorpcX ${python.aiorpcx}` : ''}`,
      stacks,
      medians,
    }),
  );
  copyFileSync(jsonFile, join(outDir, 'latest.json'));
  copyFileSync(svgFile, join(outDir, 'latest.svg'));
  console.log(`\nSaved ${jsonFile}\n  and ${svgFile} (also latest.json, latest.svg) · ${((finished.getTime() - started.getTime()) / 1000).toFixed(0)} s`);

  if (problems.length) {
    console.log(`\nbench: ${problems.length} problem(s):\n${problems.map((p) => `- ${p.split('\n')[0] ?? ''}`).join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
