/**
 * A server pushing to every live session on every turn of the event loop,
 * without awaiting — as ElectrumX pushes headers — while 20 raw TCP clients
 * reset their connections mid-push. Run as its own Node process (bundled by
 * `push.spec.ts`), where an unhandled rejection is what it is in production:
 * with no listener, the first one ends the process.
 *
 * `node pushScenario.js notify|sendNotification [probe]`: pushes with
 * `session.notify(…)` or `void session.sendNotification(…)`; with `probe`, a
 * `process.on('unhandledRejection')` listener counts the rejections instead
 * of letting the first one end the process. Prints one JSON line:
 * `{ "rejections": n, "names": [...], "sessions": 20 }`.
 */
import { connect, type Socket } from 'node:net';
import { RPCSession } from '../../../lib';
import { serveRs } from '../../../lib/node';

const CLIENTS = 20;

async function main(mode: string, probe: boolean): Promise<void> {
  const rejections: unknown[] = [];
  if (probe) process.on('unhandledRejection', (reason) => void rejections.push(reason));
  const live = new Set<RPCSession>();
  const sessions: RPCSession[] = [];
  const server = await serveRs((transport, options) => new RPCSession(transport, options), '127.0.0.1', 0);
  server.sessions$.subscribe((session) => {
    live.add(session);
    sessions.push(session);
    session.closed$.subscribe(() => live.delete(session));
  });
  const big = 'y'.repeat(4096);
  let n = 0;
  const push =
    mode === 'notify'
      ? (session: RPCSession): void => session.notify('tick', [n, big])
      : (session: RPCSession): void => void session.sendNotification('tick', [n, big]);
  // A push to every live session on each turn of the event loop: a server that keeps pushing, paced by its own I/O, not a clock.
  let pushing = true;
  const pushRound = (): void => {
    if (!pushing) return;
    n += 1;
    for (const session of live) push(session);
    setImmediate(pushRound);
  };
  setImmediate(pushRound);
  const sockets: Socket[] = [];
  for (let i = 0; i < CLIENTS; i += 1) {
    const socket = connect({ host: '127.0.0.1', port: server.address.port });
    await new Promise((resolve) => socket.once('connect', resolve));
    sockets.push(socket);
  }
  // Each client reads a few pushes, then resets: mid-push, with writes in flight.
  await Promise.all(
    sockets.map(
      (socket, i) =>
        new Promise<void>((resolve) => {
          let bytes = 0;
          socket.on('error', () => undefined);
          socket.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > 4096 * (2 + (i % 5)) && !socket.destroyed) {
              socket.resetAndDestroy();
              resolve();
            }
          });
        }),
    ),
  );
  await Promise.all(sessions.map((session) => new Promise((resolve) => session.closed$.subscribe({ complete: () => resolve(undefined) }))));
  // Go on pushing for a while, through the writes the resets failed.
  const stopAt = n + 20;
  while (n < stopAt) await new Promise((resolve) => setImmediate(resolve));
  pushing = false;
  await server.close({ closeSessions: true, forceAfter: 0 });
  await new Promise((resolve) => setImmediate(resolve));
  const names = [...new Set(rejections.map((reason) => (reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason))))];
  process.stdout.write(`${JSON.stringify({ rejections: rejections.length, names, sessions: sessions.length, live: live.size })}\n`);
}

main(process.argv[2] ?? 'notify', process.argv[3] === 'probe').catch((error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});
