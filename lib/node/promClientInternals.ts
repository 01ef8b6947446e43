import { MissingDependencyError } from './MissingDependencyError.js';
import { packageRequire } from './packageInternals.js';

/**
 * The part of prom-client rxrpcx uses, typed here rather than imported from
 * prom-client: it is an optional peer dependency, so the declarations rxrpcx
 * ships must not name it (a consumer without it would fail to typecheck).
 */
export interface PromClientModule {
  readonly Registry: new () => PromRegistry;
  readonly Counter: new (config: PromMetricConfig<PromCounter>) => unknown;
  readonly Gauge: new (config: PromMetricConfig<PromGauge>) => unknown;
}

/** A prom-client `Registry`, as rxrpcx uses it. */
export interface PromRegistry {
  metrics(): Promise<string>;
  readonly contentType: string;
  removeSingleMetric(name: string): void;
}

/** A metric's configuration; `collect` runs (with `this` the metric) on each scrape. */
export interface PromMetricConfig<Metric> {
  readonly name: string;
  readonly help: string;
  readonly registers: readonly PromRegistry[];
  readonly labelNames: readonly string[];
  collect(this: Metric): void;
}

/** A prom-client `Counter`, inside `collect`. */
export interface PromCounter {
  reset(): void;
  inc(labels: Record<string, string>, value: number): void;
}

/** A prom-client `Gauge`, inside `collect`. */
export interface PromGauge {
  reset(): void;
  set(labels: Record<string, string>, value: number): void;
}

/**
 * Loads prom-client, when metrics are first asked for and not before (it is
 * an optional peer dependency): a MissingDependencyError if it is not
 * installed.
 */
export function loadPromClient(feature: string): PromClientModule {
  try {
    return packageRequire('prom-client') as PromClientModule;
  } catch (error) {
    if (isNotFound(error)) throw new MissingDependencyError('prom-client', feature, { cause: error });
    throw error;
  }
}

/** Node's "cannot find module 'prom-client'" (and not a failure inside it). */
function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes('prom-client');
}
