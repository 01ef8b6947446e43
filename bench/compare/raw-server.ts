/**
 * The ceiling's server: plain `node:net`, newline-delimited JSON-RPC 2.0, no
 * library. Each data chunk is split on '\n', each line JSON.parse'd, each reply
 * built with JSON.stringify, and all replies to one chunk go out in ONE write.
 *
 * `--handler async`: the same, but the echo is `async (s) => s` and each
 * request's reply is built when its promise settles (one more microtask per
 * request, as every other stack pays); the chunk's replies still go out in
 * one write, once the last of them is in. The ceiling for the async shapes.
 *
 *   node dist-bench/compare/raw-server.js [--handler sync|async]   # prints {"port":N}
 */
import { createServer, type Socket } from 'node:net';
import { exitWhenStdinCloses, handlerFlag, parseFlags, printJson, runMain } from './common';

interface Request {
  readonly id?: unknown;
  readonly method?: unknown;
  readonly params?: unknown;
}

/** The async handler: the reply's result on a later microtask. */
const echoAsync = async (text: unknown): Promise<unknown> => text;

function reply(id: unknown, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result });
}

/** The request of a line, or the error reply to send instead. */
function parse(line: string): Request | string {
  try {
    return JSON.parse(line) as Request;
  } catch {
    return JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
  }
}

function notFound(request: Request): string {
  return JSON.stringify({ jsonrpc: '2.0', id: request.id ?? null, error: { code: -32601, message: 'method not found' } });
}

function answer(line: string): string {
  const request = parse(line);
  if (typeof request === 'string') return request;
  if (request.method === 'echo' && Array.isArray(request.params)) return reply(request.id, (request.params as unknown[])[0]);
  return notFound(request);
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

/** As {@link serve}, with the async echo: a chunk's replies go out together once all have settled. */
function serveAsync(socket: Socket): void {
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  let rest = '';
  let replies = '';
  let pending = 0;
  const add = (text: string): void => {
    replies += `${text}\n`;
    if (--pending === 0 && !socket.destroyed) {
      socket.write(replies);
      replies = '';
    }
  };
  socket.on('data', (chunk: string) => {
    const text = rest + chunk;
    let begin = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', begin)) {
      if (end > begin) {
        pending++;
        const request = parse(text.slice(begin, end));
        if (typeof request === 'string') add(request);
        else if (request.method === 'echo' && Array.isArray(request.params)) {
          const id = request.id;
          void echoAsync((request.params as unknown[])[0]).then((result) => add(reply(id, result)));
        } else add(notFound(request));
      }
      begin = end + 1;
    }
    rest = text.slice(begin);
  });
  socket.on('error', () => socket.destroy());
}

runMain(async () => {
  exitWhenStdinCloses();
  const handler = handlerFlag(parseFlags(process.argv.slice(2)));
  const server = createServer({ noDelay: true }, handler === 'async' ? serveAsync : serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  printJson({ port: address.port, pid: process.pid });
});
