/**
 * The rxrpcx stack's server: `serveRs` with an RPCSession whose only handler
 * is `echo`. Default session options otherwise (cost model, concurrency
 * control and statistics on, as users run them).
 *
 *   node dist-bench/compare/rxrpcx-server.js     # prints {"port":N}
 */
import { RPCSession } from 'rxrpcx';
import { serveRs } from 'rxrpcx/node';
import { exitWhenStdinCloses, printJson, runMain } from './common';

runMain(async () => {
  exitWhenStdinCloses();
  const server = await serveRs(
    (transport, options) => new RPCSession(transport, { ...options, handlers: { echo: (s: string) => s } }),
    '127.0.0.1',
    0,
  );
  printJson({ port: server.address.port, pid: process.pid });
});
