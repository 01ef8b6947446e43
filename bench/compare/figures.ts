/**
 * The comparison's data: what one run of one stack measured, the figures
 * derived from it (req/s, µs, KiB), their medians over runs, and ratios
 * against the ceiling (raw) and against rxrpcx.
 */
import type { ClientResult, HandlerKind } from './common';
import type { StackName } from './stacks';

/**
 * The load scenarios, with the sync `echo` handler: (a) 1×64, (b) one at a
 * time, (c) 100×8, (e) the server under the raw generator, 1×64 (e1) and
 * 100×8 (e2); with the async handler (echo returns a Promise): (g) 1×64 with
 * the stack's client and (gr) under the raw generator, (h) the saturated
 * server, 1×256 — more outstanding than rxrpcx's initialConcurrent (20), so
 * its slots are full and requests queue — with the stack's client and (hr)
 * under the raw generator. A letter on the command line selects every
 * scenario that starts with it (e: e1, e2; g: g, gr; h: h, hr).
 */
export const LOAD_SCENARIOS = ['a', 'b', 'c', 'e1', 'e2', 'g', 'gr', 'h', 'hr'] as const;
export type LoadScenario = (typeof LOAD_SCENARIOS)[number];

/** How a load scenario is driven. */
export interface LoadShape {
  readonly conns: number;
  readonly outstanding: number;
  readonly latency: boolean;
  readonly rawGenerator: boolean;
  /** The server's `echo` handler. */
  readonly handler: HandlerKind;
  readonly title: string;
}

/** How each load scenario is driven. */
export const LOAD_SHAPES: Readonly<Record<LoadScenario, LoadShape>> = {
  a: { conns: 1, outstanding: 64, latency: false, rawGenerator: false, handler: 'sync', title: '(a) 1 conn × 64 outstanding' },
  b: { conns: 1, outstanding: 1, latency: true, rawGenerator: false, handler: 'sync', title: '(b) one request at a time' },
  c: { conns: 100, outstanding: 8, latency: false, rawGenerator: false, handler: 'sync', title: '(c) 100 conns × 8 outstanding' },
  e1: { conns: 1, outstanding: 64, latency: false, rawGenerator: true, handler: 'sync', title: '(e) server under raw generator, 1×64' },
  e2: { conns: 100, outstanding: 8, latency: false, rawGenerator: true, handler: 'sync', title: '(e) server under raw generator, 100×8' },
  g: { conns: 1, outstanding: 64, latency: false, rawGenerator: false, handler: 'async', title: '(g) async handler, 1×64' },
  gr: { conns: 1, outstanding: 64, latency: false, rawGenerator: true, handler: 'async', title: '(g) async handler, 1×64, raw generator' },
  h: { conns: 1, outstanding: 256, latency: false, rawGenerator: false, handler: 'async', title: '(h) saturated: async handler, 1×256' },
  hr: { conns: 1, outstanding: 256, latency: false, rawGenerator: true, handler: 'async', title: '(h) saturated: async handler, 1×256, raw generator' },
};

/** One load scenario's figures from one run. */
export interface LoadFigures {
  readonly rps: number;
  readonly requests: number;
  readonly seconds: number;
  /** Server utime+stime over the window per request completed in it, µs. */
  readonly serverCpuUsPerReq: number | null;
  /** The client's own CPU per request, µs (to see which side limits). */
  readonly clientCpuUsPerReq: number;
  /** Share of one core the server process used over the window (1 = a core busy throughout). */
  readonly serverCoreShare: number | null;
  /** Share of one core the client process used over the window. */
  readonly clientCoreShare: number;
  /**
   * Share of one core that other processes (not this server or client) used
   * over the window: the machine's busy time less ours. Much above 0 means the
   * run shared the machine and is less reliable.
   */
  readonly otherCoreShare: number | null;
  /** Share of one core the hypervisor stole over the window. */
  readonly stealCoreShare: number;
  /** Latency of the requests completed in the window, µs, timed by the client (every shape). */
  readonly p50Us?: number;
  readonly p99Us?: number;
  readonly meanUs?: number;
  /** How many requests were timed. */
  readonly timed?: number;
}

/** The idle-sessions scenario's figures from one run. */
export interface IdleFigures {
  readonly connections: number;
  readonly rssBeforeKiB: number;
  readonly rssAfterKiB: number;
  readonly perSessionKiB: number;
  /** How long the client took to open them all and make one request on each. */
  readonly connectSeconds: number;
}

/** A scenario that could not run: failed, or not applicable to the stack. */
export interface Missing {
  readonly error?: string;
  readonly na?: string;
}

/** Everything one run measured for one stack. */
export interface StackRun {
  readonly stack: StackName;
  readonly run: number;
  readonly load: Partial<Record<LoadScenario, LoadFigures | Missing>>;
  idle?: IdleFigures | Missing;
}

/** Converts a client's JSON line into figures. */
export function loadFigures(result: ClientResult, clockTicksPerSecond: number): LoadFigures {
  const perReq = (us: number): number => (result.requests > 0 ? us / result.requests : Number.NaN);
  const figures: LoadFigures = {
    rps: result.rps,
    requests: result.requests,
    seconds: result.seconds,
    serverCpuUsPerReq: result.serverCpuTicks === null ? null : perReq((result.serverCpuTicks * 1e6) / clockTicksPerSecond),
    clientCpuUsPerReq: perReq(result.clientCpuUs),
    serverCoreShare: result.serverCpuTicks === null ? null : result.serverCpuTicks / clockTicksPerSecond / result.seconds,
    clientCoreShare: result.clientCpuUs / 1e6 / result.seconds,
    otherCoreShare:
      result.serverCpuTicks === null
        ? null
        : Math.max(0, result.machineBusyTicks - result.serverCpuTicks - (result.clientCpuUs / 1e6) * clockTicksPerSecond) / clockTicksPerSecond / result.seconds,
    stealCoreShare: result.machineStealTicks / clockTicksPerSecond / result.seconds,
  };
  if (result.p50Us === undefined || result.p50Us === null) return figures;
  return { ...figures, p50Us: result.p50Us, p99Us: result.p99Us ?? Number.NaN, meanUs: result.meanUs ?? Number.NaN, timed: result.timed ?? Number.NaN };
}

/** What each load scenario gives: req/s, server CPU µs/req, latency p50 and p99 µs, server and client core shares. */
export const LOAD_FIGURES = ['rps', 'cpu', 'p50', 'p99', 'score', 'ccore'] as const;

/** A figure the tables and chart show: `<scenario>.<figure>`, or d.kib. */
export type FigureKey = `${LoadScenario}.${(typeof LOAD_FIGURES)[number]}` | 'd.kib';

/** Every figure key. */
export const FIGURE_KEYS: readonly FigureKey[] = [...LOAD_SCENARIOS.flatMap((s) => LOAD_FIGURES.map((f): FigureKey => `${s}.${f}`)), 'd.kib'];

/** A figure of one run, or null if that scenario did not give it. */
export function figureOf(run: StackRun, key: FigureKey): number | null {
  if (key === 'd.kib') {
    const idle = run.idle;
    return idle && 'perSessionKiB' in idle ? idle.perSessionKiB : null;
  }
  const [scenario, name] = key.split('.') as [LoadScenario, string];
  const load = run.load[scenario];
  if (!load || !('rps' in load)) return null;
  const value: number | null | undefined = {
    rps: load.rps,
    cpu: load.serverCpuUsPerReq,
    p50: load.p50Us,
    p99: load.p99Us,
    score: load.serverCoreShare,
    ccore: load.clientCoreShare,
  }[name];
  return value === undefined || value === null || !Number.isFinite(value) ? null : value;
}

/** The median of the non-null values (null when there are none). */
export function median(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null).sort((x, y) => x - y);
  if (present.length === 0) return null;
  const mid = Math.floor(present.length / 2);
  return present.length % 2 ? (present[mid] ?? null) : ((present[mid - 1] ?? 0) + (present[mid] ?? 0)) / 2;
}

/** Each stack's median of each figure over its runs, plus d.beyond (its d.kib − raw's). */
export type Medians = Partial<Record<StackName, Record<FigureKey | 'd.beyond', number | null>>>;

export function mediansOf(runs: readonly StackRun[], stacks: readonly StackName[]): Medians {
  const medians: Medians = {};
  for (const stack of stacks) {
    const mine = runs.filter((r) => r.stack === stack);
    const row = {} as Record<FigureKey | 'd.beyond', number | null>;
    for (const key of FIGURE_KEYS) row[key] = median(mine.map((r) => figureOf(r, key)));
    row['d.beyond'] = null;
    medians[stack] = row;
  }
  const rawKib = medians.raw?.['d.kib'] ?? null;
  for (const stack of stacks) {
    const row = medians[stack];
    const kib = row?.['d.kib'] ?? null;
    if (row) row['d.beyond'] = kib === null || rawKib === null ? null : kib - rawKib;
  }
  return medians;
}

/** value / reference, or null. */
export function ratio(value: number | null | undefined, reference: number | null | undefined): number | null {
  if (value === null || value === undefined || reference === null || reference === undefined || reference === 0) return null;
  return value / reference;
}
