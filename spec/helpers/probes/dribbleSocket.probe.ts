/**
 * End to end on loopback: `lines` connections to a `serveRs` server each
 * send an unterminated line as 1-byte writes, a turn of the event loop apart.
 * Prints `{ held, grown }`: the bytes the server's framers hold, and how much
 * heap plus ArrayBuffers grew after GC once the server had read them all.
 * Arguments: lines, bytes per line.
 */
import { connect, type Socket } from 'node:net';
import { serveRs } from '../../../lib/node/serveRs';
import { heldMemory } from './heap';

const lines = Number(process.argv[2] ?? '50');
const perLine = Number(process.argv[3] ?? '4000');

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function main(): Promise<void> {
  const server = await serveRs(undefined, '127.0.0.1', 0);
  const sockets = await Promise.all(Array.from({ length: lines }, () => open(server.address.port)));
  while (server.sessions.size < lines) await turn();
  const received = (): number => [...server.sessions].reduce((n, session) => n + session.stats().recvSize, 0);
  const before = heldMemory();
  const byte = Buffer.of(0x61);
  for (let i = 0; i < perLine; i++) {
    for (const socket of sockets) socket.write(byte);
    // Let each byte reach the server as its own chunk, as a dribbling peer's would.
    await turn();
  }
  while (received() < lines * perLine) await turn();
  const after = heldMemory();
  console.log(JSON.stringify({ held: received(), grown: after - before }));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
