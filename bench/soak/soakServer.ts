/**
 * The soak's server, in its own process so its memory is its own: one
 * `serveRs` server with the library's protection at its defaults, offering
 * `echo`, `hang` (never answers), `subscribe` (answers, then the server
 * pushes `tick` to every subscribed session every 20 ms without awaiting, as
 * ElectrumX pushes headers). Prints `{"port":N}`, then once a second a
 * memory sample after a full GC (run with --expose-gc), as JSON lines.
 */
import { NEVER } from 'rxjs';
import { RPCSession } from 'rxrpcx';
import { serveRs, type SessionFactoryOptions } from 'rxrpcx/node';
import type { Transport } from 'rxrpcx';

const subscribed = new Set<RPCSession>();
let tick = 0;

async function main(): Promise<void> {
  const factory = (transport: Transport, options: SessionFactoryOptions): RPCSession => {
    const session: RPCSession = new RPCSession(transport, {
      ...options,
      handlers: {
        echo: (text: string) => text,
        hang: () => NEVER,
        subscribe: () => {
          subscribed.add(session);
          return true;
        },
      },
    });
    session.closed$.subscribe(() => subscribed.delete(session));
    return session;
  };
  const server = await serveRs(factory, '127.0.0.1', 0, { onError: () => undefined });
  process.stdout.write(`${JSON.stringify({ port: server.address.port })}\n`);

  const push = setInterval(() => {
    tick += 1;
    for (const session of subscribed) pushTo(session, tick);
  }, 20);
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = setInterval(() => {
    gc?.();
    const memory = process.memoryUsage();
    process.stdout.write(
      `${JSON.stringify({ rss: memory.rss, heap: memory.heapUsed, external: memory.external, buffers: memory.arrayBuffers, sessions: server.sessions.size })}\n`,
    );
  }, 1000);
  const stop = (): void => {
    clearInterval(push);
    clearInterval(sample);
    void server.close({ closeSessions: true, forceAfter: 1 }).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** The push, as the README writes it: fire and forget. */
function pushTo(session: RPCSession, n: number): void {
  session.notify('tick', [n]);
}

process.on('unhandledRejection', (reason) => {
  process.stdout.write(`${JSON.stringify({ unhandledRejection: String(reason) })}\n`);
});

void main();
