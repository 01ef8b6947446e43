import cluster from 'node:cluster';
import type { Observable, SchedulerLike } from 'rxjs';
import type { SessionBase } from '../session/SessionBase.js';
import type { SessionLogger } from '../session/SessionLogger.js';
import type { NetAddress } from '../util/NetAddress.js';
import type { ClusterError } from './ClusterError.js';
import { startClusterPrimary } from './clusterPrimaryInternals.js';
import { startClusterWorker } from './clusterWorkerInternals.js';
import type { SessionServer } from './SessionServer.js';

/**
 * What a worker's start function is given: where to listen, and who it is.
 *
 * ## Example
 * ```ts
 * import { serveRs, type ClusterWorkerContext } from 'rxrpcx/node';
 * const start = ({ port }: ClusterWorkerContext) => serveRs(undefined, '127.0.0.1', port);
 * ```
 */
export interface ClusterWorkerContext {
  /** The port every worker listens on: the one asked for, or the free one the primary picked for 0. */
  readonly port: number;
  /** This worker's `node:cluster` id (a restarted worker gets a new one). */
  readonly id: number;
}

/**
 * When and how often {@link serveCluster} restarts a worker that died.
 *
 * A worker that exits without having been asked to (a crash, `kill -9`, a
 * `process.exit()`) is forked again after a delay that doubles with each
 * restart in the last `window` seconds, from `initialDelay` up to
 * `maxDelay`; past `maxRestarts` in that window its slot stays empty and
 * `onError` gets a `ClusterError` `'RXRPCX_ERR_CLUSTER_RESTARTS'`.
 *
 * ## Example
 * ```ts
 * import type { ClusterRestartOptions } from 'rxrpcx/node';
 * const restart: ClusterRestartOptions = { initialDelay: 0.5, maxRestarts: 5, window: 60 };
 * ```
 */
export interface ClusterRestartOptions {
  /** Seconds before the first restart. @default 0.1 */
  readonly initialDelay?: number;
  /** The longest delay, seconds. @default 10 */
  readonly maxDelay?: number;
  /** Restarts allowed within `window` (all workers together). @default 10 */
  readonly maxRestarts?: number;
  /** The window restarts are counted in, seconds. @default 60 */
  readonly window?: number;
}

/**
 * How {@link ClusterPrimary.close} (and a signal) closes a cluster.
 *
 * ## Example
 * ```ts
 * import type { ClusterCloseOptions } from 'rxrpcx/node';
 * const options: ClusterCloseOptions = { closeSessions: true, forceAfter: 5 };
 * ```
 */
export interface ClusterCloseOptions {
  /**
   * Each worker closes its live sessions (`server.close({ closeSessions: true })`);
   * otherwise it stops listening and drains: it exits once its clients have left.
   * @default false
   */
  readonly closeSessions?: boolean;
  /**
   * Seconds a worker's session closes have before they turn into aborts; a
   * worker still running one second after that is killed (`SIGKILL`).
   * @default 30
   */
  readonly forceAfter?: number;
}

/**
 * Options of {@link serveCluster}. The primary reads them all; a worker reads
 * `reportInterval`, `handleSignals`, `closeOnSignal` and `scheduler`.
 *
 * ## Example
 * ```ts
 * import type { ServeClusterOptions } from 'rxrpcx/node';
 * const options: ServeClusterOptions = { workers: 4, port: 50001, restart: { maxRestarts: 5 } };
 * ```
 */
export interface ServeClusterOptions {
  /** How many workers. @default os.availableParallelism() */
  readonly workers?: number;
  /**
   * The port every worker listens on. With 0 the primary picks a free one
   * first (on `host`) and hands it to every worker, so all of them — and
   * any restarted one — share one port.
   * @default 0
   */
  readonly port?: number;
  /** Where the primary looks for a free port when `port` is 0. @default every interface */
  readonly host?: string;
  /** Restarting workers that died. @default see ClusterRestartOptions */
  readonly restart?: ClusterRestartOptions;
  /** The least time between two session-count reports of a worker, seconds. @default 0.1 */
  readonly reportInterval?: number;
  /**
   * SIGINT and SIGTERM close the cluster (`closeOnSignal`); a second one in
   * the primary kills the workers at once. In a worker, SIGINT is left to the
   * primary (a terminal's Ctrl-C reaches both) and SIGTERM retires that
   * worker gracefully, without a replacement.
   * @default true
   */
  readonly handleSignals?: boolean;
  /** How a signal closes. @default { closeSessions: true, forceAfter: 30 } */
  readonly closeOnSignal?: ClusterCloseOptions;
  /** Where the primary reports deaths and restarts (`warn`). @default the default session logger */
  readonly logger?: SessionLogger;
  /** A worker past the restart cap. @default logs it with `logger.error` */
  readonly onError?: (error: ClusterError) => void;
  /** Drives the restart, report and kill timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * One worker in {@link ClusterSessions}.
 *
 * ## Example
 * ```ts
 * import type { ClusterWorkerSessions } from 'rxrpcx/node';
 * const worker: ClusterWorkerSessions = { id: 1, pid: 4242, sessions: 10 };
 * ```
 */
export interface ClusterWorkerSessions {
  /** The `node:cluster` id. */
  readonly id: number;
  /** The worker's process id. */
  readonly pid: number;
  /** Its live sessions, as last reported. */
  readonly sessions: number;
}

/**
 * The combined view of a cluster's sessions: each listening worker's count,
 * and their sum.
 *
 * ## Example
 * ```ts
 * import type { ClusterSessions } from 'rxrpcx/node';
 * const view: ClusterSessions = { workers: [{ id: 1, pid: 4242, sessions: 3 }], total: 3 };
 * ```
 */
export interface ClusterSessions {
  /** The listening workers, in slot order. */
  readonly workers: readonly ClusterWorkerSessions[];
  /** Sessions across all of them. */
  readonly total: number;
}

/**
 * What {@link serveCluster} gives the primary process.
 *
 * ## Example
 * ```ts
 * import { serveCluster, serveRs } from 'rxrpcx/node';
 * const cluster = await serveCluster(({ port }) => serveRs(undefined, '127.0.0.1', port), { workers: 2 });
 * if (cluster.role === 'primary') {
 *   cluster.sessions$.subscribe(({ total }) => console.log('sessions:', total));
 *   await cluster.close({ closeSessions: true, forceAfter: 5 });
 * }
 * ```
 */
export interface ClusterPrimary {
  /** The discriminant: `'primary'` in the process that forked the workers. */
  readonly role: 'primary';
  /** Where the workers listen (the real port when 0 was asked for), as the first worker reported it. */
  readonly address: NetAddress;
  /**
   * The combined view of sessions: the current one on subscribe, then a new
   * one whenever a worker starts, reports a change (at most every
   * `reportInterval`) or exits. Completes when the cluster has closed.
   */
  readonly sessions$: Observable<ClusterSessions>;
  /** The current combined view. */
  readonly sessions: ClusterSessions;
  /**
   * Asks every worker to close (over IPC) and resolves when all have exited;
   * a worker still running `forceAfter` + 1 seconds later is killed. Dead
   * workers are no longer restarted. Calling it again returns the same Promise.
   */
  close(options?: ClusterCloseOptions): Promise<void>;
}

/**
 * What {@link serveCluster} gives a worker process: the server its start
 * function made.
 *
 * ## Example
 * ```ts
 * import { serveCluster, serveRs } from 'rxrpcx/node';
 * const cluster = await serveCluster(({ port }) => serveRs(undefined, '127.0.0.1', port));
 * if (cluster.role === 'worker') console.log(`worker ${cluster.id} serving`, cluster.server.sessions.size);
 * ```
 */
export interface ClusterWorker<S extends SessionBase<M>, M = Uint8Array> {
  /** The discriminant: `'worker'` in a forked worker process. */
  readonly role: 'worker';
  /** This worker's `node:cluster` id. */
  readonly id: number;
  /** The server the start function returned. */
  readonly server: SessionServer<S, M>;
}

/**
 * Serves from several worker processes on one port with `node:cluster`: one
 * script, run as the primary and as every worker.
 *
 * In the primary it forks `workers` workers (the machine's cores by
 * default), each of which calls `start` with the shared port; the primary
 * restarts a worker that dies (with backoff and a cap), keeps a combined
 * view of every worker's session count (`sessions$`), and closes them all
 * gracefully on `close()`, SIGINT or SIGTERM. It resolves once every worker
 * listens, and rejects with `ClusterError` `'RXRPCX_ERR_CLUSTER_START'` if
 * one fails to (after stopping the others). In a worker it resolves with the
 * server `start` made, and answers the primary's close request.
 * Connections are spread by `node:cluster` (round robin from the primary,
 * except on Windows).
 *
 * ## Example
 * ```ts
 * import { RPCSession } from 'rxrpcx';
 * import { serveCluster, serveRs } from 'rxrpcx/node';
 * const cluster = await serveCluster(
 *   ({ port }) =>
 *     serveRs((transport, options) => new RPCSession(transport, { ...options, handlers: { pid: () => process.pid } }), '0.0.0.0', port),
 *   { port: 50001 },
 * );
 * if (cluster.role === 'primary') {
 *   console.log(`${cluster.sessions.workers.length} workers on ${cluster.address.toString()}`);
 *   cluster.sessions$.subscribe(({ workers, total }) => console.log(total, workers.map((w) => w.sessions)));
 * }
 * ```
 *
 * @param start - run in each worker: starts its server on `context.port` (`serveRs`, `serveWs`, …)
 * @param options - workers, port, restart policy, signals
 * @returns in the primary a {@link ClusterPrimary}, in a worker a {@link ClusterWorker}
 */
export function serveCluster<S extends SessionBase<M>, M = Uint8Array>(
  start: (context: ClusterWorkerContext) => Promise<SessionServer<S, M>>,
  options: ServeClusterOptions = {},
): Promise<ClusterPrimary | ClusterWorker<S, M>> {
  return cluster.isPrimary ? startClusterPrimary(options) : startClusterWorker(start, options);
}
