/**
 * The vscode-jsonrpc stack's server (npm `vscode-jsonrpc`, its `/node` entry):
 * a MessageConnection per socket over SocketMessageReader/Writer, with its own
 * Content-Length framing, and `onRequest('echo', (s) => s)`.
 *
 *   node dist-bench/compare/vscode-server.js     # prints {"port":N}
 */
import { createServer } from 'node:net';
import { SocketMessageReader, SocketMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { exitWhenStdinCloses, printJson, runMain } from './common';

runMain(async () => {
  exitWhenStdinCloses();
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => socket.destroy());
    const connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
    connection.onRequest('echo', (s: string) => s);
    connection.onClose(() => connection.dispose());
    connection.listen();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  printJson({ port: address.port, pid: process.pid });
});
