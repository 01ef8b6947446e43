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

/** "212 / 530 (2.1× rx)": p50 / p99 µs, and p99 against rxrpcx's p99. */
function latencyCell(context: Context, stack: StackName, scenario: LoadScenario): string {
  const p50 = get(context, stack, `${scenario}.p50`);
  const p99 = get(context, stack, `${scenario}.p99`);
  if (p50 === null || p99 === null) return missingCell(context.runs, stack, scenario);
  const toRx = ratio(p99, get(context, 'rxrpcx', `${scenario}.p99`));
  return `${formatAmount(p50)} / ${formatAmount(p99)}${toRx === null ? '' : ` (${formatRatio(toRx)}× rx)`}`;
}

/** The sync-handler load shapes and the async-handler ones, with their column headers. */
const SYNC_COLUMNS: readonly [LoadScenario, string][] = [
  ['a', '(a) 1×64'],
  ['c', '(c) 100×8'],
  ['e1', '(e) 1×64 raw gen'],
  ['e2', '(e) 100×8 raw gen'],
];
const ASYNC_COLUMNS: readonly [LoadScenario, string][] = [
  ['g', '(g) 1×64'],
  ['gr', '(g) 1×64 raw gen'],
  ['h', '(h) 1×256'],
  ['hr', '(h) 1×256 raw gen'],
];
const HANDLERS: readonly [readonly [LoadScenario, string][], string][] = [
  [SYNC_COLUMNS, 'sync handler'],
  [ASYNC_COLUMNS, 'async handler'],
];

/** Every table, as printed. */
export function formatTables(medians: Medians, stacks: readonly StackName[], runs: readonly StackRun[]): string {
  const context: Context = { medians, stacks, runs };
  const out: string[] = [];
  const has = (key: FigureKey): boolean => stacks.some((stack) => get(context, stack, key) !== null);
  /** A table of the shown columns (those some stack has `figure` for), one row per stack. */
  const table = (title: string, columns: readonly [LoadScenario, string][], figure: string, cell: (stack: StackName, scenario: LoadScenario) => string): void => {
    const shown = columns.filter(([scenario]) => has(`${scenario}.${figure}` as FigureKey));
    if (!shown.length) return;
    if (out.length) out.push('');
    out.push(title);
    out.push(renderTable(['stack', ...shown.map(([, h]) => h)], stacks.map((s) => [s, ...shown.map(([scenario]) => cell(s, scenario))])));
  };

  table('Throughput, sync handler, req/s (ratio to raw, × rxrpcx) — higher is better', SYNC_COLUMNS, 'rps', (s, sc) => throughputCell(context, s, `${sc}.rps`));
  table(
    'Throughput, async handler (echo returns a Promise), req/s (ratio to raw, × rxrpcx) — higher is better; (h) = 256 outstanding, above rxrpcx\'s 20 slots',
    ASYNC_COLUMNS,
    'rps',
    (s, sc) => throughputCell(context, s, `${sc}.rps`),
  );

  if (has('b.rps')) {
    out.push('', '(b) One request at a time: req/s, latency µs (p50 ratio to raw, × rxrpcx) — lower latency is better');
    out.push(
      renderTable(
        ['stack', 'req/s', 'p50 µs', 'p99 µs'],
        stacks.map((s) => [s, throughputCell(context, s, 'b.rps'), costCell(context, s, 'b.p50'), plainCell(context, s, 'b.p99', formatAmount, 'b')]),
      ),
    );
  }

  for (const [columns, handler] of HANDLERS) {
    table(`Latency under load, ${handler}: p50 / p99 µs, timed by the client (p99 × rxrpcx's) — lower is better`, columns, 'p50', (s, sc) => latencyCell(context, s, sc));
  }
  for (const [columns, handler] of HANDLERS) {
    table(`(f) Server CPU per request, ${handler}, µs (× raw, × rxrpcx) — lower is better`, columns, 'cpu', (s, sc) => costCell(context, s, `${sc}.cpu`));
  }
  const share = (s: StackName, key: FigureKey): string => {
    const value = get(context, s, key);
    return value === null ? '—' : `${Math.round(value * 100)}%`;
  };
  for (const [columns, handler] of HANDLERS) {
    table(`Which side was busy, ${handler}: server / client CPU, share of one core (2 cores in all)`, columns, 'score', (s, sc) => `${share(s, `${sc}.score`)} / ${share(s, `${sc}.ccore`)}`);
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
          `(g) ${r('g.rps')} / ${r('gr.rps')} of raw (1×64 async / raw gen)`,
          `(h) ${r('h.rps')} / ${r('hr.rps')} of raw, p99 ${r('h.p99')}× / ${r('hr.p99')}× raw (1×256 async / raw gen)`,
          `(d) ${beyond === null ? '—' : `${beyond >= 0 ? '+' : ''}${formatAmount(beyond)}`} KiB/session beyond raw`,
          `(f) CPU/req ${r('a.cpu')}× / ${r('c.cpu')}× / ${r('e1.cpu')}× / ${r('e2.cpu')}× / ${r('g.cpu')}× / ${r('h.cpu')}× raw (a / c / e 1×64 / e 100×8 / g / h)`,
        ].join('; '),
    );
  }
  return out.join('\n');
}
