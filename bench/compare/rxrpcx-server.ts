/**
 * The rxrpcx stack's server: `serveRs` with an RPCSession whose only handler
 * is `echo`. Default session options otherwise (cost model, concurrency
 * control with `initialConcurrent` 20, statistics on, as users run them).
 *
 * `--handler sync` (default): `echo: (s) => s`, answered in the same tick.
 * `--handler async`: `echo: async (s) => s`, a Promise the session awaits, so
 * each request holds one of the 20 concurrency slots until a later microtask.
 *
 *   node dist-bench/compare/rxrpcx-server.js [--handler sync|async]   # prints {"port":N}
 */
import { RPCSession } from 'rxrpcx';
import { serveRs } from 'rxrpcx/node';
import { exitWhenStdinCloses, handlerFlag, parseFlags, printJson, runMain } from './common';

runMain(async () => {
  exitWhenStdinCloses();
  const echo = handlerFlag(parseFlags(process.argv.slice(2))) === 'async' ? async (s: string) => s : (s: string) => s;
  const server = await serveRs((transport, options) => new RPCSession(transport, { ...options, handlers: { echo } }), '127.0.0.1', 0);
  printJson({ port: server.address.port, pid: process.pid });
});
