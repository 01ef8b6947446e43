/**
 * The json-rpc-2.0 stack's client (npm `json-rpc-2.0`): a JSONRPCClient per
 * connection whose send hands the newline-framed message to a
 * {@link lineWriter}, so the requests made during one event-loop turn go out
 * in one `socket.write` (the same glue as the server); each received line
 * goes to `client.receive`. `client.request('echo', [text])`.
 *
 *   node dist-bench/compare/jsonrpc2-client.js --port N --conns 1 --outstanding 64 --seconds 3
 */
import { JSONRPCClient, type JSONRPCResponse } from 'json-rpc-2.0';
import { connect } from 'node:net';
import { exitWhenStdinCloses, loadOptions, parseFlags, runMain } from './common';
import { drive } from './driver';
import { lineWriter, onLines } from './newline';

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
    const send = lineWriter(socket);
    const client = new JSONRPCClient((request: unknown) => send(JSON.stringify(request)));
    onLines(socket, (line) => client.receive(JSON.parse(line) as JSONRPCResponse));
    socket.on('error', (error: Error) => client.rejectAllPendingRequests(error.message));
    socket.on('close', () => client.rejectAllPendingRequests('connection closed'));
    return {
      call: (text: string) => Promise.resolve(client.request('echo', [text])),
      close: () =>
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.end();
        }),
    };
  });
});
