/**
 * The json-rpc-2.0 stack's server (npm `json-rpc-2.0`): one JSONRPCServer with
 * an `echo` method, over newline-framed `node:net` sockets. As a user would
 * write it: each line goes to `receiveJSON`, each reply is written on its own
 * (the library has no transport, so no batching of its own).
 *
 *   node dist-bench/compare/jsonrpc2-server.js   # prints {"port":N}
 */
import { JSONRPCServer } from 'json-rpc-2.0';
import { createServer } from 'node:net';
import { exitWhenStdinCloses, printJson, runMain } from './common';
import { onLines } from './newline';

runMain(async () => {
  exitWhenStdinCloses();
  const rpc = new JSONRPCServer();
  rpc.addMethod('echo', (params: unknown) => (Array.isArray(params) ? (params as unknown[])[0] : undefined));
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => socket.destroy());
    onLines(socket, (line) => {
      rpc.receiveJSON(line).then(
        (reply) => {
          if (reply !== null && !socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
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
