/**
 * The scheduler given to connectRs / connectWs / serveRs reaches the session
 * (its timers and deferred actions) and the proxy's handshake.
 */
import { connect, type Socket } from 'node:net';
import { asapScheduler, asyncScheduler, type SchedulerLike } from 'rxjs';
import { NetAddress, type RPCSession } from 'rxrpcx';
import { connectRs, connectWs, serveRs, serveWs, type ProxyConnector } from 'rxrpcx/node';
import { echoFactory, nextSession, runCleanups, trackServer, trackSession } from './sessionHelpers';

afterEach(runCleanups);

/** A scheduler that runs as asap does and counts what is scheduled on it. */
function countingScheduler(): SchedulerLike & { scheduled: number } {
  const counter = {
    scheduled: 0,
    now: () => asapScheduler.now(),
    schedule: ((work: (this: unknown, state?: unknown) => void, delay?: number, state?: unknown) => {
      counter.scheduled += 1;
      return asapScheduler.schedule(work as never, delay, state);
    }) as SchedulerLike['schedule'],
  };
  return counter;
}

/** A "proxy" that connects directly and remembers the options it was given. */
function directProxy(): ProxyConnector & { seen: Array<{ readonly scheduler?: SchedulerLike }> } {
  const seen: Array<{ readonly scheduler?: SchedulerLike }> = [];
  return {
    seen,
    address: new NetAddress('127.0.0.1', 1),
    toString: () => 'direct',
    createConnection: (host, port, options = {}) => {
      seen.push(options);
      return new Promise((resolve, reject) => {
        const socket: Socket = connect(port, host, () => resolve({ socket, remoteAddress: new NetAddress(host, port) }));
        socket.once('error', reject);
      });
    },
  };
}

describe('a scheduler given when connecting', () => {
  it('connectRs passes it to the session and to the proxy', async () => {
    const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
    const scheduler = countingScheduler();
    const proxy = directProxy();
    const client = trackSession(await connectRs('127.0.0.1', server.address.port, { scheduler, proxy }));
    expect(client.scheduler).toBe(scheduler);
    expect(proxy.seen[0]?.scheduler).toBe(scheduler);
    const before = scheduler.scheduled;
    expect(await client.sendRequest('echo', ['x'])).toBe('x');
    // The request's flush ran on it.
    expect(scheduler.scheduled).toBeGreaterThan(before);
  });

  it('connectWs and serveWs pass it to their sessions', async () => {
    const scheduler = countingScheduler();
    const server = trackServer(await serveWs(echoFactory(), '127.0.0.1', 0, { scheduler }));
    const accepted = nextSession(server);
    const client = trackSession(await connectWs(`ws://127.0.0.1:${server.address.port}`, { scheduler }));
    expect(client.scheduler).toBe(scheduler);
    expect(((await accepted) as RPCSession).scheduler).toBe(scheduler);
  });

  it('without one, sessions keep their defaults', async () => {
    const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
    const client = trackSession(await connectRs('127.0.0.1', server.address.port));
    expect(client.scheduler).toBe(asyncScheduler);
    expect(await client.sendRequest('echo', ['y'])).toBe('y');
  });
});
