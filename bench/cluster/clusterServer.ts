/**
 * The server of the cluster benchmark: `serveCluster` with `--workers N`,
 * each worker running the comparison's rxrpcx server (`serveRs` + an
 * RPCSession whose only handler is `echo`, default options otherwise).
 * The primary prints `{"port":N,"pid":…,"workers":[pid,…]}` once every
 * worker listens; under the harness it closes the cluster when its stdin
 * closes.
 *
 *   node dist-bench/cluster/clusterServer.js --workers 2
 */
import { RPCSession } from 'rxrpcx';
import { serveCluster, serveRs } from 'rxrpcx/node';
import { CHILD_ENV, numberFlag, parseFlags, printJson, runMain } from '../compare/common';

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2));
  const cluster = await serveCluster(
    ({ port }) => serveRs((transport, options) => new RPCSession(transport, { ...options, handlers: { echo: (s: string) => s } }), '127.0.0.1', port),
    { workers: numberFlag(flags, 'workers', 1), host: '127.0.0.1' },
  );
  if (cluster.role === 'worker') return;
  printJson({ port: cluster.address.port, pid: process.pid, workers: cluster.sessions.workers.map((w) => w.pid) });
  if (process.env[CHILD_ENV] === '1') {
    const stop = (): void => void cluster.close({ closeSessions: true, forceAfter: 1 });
    process.stdin.on('data', () => undefined);
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.on('error', stop);
  }
});
