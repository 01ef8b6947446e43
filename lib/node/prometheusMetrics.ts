import { loadPromClient, type PromClientModule } from './promClientInternals.js';
import type { ServerStats } from './ServerStats.js';

/**
 * What rxrpcx needs of a metrics registry; a prom-client `Registry` is one.
 *
 * ## Example
 * ```ts
 * import type { MetricsRegistry } from 'rxrpcx/node';
 * async function scrape(registry: MetricsRegistry): Promise<string> {
 *   return `${registry.contentType}\n${await registry.metrics()}`;
 * }
 * ```
 */
export interface MetricsRegistry {
  /** The exposition text of every metric registered. */
  metrics(): Promise<string>;
  /** The content type of that text. */
  readonly contentType: string;
  /** Forgets the metric named `name`. */
  removeSingleMetric(name: string): void;
}

/**
 * Options of {@link prometheusMetrics}.
 *
 * ## Example
 * ```ts
 * import type { PrometheusMetricsOptions } from 'rxrpcx/node';
 * const options: PrometheusMetricsOptions = { prefix: 'electrum_' };
 * ```
 */
export interface PrometheusMetricsOptions {
  /** The prom-client `Registry` to register in (for one endpoint with the process's other metrics). @default a new Registry */
  readonly registry?: MetricsRegistry;
  /** Put before every metric name: two servers in one registry need two prefixes. @default 'rxrpcx_' */
  readonly prefix?: string;
}

/**
 * The metrics {@link prometheusMetrics} registered.
 *
 * ## Example
 * ```ts
 * import { prometheusMetrics, serveRs, type PrometheusMetrics } from 'rxrpcx/node';
 * const server = await serveRs(undefined, '127.0.0.1', 0);
 * const metrics: PrometheusMetrics = prometheusMetrics(server);
 * console.log(metrics.names.includes('rxrpcx_requests_total')); // true
 * metrics.remove();
 * ```
 */
export interface PrometheusMetrics {
  /** The registry they are in. */
  readonly registry: MetricsRegistry;
  /** Their names, prefix included. */
  readonly names: readonly string[];
  /** Takes them out of the registry. */
  remove(): void;
}

/**
 * Anything with a server's statistics: a `SessionServer`, or a sum of several.
 * {@link prometheusMetrics} calls `stats()` at most once per turn of the
 * event loop, so every metric of one scrape reads the same snapshot.
 *
 * ## Example
 * ```ts
 * import { prometheusMetrics, serveRs, type ServerStatsSource } from 'rxrpcx/node';
 * let server = await serveRs(undefined, '127.0.0.1', 0);
 * // Always the current server, even after it is replaced by a new one.
 * const current: ServerStatsSource = { stats: () => server.stats() };
 * prometheusMetrics(current);
 * ```
 */
export interface ServerStatsSource {
  /** The statistics now. */
  stats(): ServerStats;
}

/** A metric: its name after the prefix, its type, help text, and its samples from a snapshot. */
interface MetricSpec {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  readonly label?: string;
  readonly samples: (stats: ServerStats) => ReadonlyArray<readonly [label: string | undefined, value: number]>;
}

const one =
  (read: (stats: ServerStats) => number) =>
  (stats: ServerStats): ReadonlyArray<readonly [undefined, number]> => [[undefined, read(stats)]];

const quantiles = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.99', 'p99'],
  ['1', 'max'],
] as const;

/** The metrics, in the order of the exposition (the README's table follows it). */
const specs: readonly MetricSpec[] = [
  { name: 'sessions_open', type: 'gauge', help: 'Sessions live now.', samples: one((s) => s.sessionsOpen) },
  { name: 'sessions_opened_total', type: 'counter', help: 'Sessions started.', samples: one((s) => s.sessionsOpened) },
  { name: 'requests_total', type: 'counter', help: 'Incoming requests received (each batch member counts).', samples: one((s) => s.requests) },
  {
    name: 'notifications_total',
    type: 'counter',
    help: 'Incoming notifications received (each batch member counts).',
    samples: one((s) => s.notifications),
  },
  {
    name: 'errors_total',
    type: 'counter',
    help: 'Error replies sent, by JSON-RPC code.',
    label: 'code',
    samples: (s) => Object.entries(s.errorReplies).map(([code, count]) => [code, count] as const),
  },
  {
    name: 'session_errors_total',
    type: 'counter',
    help: 'Errors counted by the sessions: protocol errors, bad frames, failed handlers.',
    samples: one((s) => s.errors),
  },
  { name: 'messages_received_total', type: 'counter', help: 'Messages received.', samples: one((s) => s.messagesReceived) },
  { name: 'messages_sent_total', type: 'counter', help: 'Messages sent.', samples: one((s) => s.messagesSent) },
  { name: 'bytes_received_total', type: 'counter', help: 'Bytes received, framing included.', samples: one((s) => s.bytesReceived) },
  { name: 'bytes_sent_total', type: 'counter', help: 'Bytes sent, before framing.', samples: one((s) => s.bytesSent) },
  {
    name: 'sessions_cost_disconnected_total',
    type: 'counter',
    help: 'Sessions disconnected for excessive cost (at costHardLimit).',
    samples: one((s) => s.costDisconnects),
  },
  {
    name: 'sessions_over_cost_soft_limit',
    type: 'gauge',
    help: 'Live sessions above their costSoftLimit (throttled).',
    samples: one((s) => s.cost.overSoftLimit),
  },
  {
    name: 'session_cost',
    type: 'gauge',
    help: "Live sessions' cost, by quantile (1: the highest).",
    label: 'quantile',
    samples: (s) => quantiles.map(([quantile, key]) => [quantile, s.cost[key]] as const),
  },
];

/**
 * Registers a server's statistics as Prometheus metrics, with prom-client.
 *
 * prom-client is an optional peer dependency (`npm install prom-client`),
 * loaded when this is first called and never otherwise; without it this
 * throws a {@link MissingDependencyError}. Each metric reads the server's
 * snapshot when the registry is scraped (one snapshot per scrape, shared by
 * every metric), so serving requests costs nothing more. The counters are
 * totals since the server started; for rates, use PromQL's `rate()`.
 * Metric names: see the README's Metrics section.
 *
 * ## Example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { prometheusMetrics, serveRs } from 'rxrpcx/node';
 * const server = await serveRs(undefined, '127.0.0.1', 0);
 * const registry = new Registry();
 * prometheusMetrics(server, { registry });
 * console.log(await registry.metrics()); // rxrpcx_sessions_open 0 …
 * ```
 *
 * @see {@link serveMetrics} to serve them over HTTP as well
 * @param server - the server (or anything with its `stats()`)
 * @param options - the registry and the name prefix
 * @returns the registry and the metrics' names
 * @throws MissingDependencyError - when prom-client is not installed
 */
export function prometheusMetrics(server: ServerStatsSource, options: PrometheusMetricsOptions = {}): PrometheusMetrics {
  const prom = loadPromClient('prometheusMetrics');
  const registry = options.registry ?? new prom.Registry();
  const prefix = options.prefix ?? 'rxrpcx_';
  const read = sharedSnapshot(server);
  const names: string[] = [];
  const remove = (): void => {
    for (const name of names) registry.removeSingleMetric(name);
  };
  try {
    for (const spec of specs) {
      register(prom, registry, prefix, spec, read);
      names.push(prefix + spec.name);
    }
  } catch (error) {
    // A name already taken: the ones registered before it are taken back.
    remove();
    throw error;
  }
  return { registry, names, remove };
}

function register(prom: PromClientModule, registry: MetricsRegistry, prefix: string, spec: MetricSpec, read: () => ServerStats): void {
  const common = { name: prefix + spec.name, help: spec.help, registers: [registry], labelNames: spec.label === undefined ? [] : [spec.label] };
  const label = (value: string | undefined): Record<string, string> => (spec.label === undefined || value === undefined ? {} : { [spec.label]: value });
  if (spec.type === 'counter') {
    new prom.Counter({
      ...common,
      collect() {
        this.reset();
        for (const [value, count] of spec.samples(read())) this.inc(label(value), count);
      },
    });
  } else {
    new prom.Gauge({
      ...common,
      collect() {
        this.reset();
        for (const [value, level] of spec.samples(read())) this.set(label(value), level);
      },
    });
  }
}

/** The server's snapshot, taken once per turn of the event loop: every metric of one scrape reads the same one. */
function sharedSnapshot(server: ServerStatsSource): () => ServerStats {
  let snapshot: ServerStats | undefined;
  return () => {
    if (snapshot === undefined) {
      snapshot = server.stats();
      setImmediate(() => {
        snapshot = undefined;
      });
    }
    return snapshot;
  };
}
