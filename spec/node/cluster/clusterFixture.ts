/**
 * The program the cluster spec runs (bundled by esbuild): a serveCluster of
 * `--workers` workers (2) on a free port, each serving `pid()` (its process
 * id) and `echo(x)`. The primary prints JSON lines on stdout: `ready` with
 * the port, every combined view as `sessions`, and `closed` once every
 * worker has exited; a worker prints nothing. `crash()` makes a worker
 * exit with code 3; `--port` and `--max-restarts` pass through.
 */
import { RPCSession, quietLogger } from 'rxrpcx';
import { serveCluster, serveRs } from 'rxrpcx/node';

const print = (value: object): boolean => process.stdout.write(`${JSON.stringify(value)}\n`);
const flag = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
};

async function main(): Promise<void> {
  const cluster = await serveCluster(
    ({ port }) =>
      serveRs(
        (transport, options) =>
          new RPCSession(transport, { ...options, logger: quietLogger, handlers: { pid: () => process.pid, echo: (x: unknown) => x, crash: () => process.exit(3) } }),
        '127.0.0.1',
        port,
      ),
    {
      workers: Number(flag('workers', '2')),
      host: '127.0.0.1',
      port: Number(flag('port', '0')),
      reportInterval: 0.02,
      restart: { initialDelay: 0.05, maxRestarts: Number(flag('max-restarts', '10')) },
      closeOnSignal: { closeSessions: true, forceAfter: 2 },
      logger: { debug: () => undefined, info: () => undefined, warn: (m) => console.error(m), error: (m) => console.error(m) },
    },
  );
  if (cluster.role === 'worker') return;
  print({ event: 'ready', port: cluster.address.port, host: cluster.address.host });
  cluster.sessions$.subscribe({
    next: (view) => print({ event: 'sessions', ...view }),
    complete: () => print({ event: 'closed' }),
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name} ${String((error as { code?: unknown }).code)}: ${error.message}` : String(error));
  process.exitCode = 1;
});
