import cluster, { type Worker } from 'node:cluster';
import { createServer, type AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { asyncScheduler, BehaviorSubject, type Subscription } from 'rxjs';
import { defaultLogger } from '../session/setDefaultLogger.js';
import { scheduleAfter } from '../tasks/tasksInternals.js';
import { NetAddress } from '../util/NetAddress.js';
import { ClusterError } from './ClusterError.js';
import { CLUSTER_CHANNEL, CLUSTER_PORT_ENV, isWorkerMessage, type CloseMessage, type FailedMessage } from './clusterInternals.js';
import type { ClusterCloseOptions, ClusterPrimary, ClusterSessions, ServeClusterOptions } from './serveCluster.js';

/** After forceAfter, a worker has this long (s) to exit before it is killed. */
const KILL_GRACE = 1;

/** One of the N places a worker runs in; a restarted worker takes its predecessor's. */
interface Slot {
  worker: Worker | undefined;
  listening: boolean;
  sessions: number;
  failure: FailedMessage | undefined;
  restart: Subscription | undefined;
}

/** A free port on `host` (every interface when undefined), found by binding port 0 and letting go. */
function pickFreePort(host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function checkCount(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`serveCluster: ${name} must be an integer in ${min}..${max}, not ${value}`);
  return value;
}

/**
 * The primary half of serveCluster: forks the workers on one port, restarts
 * those that die, merges their session counts, and closes them all.
 * @internal
 */
export async function startClusterPrimary(options: ServeClusterOptions): Promise<ClusterPrimary> {
  const count = checkCount('workers', options.workers ?? availableParallelism(), 1);
  const asked = checkCount('port', options.port ?? 0, 0, 65535);
  const port = asked === 0 ? await pickFreePort(options.host) : asked;
  const scheduler = options.scheduler ?? asyncScheduler;
  const logger = options.logger ?? defaultLogger();
  const onError = options.onError ?? ((error: ClusterError) => logger.error(error.message));
  const initialDelay = options.restart?.initialDelay ?? 0.1;
  const maxDelay = options.restart?.maxDelay ?? 10;
  const maxRestarts = options.restart?.maxRestarts ?? 10;
  const window = options.restart?.window ?? 60;

  const slots: Slot[] = Array.from({ length: count }, () => ({ worker: undefined, listening: false, sessions: 0, failure: undefined, restart: undefined }));
  const exits = new Map<Worker, Promise<void>>();
  const view = new BehaviorSubject<ClusterSessions>({ workers: [], total: 0 });
  let restartTimes: number[] = [];
  let address: NetAddress | undefined;
  let closing: Promise<void> | undefined;
  let startup: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const started = new Promise<void>((resolve, reject) => (startup = { resolve, reject }));

  const publish = (): void => {
    if (view.closed) return;
    const workers = slots.flatMap(({ worker, listening, sessions }) =>
      worker !== undefined && listening ? [{ id: worker.id, pid: worker.process.pid ?? 0, sessions }] : [],
    );
    view.next({ workers, total: workers.reduce((sum, w) => sum + w.sessions, 0) });
  };

  const fork = (slot: Slot): void => {
    const worker = cluster.fork({ [CLUSTER_PORT_ENV]: String(port) });
    Object.assign(slot, { worker, listening: false, sessions: 0, failure: undefined });
    // A send to a worker that just died must not throw out of an event handler.
    worker.on('error', () => undefined);
    worker.on('message', (message: unknown) => {
      if (slot.worker !== worker || !isWorkerMessage(message)) return;
      if (message.type === 'listening') {
        slot.listening = true;
        address ??= new NetAddress(message.host, message.port);
        publish();
        if (startup && slots.every((s) => s.listening)) {
          startup.resolve();
          startup = undefined;
        }
      } else if (message.type === 'sessions') {
        slot.sessions = message.sessions;
        publish();
      } else {
        slot.failure = message;
        worker.process.kill('SIGKILL');
      }
    });
    exits.set(
      worker,
      new Promise((resolve) =>
        worker.once('exit', (code: number | null, signal: string | null) => {
          exits.delete(worker);
          onExit(slot, worker, code, signal);
          resolve();
        }),
      ),
    );
  };

  const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null): void => {
    if (slot.worker !== worker) return;
    const how = signal ?? `code ${String(code)}`;
    slot.worker = undefined;
    slot.listening = false;
    publish();
    if (closing) return;
    if (startup) {
      const { failure } = slot;
      const cause = failure ? Object.assign(new Error(failure.message), { name: failure.name, code: failure.code }) : undefined;
      const why = failure ? `${failure.name}: ${failure.message}` : `exited (${how})`;
      startup.reject(new ClusterError('RXRPCX_ERR_CLUSTER_START', `worker ${worker.id} failed to start: ${why}`, worker.id, { cause }));
      startup = undefined;
      return;
    }
    if (worker.exitedAfterDisconnect && !slot.failure) {
      logger.warn(`cluster: worker ${worker.id} (pid ${worker.process.pid}) left on its own (${how}); not replaced`);
      return;
    }
    const now = scheduler.now();
    restartTimes = restartTimes.filter((t) => now - t < window * 1000);
    if (restartTimes.length >= maxRestarts) {
      onError(new ClusterError('RXRPCX_ERR_CLUSTER_RESTARTS', `cluster: worker ${worker.id} died (${how}) after ${maxRestarts} restarts in ${window} s; not restarted`, worker.id));
      return;
    }
    const delay = Math.min(initialDelay * 2 ** restartTimes.length, maxDelay);
    restartTimes.push(now);
    logger.warn(`cluster: worker ${worker.id} (pid ${worker.process.pid}) died (${how}); restarting in ${delay} s`);
    slot.restart = scheduleAfter(scheduler, delay, () => {
      slot.restart = undefined;
      if (!closing) fork(slot);
    });
  };

  const signals = ['SIGINT', 'SIGTERM'] as const;
  const onSignal = (): void => {
    if (closing) {
      // A second signal: stop waiting.
      for (const slot of slots) slot.worker?.process.kill('SIGKILL');
      return;
    }
    void close(options.closeOnSignal ?? { closeSessions: true, forceAfter: 30 });
  };

  const close = (how: ClusterCloseOptions = {}): Promise<void> =>
    (closing ??= (async () => {
      const forceAfter = how.forceAfter ?? 30;
      const request: CloseMessage = { channel: CLUSTER_CHANNEL, type: 'close', closeSessions: how.closeSessions ?? false, forceAfter };
      for (const slot of slots) {
        slot.restart?.unsubscribe();
        slot.restart = undefined;
        const worker = slot.worker;
        if (worker === undefined) continue;
        // One that is not serving yet has nothing to close.
        if (slot.listening && worker.isConnected()) worker.send(request, undefined, () => undefined);
        else worker.process.kill('SIGKILL');
      }
      const kill = scheduleAfter(scheduler, forceAfter + KILL_GRACE, () => {
        for (const slot of slots) slot.worker?.process.kill('SIGKILL');
      });
      try {
        await Promise.all(exits.values());
      } finally {
        kill.unsubscribe();
        if (options.handleSignals ?? true) for (const signal of signals) process.off(signal, onSignal);
        publish();
        view.complete();
      }
    })());

  for (const slot of slots) fork(slot);
  try {
    await started;
  } catch (error) {
    await close({ closeSessions: true, forceAfter: 1 });
    throw error;
  }
  if (options.handleSignals ?? true) for (const signal of signals) process.on(signal, onSignal);
  return {
    role: 'primary',
    address: address ?? new NetAddress(options.host ?? '0.0.0.0', port),
    sessions$: view.asObservable(),
    get sessions() {
      return view.getValue();
    },
    close,
  };
}
