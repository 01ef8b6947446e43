/**
 * The ceiling's server: plain `node:net`, newline-delimited JSON-RPC 2.0, no
 * library. Each data chunk is split on '\n', each line JSON.parse'd, each reply
 * built with JSON.stringify, and all replies to one chunk go out in ONE write.
 *
 *   node dist-bench/compare/raw-server.js        # prints {"port":N}
 */
import { createServer, type Socket } from 'node:net';
import { exitWhenStdinCloses, printJson, runMain } from './common';

interface Request {
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
}

function answer(line: string): string {
  let request: Request;
  try {
    request = JSON.parse(line) as Request;
  } catch {
    return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
  }
  if (request.method === 'echo' && Array.isArray(request.params)) {
    return JSON.stringify({ jsonrpc: '2.0', id: request.id, result: (request.params as unknown[])[0] });
  }
  return JSON.stringify({ jsonrpc: '2.0', id: request.id ?? null, error: { code: -32601, message: 'method not found' } });
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  let rest = '';
  socket.on('data', (chunk: string) => {
    const text = rest + chunk;
    let replies = '';
    let begin = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', begin)) {
      if (end > begin) replies += `${answer(text.slice(begin, end))}\n`;
      begin = end + 1;
    }
    rest = text.slice(begin);
    if (replies) socket.write(replies);
  });
  socket.on('error', () => socket.destroy());
}

runMain(async () => {
  exitWhenStdinCloses();
  const server = createServer({ noDelay: true }, serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  printJson({ port: address.port, pid: process.pid });
});
