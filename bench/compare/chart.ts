/**
 * The SVG chart of a comparison run, written by hand (no dependencies):
 * grouped bars of each stack's throughput as a ratio to the ceiling (raw) per
 * scenario; a panel of latency p50 and server CPU µs per request; a panel of
 * p99 latency under load; a panel of idle-session memory.
 */
import { ratio, type FigureKey, type Medians } from './figures';
import { formatAmount, formatRatio } from './report';
import type { StackName } from './stacks';

/** Each stack's bar colour. */
const COLOURS: Readonly<Record<StackName, string>> = {
  raw: '#8c8c8c',
  rxrpcx: '#1f6fd1',
  'json-rpc-2.0': '#2ca02c',
  'vscode-jsonrpc': '#9467bd',
  aiorpcx: '#ff7f0e',
};

const WIDTH = 1100;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes}>${escape(content)}</text>`;
}

/** A round tick step (1, 2, 2.5 or 5 × 10^k) giving about five ticks up to `value`. */
function tickStep(value: number): number {
  if (value <= 0) return 0.2;
  const rough = value / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= rough) return step * magnitude;
  return 10 * magnitude;
}

/** A tick label: no trailing zeros. */
function tickLabel(value: number): string {
  return String(Number(value.toPrecision(6)));
}

interface Series {
  readonly name: StackName;
  readonly values: readonly (number | null)[];
}

interface Panel {
  readonly top: number;
  readonly height: number;
  readonly title: string;
  readonly groups: readonly string[];
  readonly series: readonly Series[];
  readonly format: (value: number) => string;
  /** A dashed reference line (e.g. raw = 1). */
  readonly reference?: { readonly value: number; readonly label: string };
}

function panel(p: Panel): string {
  const left = 70;
  const right = WIDTH - 20;
  const plotTop = p.top + 30;
  const plotBottom = p.top + p.height - 30;
  const plotHeight = plotBottom - plotTop;
  const values = p.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const highest = Math.max(p.reference?.value ?? 0, ...values, 0) * 1.08;
  const step = tickStep(highest);
  const ticks = Math.max(1, Math.ceil(highest / step));
  const max = ticks * step;
  const y = (value: number): number => plotBottom - (Math.max(0, value) / max) * plotHeight;
  const out: string[] = [text(left, p.top + 16, p.title, 'font-size="15" font-weight="bold"')];

  for (let i = 0; i <= ticks; i++) {
    const value = step * i;
    const gy = y(value);
    out.push(`<line x1="${left}" y1="${gy.toFixed(1)}" x2="${right}" y2="${gy.toFixed(1)}" stroke="#e3e3e3"/>`);
    out.push(text(left - 6, gy + 4, tickLabel(value), 'font-size="11" text-anchor="end" fill="#555"'));
  }
  out.push(`<line x1="${left}" y1="${plotBottom}" x2="${right}" y2="${plotBottom}" stroke="#333"/>`);

  const groupWidth = (right - left) / p.groups.length;
  const barWidth = (groupWidth * 0.82) / Math.max(1, p.series.length);
  p.groups.forEach((group, g) => {
    const groupLeft = left + g * groupWidth + groupWidth * 0.09;
    out.push(text(left + (g + 0.5) * groupWidth, plotBottom + 18, group, 'font-size="12" text-anchor="middle"'));
    p.series.forEach((series, s) => {
      const value = series.values[g] ?? null;
      const x = groupLeft + s * barWidth;
      const centre = x + barWidth / 2;
      if (value === null) {
        out.push(text(centre, plotBottom - 4, 'n/a', 'font-size="10" text-anchor="middle" fill="#999"'));
        return;
      }
      const top = y(value);
      out.push(
        `<rect x="${(x + 1).toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, barWidth - 2).toFixed(1)}" height="${(plotBottom - top).toFixed(1)}" fill="${COLOURS[series.name]}"><title>${escape(`${series.name}: ${p.format(value)}`)}</title></rect>`,
      );
      out.push(text(centre, top - 4, p.format(value), 'font-size="10" text-anchor="middle" fill="#222"'));
    });
  });

  if (p.reference) {
    const ry = y(p.reference.value);
    out.push(`<line x1="${left}" y1="${ry.toFixed(1)}" x2="${right}" y2="${ry.toFixed(1)}" stroke="#c00" stroke-dasharray="6 4"/>`);
    out.push(text(right - 4, ry - 5, p.reference.label, 'font-size="11" text-anchor="end" fill="#c00"'));
  }
  return out.join('\n');
}

/** What the chart shows. */
export interface ChartInput {
  readonly title: string;
  readonly subtitle: string;
  readonly stacks: readonly StackName[];
  readonly medians: Medians;
}

/** The chart as SVG text. */
export function renderChart(input: ChartInput): string {
  const value = (stack: StackName, key: FigureKey | 'd.beyond'): number | null => input.medians[stack]?.[key] ?? null;
  const toRaw = (stack: StackName, key: FigureKey): number | null => ratio(value(stack, key), value('raw', key));

  const throughputKeys: [FigureKey, string][] = [
    ['a.rps', '(a) 1 conn × 64'],
    ['c.rps', '(c) 100 conns × 8'],
    ['e1.rps', '(e) server, raw gen 1×64'],
    ['e2.rps', '(e) server, raw gen 100×8'],
    ['g.rps', '(g) async 1×64'],
    ['gr.rps', '(g) async, raw gen'],
    ['h.rps', '(h) async 1×256'],
    ['hr.rps', '(h) async, raw gen'],
  ];
  const costKeys: [FigureKey, string][] = [
    ['b.p50', '(b) latency p50'],
    ['a.cpu', '(f) server CPU/req (a)'],
    ['c.cpu', '(f) server CPU/req (c)'],
    ['e1.cpu', '(f) CPU/req (e) 1×64'],
    ['e2.cpu', '(f) CPU/req (e) 100×8'],
    ['g.cpu', '(f) CPU/req (g)'],
    ['h.cpu', '(f) CPU/req (h)'],
  ];
  const p99Keys: [FigureKey, string][] = [
    ['a.p99', '(a) 1×64'],
    ['c.p99', '(c) 100×8'],
    ['e1.p99', '(e) raw gen 1×64'],
    ['e2.p99', '(e) raw gen 100×8'],
    ['g.p99', '(g) async 1×64'],
    ['gr.p99', '(g) async, raw gen'],
    ['h.p99', '(h) async 1×256'],
    ['hr.p99', '(h) async, raw gen'],
  ];
  const panels = [
    panel({
      top: 100,
      height: 300,
      title: 'Throughput as a ratio to raw node:net (higher is better)',
      groups: throughputKeys.map(([, label]) => label),
      series: input.stacks.map((name) => ({ name, values: throughputKeys.map(([key]) => toRaw(name, key)) })),
      format: formatRatio,
      reference: { value: 1, label: 'raw = 1' },
    }),
    panel({
      top: 420,
      height: 300,
      title: 'Latency p50 and server CPU per request, µs (lower is better)',
      groups: costKeys.map(([, label]) => label),
      series: input.stacks.map((name) => ({ name, values: costKeys.map(([key]) => value(name, key)) })),
      format: formatAmount,
    }),
    panel({
      top: 740,
      height: 300,
      title: 'Latency p99 under load, µs, timed by the client (lower is better)',
      groups: p99Keys.map(([, label]) => label),
      series: input.stacks.map((name) => ({ name, values: p99Keys.map(([key]) => value(name, key)) })),
      format: formatAmount,
    }),
    panel({
      top: 1060,
      height: 260,
      title: 'Idle sessions: server RSS per session, KiB (lower is better)',
      groups: ['KiB per idle session', 'beyond raw'],
      series: input.stacks.map((name) => ({ name, values: [value(name, 'd.kib'), value(name, 'd.beyond')] })),
      format: formatAmount,
    }),
  ];

  const legend = input.stacks.map((name, i) => {
    const x = 70 + i * 170;
    return `<rect x="${x}" y="66" width="14" height="14" fill="${COLOURS[name]}"/>${text(x + 20, 78, name, 'font-size="13"')}`;
  });
  const height = 1340;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(70, 28, input.title, 'font-size="19" font-weight="bold"'),
    text(70, 50, input.subtitle, 'font-size="12" fill="#555"'),
    ...legend,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}
