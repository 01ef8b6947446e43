/**
 * Newline framing on a `node:net` socket for the libraries that bring no
 * transport of their own (json-rpc-2.0): each complete line of input is handed
 * to `onLine`; callers write `JSON.stringify(message) + '\n'`.
 */
import type { Socket } from 'node:net';

/** Calls `onLine` with each complete line the socket receives. */
export function onLines(socket: Socket, onLine: (line: string) => void): void {
  socket.setEncoding('utf8');
  let rest = '';
  socket.on('data', (chunk: string) => {
    const text = rest + chunk;
    let begin = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', begin)) {
      if (end > begin) onLine(text.slice(begin, end));
      begin = end + 1;
    }
    rest = text.slice(begin);
  });
}
