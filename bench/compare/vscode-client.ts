/**
 * The vscode-jsonrpc stack's client (npm `vscode-jsonrpc`, its `/node` entry):
 * a MessageConnection over SocketMessageReader/Writer, `sendRequest('echo',
 * text)` (sent as `"params":[text]`, the same wire form as every stack).
 *
 *   node dist-bench/compare/vscode-client.js --port N --conns 1 --outstanding 64 --seconds 3
 */
import { connect } from 'node:net';
import { SocketMessageReader, SocketMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { exitWhenStdinCloses, loadOptions, parseFlags, runMain } from './common';
import { drive } from './driver';

runMain(async () => {
  exitWhenStdinCloses();
  const options = loadOptions(parseFlags(process.argv.slice(2)));
  await drive(options, async () => {
    const socket = connect({ host: '127.0.0.1', port: options.port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
    connection.listen();
    return {
      call: (text: string) => connection.sendRequest<string>('echo', text),
      close: () =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          connection.dispose();
          socket.end();
        }),
    };
  });
});
