/**
 * The json-rpc-2.0 stack's server (npm `json-rpc-2.0`): one JSONRPCServer with
 * an `echo` method, over newline-framed `node:net` sockets. The library has no
 * transport, so the glue is ours, written as a competent user would for a
 * pipelined peer: each line goes to `receiveJSON`, and the replies produced
 * during one event-loop turn are coalesced into one `socket.write`
 * ({@link lineWriter}, flushed with setImmediate) rather than one write each.
 *
 * `--handler sync` (default): `echo` returns the string; `--handler async`:
 * an async method (returns a Promise). The library awaits either way.
 *
 *   node dist-bench/compare/jsonrpc2-server.js [--handler sync|async]   # prints {"port":N}
 */
import { JSONRPCServer } from 'json-rpc-2.0';
import { createServer } from 'node:net';
import { exitWhenStdinCloses, handlerFlag, parseFlags, printJson, runMain } from './common';
import { lineWriter, onLines } from './newline';

runMain(async () => {
  exitWhenStdinCloses();
  const rpc = new JSONRPCServer();
  const echo = (params: unknown): unknown => (Array.isArray(params) ? (params as unknown[])[0] : undefined);
  if (handlerFlag(parseFlags(process.argv.slice(2))) === 'async') rpc.addMethod('echo', async (params: unknown) => echo(params));
  else rpc.addMethod('echo', echo);
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => socket.destroy());
    const send = lineWriter(socket);
    onLines(socket, (line) => {
      rpc.receiveJSON(line).then(
        (reply) => {
          if (reply !== null) send(JSON.stringify(reply));
        },
        () => socket.destroy(),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  printJson({ port: address.port, pid: process.pid });
});
