/**
 * The hard cost limit on a real socket: a raw TCP peer writing 2,000 invalid
 * lines (53 KB) is answered up to the line whose error cost reaches the limit,
 * that one with −101, and the server hangs up. (aiorpcX 0.22.1 answers all
 * 2,000, 3.1 times the bytes, and never disconnects.)
 */
import { connect } from 'node:net';
import { JSONRPC, RPCSession } from 'rxrpcx';
import { serveRs } from 'rxrpcx/node';
import { once } from '../nodeHelpers';
import { closedOf, nextSession, runCleanups, trackServer, trackSocket } from './sessionHelpers';

afterEach(runCleanups);

/** Bad JSON, a non-string method, scalar params, an empty batch, a wrong version: 1,100, then 100 each, at the defaults. */
function invalidLine(i: number): string {
  return [
    `{"jsonrpc":"2.0","method":"echo","params":[${i}]`,
    `{"jsonrpc":"2.0","method":${i},"id":${i}}`,
    `{"jsonrpc":"2.0","method":"echo","params":${i},"id":${i}}`,
    '[]',
    `{"jsonrpc":"3.0","method":"echo","params":[],"id":${i}}`,
  ][i % 5] as string;
}

it('2,000 invalid lines: answered up to the 31st, that one −101 (id null: bad JSON), then the server closes', async () => {
  const server = trackServer(await serveRs((transport, options) => new RPCSession(transport, options), '127.0.0.1', 0));
  const accepted = nextSession(server);
  const socket = trackSocket(connect({ host: '127.0.0.1', port: server.address.port }));
  await once(socket, 'connect');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const ended = once(socket, 'end');
  const input = `${Array.from({ length: 2000 }, (_, i) => invalidLine(i)).join('\n')}\n`;
  expect(input.length).toBeGreaterThan(50_000);
  socket.write(input);
  const session = await accepted;
  await closedOf(session);
  await ended;
  const replies = text.trim().split('\n').map((line) => JSON.parse(line) as { error?: { code?: number }; id?: unknown });
  // 30 lines of 9,000 against 10,000; the 31st is bad JSON (1,100).
  expect(replies).toHaveLength(31);
  expect(replies.slice(0, -1).some((reply) => reply.error?.code === JSONRPC.EXCESSIVE_RESOURCE_USAGE)).toBe(false);
  expect(replies.at(-1)).toEqual({ jsonrpc: '2.0', error: { code: JSONRPC.EXCESSIVE_RESOURCE_USAGE, message: 'excessive resource usage' }, id: null });
  expect(Buffer.byteLength(text)).toBeLessThan(input.length / 10);
});
