import cluster from 'node:cluster';
import { asyncScheduler, type Subscription } from 'rxjs';
import type { SessionBase } from '../session/SessionBase.js';
import { whenEnded } from '../session/sessionInternals.js';
import {
  CLUSTER_CHANNEL,
  CLUSTER_PORT_ENV,
  isCloseMessage,
  type CloseMessage,
  type FailedMessage,
  type ListeningMessage,
  type SessionsMessage,
} from './clusterInternals.js';
import type { ClusterCloseOptions, ClusterWorker, ClusterWorkerContext, ServeClusterOptions } from './serveCluster.js';
import type { SessionServer } from './SessionServer.js';

/** Sends one of our messages to the primary, if it is still there (a lost one is harmless). */
function sendToPrimary(message: ListeningMessage | FailedMessage | SessionsMessage): void {
  if (!process.connected || process.send === undefined) return;
  process.send(message, undefined, undefined, () => undefined);
}

function failure(error: unknown): FailedMessage {
  const e = error instanceof Error ? error : new Error(String(error));
  const code = (e as { code?: unknown }).code;
  return { channel: CLUSTER_CHANNEL, type: 'failed', name: e.name, message: e.message, code: typeof code === 'string' ? code : undefined };
}

/**
 * The worker half of serveCluster: starts the user's server on the port the
 * primary handed over, reports it and its session count, and closes it when
 * the primary asks (or on SIGTERM), then disconnects so that the process
 * exits once its last session has.
 * @internal
 */
export async function startClusterWorker<S extends SessionBase<M>, M>(
  start: (context: ClusterWorkerContext) => Promise<SessionServer<S, M>>,
  options: ServeClusterOptions,
): Promise<ClusterWorker<S, M>> {
  const worker = cluster.worker;
  if (worker === undefined) throw new Error('serveCluster: not a node:cluster worker');
  const scheduler = options.scheduler ?? asyncScheduler;
  const port = Number(process.env[CLUSTER_PORT_ENV] ?? options.port ?? 0);
  let server: SessionServer<S, M>;
  try {
    server = await start({ port, id: worker.id });
  } catch (error) {
    // The primary kills this worker on hearing it; the caller sees the error too.
    sendToPrimary(failure(error));
    throw error;
  }
  sendToPrimary({ channel: CLUSTER_CHANNEL, type: 'listening', host: server.address.host, port: server.address.port });

  // Session counts: one report per reportInterval at most, and only of a change.
  const interval = (options.reportInterval ?? 0.1) * 1000;
  let reported = -1;
  let pending: Subscription | undefined;
  let done = false;
  const report = (): void => {
    pending = undefined;
    const count = server.sessions.size;
    if (done || count === reported) return;
    reported = count;
    sendToPrimary({ channel: CLUSTER_CHANNEL, type: 'sessions', sessions: count });
  };
  const changed = (): void => {
    if (!done) pending ??= scheduler.schedule(report, interval);
  };
  for (const session of server.sessions) whenEnded(session, changed);
  const added = server.sessions$.subscribe((session) => {
    whenEnded(session, changed);
    changed();
  });
  report();

  let closing: Promise<void> | undefined;
  const close = (how: ClusterCloseOptions): Promise<void> =>
    (closing ??= (async () => {
      process.off('message', onMessage);
      process.off('SIGINT', ignore);
      process.off('SIGTERM', onTerm);
      try {
        await server.close({ closeSessions: how.closeSessions ?? false, forceAfter: how.forceAfter ?? 30 });
      } finally {
        done = true;
        pending?.unsubscribe();
        added.unsubscribe();
        // Marks the exit as asked for (not restarted); the process ends with its last handle.
        if (process.connected) worker.disconnect();
      }
    })());
  const onMessage = (message: unknown): void => {
    if (isCloseMessage(message)) void close(message satisfies CloseMessage);
  };
  const ignore = (): void => undefined;
  const onTerm = (): void => void close(options.closeOnSignal ?? { closeSessions: true, forceAfter: 30 });
  process.on('message', onMessage);
  if (options.handleSignals ?? true) {
    process.on('SIGINT', ignore);
    process.on('SIGTERM', onTerm);
  }
  return { role: 'worker', id: worker.id, server };
}
