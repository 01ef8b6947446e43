import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageOf, toNetAddress } from '../transport/transportInternals.js';
import type { NetAddress } from '../util/NetAddress.js';
import { ListenError } from './ListenError.js';
import { hostPort } from './nodeInternals.js';
import { prometheusMetrics, type PrometheusMetrics, type PrometheusMetricsOptions, type ServerStatsSource } from './prometheusMetrics.js';

/**
 * Options of {@link serveMetrics}.
 *
 * ## Example
 * ```ts
 * import type { ServeMetricsOptions } from 'rxrpcx/node';
 * const options: ServeMetricsOptions = { port: 9464, host: '127.0.0.1', path: '/metrics' };
 * ```
 */
export interface ServeMetricsOptions extends PrometheusMetricsOptions {
  /** The port; 0 picks a free one. */
  readonly port: number;
  /** The address to bind: keep metrics off the public interface unless a scraper needs them there. @default '127.0.0.1' */
  readonly host?: string;
  /** The path scraped; anything else is 404. @default '/metrics' */
  readonly path?: string;
}

/**
 * The HTTP endpoint {@link serveMetrics} runs.
 *
 * ## Example
 * ```ts
 * import { serveMetrics, serveRs, type MetricsServer } from 'rxrpcx/node';
 * const server = await serveRs(undefined, '127.0.0.1', 0);
 * const endpoint: MetricsServer = await serveMetrics(server, { port: 0 });
 * console.log(endpoint.url); // http://127.0.0.1:…/metrics
 * await endpoint.close();
 * ```
 */
export interface MetricsServer {
  /** The bound address (with the real port when 0 was asked for). */
  readonly address: NetAddress;
  /** The URL to scrape. */
  readonly url: string;
  /** The metrics served. */
  readonly metrics: PrometheusMetrics;
  /** Stops listening, closes open connections and takes the metrics out of the registry. */
  close(): Promise<void>;
}

/**
 * Serves a server's statistics to Prometheus: {@link prometheusMetrics},
 * then a `node:http` endpoint answering `GET path` with the registry's
 * exposition text.
 *
 * Other paths get 404, other methods 405. prom-client is loaded only now
 * (an optional peer dependency): without it this rejects with a
 * {@link MissingDependencyError}; a port that cannot be bound rejects with a
 * {@link ListenError}. The endpoint does not close with the server: close
 * both.
 *
 * ## Example
 * ```ts
 * import { serveMetrics, serveRs } from 'rxrpcx/node';
 * const server = await serveRs(undefined, '127.0.0.1', 50001);
 * const metrics = await serveMetrics(server, { port: 9464 });
 * // prometheus.yml: scrape_configs: [{ job_name: rxrpcx, static_configs: [{ targets: ['127.0.0.1:9464'] }] }]
 * await metrics.close();
 * await server.close({ closeSessions: true });
 * ```
 *
 * @param server - the server (or anything with its `stats()`)
 * @param options - port, host and path; registry and prefix
 * @returns the running endpoint
 */
export async function serveMetrics(server: ServerStatsSource, options: ServeMetricsOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/metrics';
  const metrics = prometheusMetrics(server, options);
  const registry = metrics.registry;
  const http = createServer((request, response) => answer(request, response));
  const answer = (request: IncomingMessage, response: ServerResponse): void => {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    if ((query < 0 ? url : url.slice(0, query)) !== path) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'Content-Type': registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${messageOf(error)}\n`);
      },
    );
  };
  const target = hostPort(host, options.port);
  let address: NetAddress;
  try {
    address = await new Promise<NetAddress>((resolve, reject) => {
      http.once('error', (error) => reject(new ListenError(target, `cannot listen on ${target}: ${messageOf(error)}`, { cause: error })));
      http.listen({ host, port: options.port }, () => {
        const info = http.address() as AddressInfo;
        const bound = toNetAddress(info.address, info.port);
        if (bound === undefined) reject(new ListenError(target, `cannot read the address of ${target}`));
        else resolve(bound);
      });
    });
  } catch (error) {
    http.close();
    metrics.remove();
    throw error;
  }
  // Errors after listening (rare) must not crash the process.
  http.on('error', () => undefined);
  let closed: Promise<void> | undefined;
  return {
    address,
    url: `http://${address.toString()}${path}`,
    metrics,
    close: () =>
      (closed ??= new Promise<void>((done) => {
        metrics.remove();
        http.close(() => done());
        // Scrapers keep connections alive: they would hold close() open.
        http.closeAllConnections();
      })),
  };
}
