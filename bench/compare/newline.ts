/**
 * Newline framing on a `node:net` socket for the libraries that bring no
 * transport of their own (json-rpc-2.0): each complete line of input is handed
 * to `onLine`; callers send `JSON.stringify(message)` through a
 * {@link lineWriter}, which coalesces the lines of one event-loop turn into
 * one `socket.write` — the glue a competent user writes for a pipelined
 * newline-TCP peer, instead of one write (one syscall) per message.
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

/**
 * A `send(line)` for `socket`: lines (without their '\n') are appended to a
 * buffer, and the first line of a turn schedules one flush with
 * `setImmediate`, i.e. after the I/O callbacks and microtasks of this turn;
 * so every message produced while handling one chunk (or the replies
 * released by one chunk) goes out in a single write.
 */
export function lineWriter(socket: Socket): (line: string) => void {
  let buffered = '';
  const flush = (): void => {
    const out = buffered;
    buffered = '';
    if (!socket.destroyed) socket.write(out);
  };
  return (line: string): void => {
    if (buffered === '') setImmediate(flush);
    buffered += `${line}\n`;
  };
}
