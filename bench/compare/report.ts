/**
 * The printed tables: one row per stack, each figure the median over runs,
 * with its ratio to the ceiling (raw) and to rxrpcx from the same harness run.
 */
import { ratio, type FigureKey, type LoadScenario, type Medians, type StackRun } from './figures';
import type { StackName } from './stacks';

/** req/s: 339k, 8.9k, 1.23M. */
export function formatRate(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${Math.round(value / 1e3)}k`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

/** µs or KiB: 3 significant digits or so. */
export function formatAmount(value: number): string {
  const size = Math.abs(value);
  if (size >= 100) return value.toFixed(0);
  if (size >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A ratio: 0.54, 2.5, 12. */
export function formatRatio(value: number): string {
  if (value >= 10) return value.toFixed(0);
  if (value >= 1) return value.toFixed(1);
  return value.toFixed(2);
}

/** Left-aligned columns separated by two spaces, with a rule under the header. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Why a stack has no figure for a scenario: 'n/a' (not applicable), 'error', or '—'. */
function missingCell(runs: readonly StackRun[], stack: StackName, scenario: LoadScenario | 'd'): string {
  for (const run of runs) {
    if (run.stack !== stack) continue;
    const entry = scenario === 'd' ? run.idle : run.load[scenario];
    if (entry && 'na' in entry && entry.na) return 'n/a';
    if (entry && 'error' in entry && entry.error) return 'error';
  }
  return '—';
}

interface Context {
  readonly medians: Medians;
  readonly stacks: readonly StackName[];
  readonly runs: readonly StackRun[];
}

function get(context: Context, stack: StackName, key: FigureKey | 'd.beyond'): number | null {
  return context.medians[stack]?.[key] ?? null;
}

/** "101k (0.54 raw, 2.5× rx)" */
function throughputCell(context: Context, stack: StackName, key: FigureKey): string {
  const value = get(context, stack, key);
  if (value === null) return missingCell(context.runs, stack, key.split('.')[0] as LoadScenario);
  const toRaw = ratio(value, get(context, 'raw', key));
  const toRx = ratio(value, get(context, 'rxrpcx', key));
  const parts = [toRaw === null ? null : `${toRaw.toFixed(2)} raw`, toRx === null ? null : `${formatRatio(toRx)}× rx`].filter(Boolean);
  return parts.length ? `${formatRate(value)} (${parts.join(', ')})` : formatRate(value);
}

/** "31.2 (1.8× raw, 0.9× rx)": lower is better. */
function costCell(context: Context, stack: StackName, key: FigureKey): string {
  const value = get(context, stack, key);
  if (value === null) return missingCell(context.runs, stack, key.split('.')[0] as LoadScenario);
  const toRaw = ratio(value, get(context, 'raw', key));
  const toRx = ratio(value, get(context, 'rxrpcx', key));
  const parts = [toRaw === null ? null : `${formatRatio(toRaw)}× raw`, toRx === null ? null : `${formatRatio(toRx)}× rx`].filter(Boolean);
  return parts.length ? `${formatAmount(value)} (${parts.join(', ')})` : formatAmount(value);
}

function plainCell(context: Context, stack: StackName, key: FigureKey | 'd.beyond', format: (v: number) => string, scenario: LoadScenario | 'd'): string {
  const value = get(context, stack, key);
  return value === null ? missingCell(context.runs, stack, scenario) : format(value);
}

/** Every table, as printed. */
export function formatTables(medians: Medians, stacks: readonly StackName[], runs: readonly StackRun[]): string {
  const context: Context = { medians, stacks, runs };
  const out: string[] = [];
  const has = (key: FigureKey): boolean => stacks.some((stack) => get(context, stack, key) !== null);

  const throughput: [FigureKey, string][] = [
    ['a.rps', '(a) 1×64'],
    ['c.rps', '(c) 100×8'],
    ['e1.rps', '(e) 1×64 raw gen'],
    ['e2.rps', '(e) 100×8 raw gen'],
  ];
  const shownThroughput = throughput.filter(([key]) => has(key));
  if (shownThroughput.length) {
    out.push('Throughput, req/s (ratio to raw, × rxrpcx) — higher is better');
    out.push(renderTable(['stack', ...shownThroughput.map(([, h]) => h)], stacks.map((s) => [s, ...shownThroughput.map(([key]) => throughputCell(context, s, key))])));
  }

  if (has('b.rps')) {
    out.push('', '(b) One request at a time: req/s, latency µs (p50 ratio to raw, × rxrpcx) — lower latency is better');
    out.push(
      renderTable(
        ['stack', 'req/s', 'p50 µs', 'p99 µs'],
        stacks.map((s) => [s, throughputCell(context, s, 'b.rps'), costCell(context, s, 'b.p50'), plainCell(context, s, 'b.p99', formatAmount, 'b')]),
      ),
    );
  }

  const cpu: [FigureKey, string][] = [
    ['a.cpu', '(a) 1×64'],
    ['c.cpu', '(c) 100×8'],
    ['e1.cpu', '(e) 1×64 raw gen'],
    ['e2.cpu', '(e) 100×8 raw gen'],
  ];
  const shownCpu = cpu.filter(([key]) => has(key));
  if (shownCpu.length) {
    out.push('', '(f) Server CPU per request, µs (× raw, × rxrpcx) — lower is better');
    out.push(renderTable(['stack', ...shownCpu.map(([, h]) => h)], stacks.map((s) => [s, ...shownCpu.map(([key]) => costCell(context, s, key))])));
  }

  const cores: [FigureKey, FigureKey, string][] = [
    ['a.score', 'a.ccore', '(a) 1×64'],
    ['c.score', 'c.ccore', '(c) 100×8'],
    ['e1.score', 'e1.ccore', '(e) 1×64 raw gen'],
    ['e2.score', 'e2.ccore', '(e) 100×8 raw gen'],
  ];
  const shownCores = cores.filter(([key]) => has(key));
  if (shownCores.length) {
    const share = (s: StackName, key: FigureKey): string => {
      const value = get(context, s, key);
      return value === null ? '—' : `${Math.round(value * 100)}%`;
    };
    out.push('', 'Which side was busy: server / client CPU, share of one core (2 cores in all)');
    out.push(renderTable(['stack', ...shownCores.map(([, , h]) => h)], stacks.map((s) => [s, ...shownCores.map(([server, client]) => `${share(s, server)} / ${share(s, client)}`)])));
  }

  if (has('d.kib')) {
    out.push('', '(d) Idle sessions held by one server: RSS per session, KiB — lower is better');
    out.push(
      renderTable(
        ['stack', 'KiB/session', 'beyond raw'],
        stacks.map((s) => [s, plainCell(context, s, 'd.kib', formatAmount, 'd'), plainCell(context, s, 'd.beyond', (v) => `${v >= 0 ? '+' : ''}${formatAmount(v)}`, 'd')]),
      ),
    );
  }

  if (stacks.includes('rxrpcx') && stacks.includes('raw')) {
    const r = (key: FigureKey): string => {
      const value = ratio(get(context, 'rxrpcx', key), get(context, 'raw', key));
      return value === null ? '—' : formatRatio(value);
    };
    const beyond = get(context, 'rxrpcx', 'd.beyond');
    out.push(
      '',
      'rxrpcx against raw (medians): ' +
        [
          `(a) ${r('a.rps')} of raw`,
          `(b) p50 ${r('b.p50')}× raw`,
          `(c) ${r('c.rps')} of raw`,
          `(e) ${r('e1.rps')} / ${r('e2.rps')} of raw server (1×64 / 100×8)`,
          `(d) ${beyond === null ? '—' : `${beyond >= 0 ? '+' : ''}${formatAmount(beyond)}`} KiB/session beyond raw`,
          `(f) CPU/req ${r('a.cpu')}× / ${r('c.cpu')}× / ${r('e1.cpu')}× / ${r('e2.cpu')}× raw (a / c / e 1×64 / e 100×8)`,
        ].join('; '),
    );
  }
  return out.join('\n');
}
