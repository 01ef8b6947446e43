/**
 * The vscode-jsonrpc stack's server (npm `vscode-jsonrpc`, its `/node` entry):
 * a MessageConnection per socket over SocketMessageReader/Writer, with its own
 * Content-Length framing, and `onRequest('echo', (s) => s)` — or, with
 * `--handler async`, `onRequest('echo', async (s) => s)` (a Promise the
 * connection awaits before replying).
 *
 *   node dist-bench/compare/vscode-server.js [--handler sync|async]   # prints {"port":N}
 */
import { createServer } from 'node:net';
import { SocketMessageReader, SocketMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { exitWhenStdinCloses, handlerFlag, parseFlags, printJson, runMain } from './common';

runMain(async () => {
  exitWhenStdinCloses();
  const echo: (s: string) => string | Promise<string> = handlerFlag(parseFlags(process.argv.slice(2))) === 'async' ? async (s: string) => s : (s: string) => s;
  const server = createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => socket.destroy());
    const connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
    connection.onRequest('echo', echo);
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
