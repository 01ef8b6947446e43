/**
 * Backpressure at the session level over real loopback sockets: a peer that
 * does not read is aborted after maxSendDelay; while our writes are blocked
 * we stop reading; while maxPendingRequests requests wait for a handler we
 * stop reading too.
 */
import { connect } from 'node:net';
import { Subject, of } from 'rxjs';
import { ConnectionError, RPCSession } from 'rxrpcx';
import { connectRs, serveRs, type SocketTransport } from 'rxrpcx/node';
import { once } from '../nodeHelpers';
import {
  closedOf,
  echoFactory,
  nextSession,
  recordingLogger,
  rejectionOf,
  runCleanups,
  ticks,
  trackServer,
  trackSession,
  trackSocket,
  until,
} from './sessionHelpers';

const KB = 1 << 10;

afterEach(runCleanups);

/** The socket under a session's SocketTransport. */
const socketOf = (session: RPCSession) => (session.transport as SocketTransport).socket;

/**
 * `flood(count, size)` answers true, then sends `count` notifications of
 * `size` characters, one after the other, each waiting for the transport.
 */
function floodHandler(session: () => RPCSession, outcome: { error?: unknown; sent: number }) {
  return (count: number, size: number) => {
    const payload = 'z'.repeat(size);
    queueMicrotask(async () => {
      try {
        for (let i = 0; i < count; i += 1) {
          await session().sendNotification('flood', [i, payload]);
          outcome.sent += 1;
        }
      } catch (error) {
        outcome.error = error;
      }
    });
    return true;
  };
}

describe('session backpressure over TCP', () => {
  it('aborts a peer that has not let us write for maxSendDelay seconds', async () => {
    const logger = recordingLogger();
    const outcome: { error?: unknown; sent: number } = { sent: 0 };
    let serverSession!: RPCSession;
    const server = trackServer(
      await serveRs(
        (transport, options) =>
          (serverSession = new RPCSession(transport, {
            ...options,
            maxSendDelay: 0.3,
            logger,
            handlers: { flood: floodHandler(() => serverSession, outcome) },
          })),
        '127.0.0.1',
        0,
      ),
    );
    const accepted = nextSession(server);
    // A raw client that asks for a flood and never reads a byte.
    const socket = trackSocket(connect({ host: '127.0.0.1', port: server.address.port }));
    socket.on('error', () => undefined); // it will be reset
    await once(socket, 'connect');
    socket.pause();
    socket.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'flood', params: [1000, 256 * KB], id: 0 })}\n`);
    const serverSide = await accepted;

    const started = Date.now();
    await closedOf(serverSide);
    const elapsed = (Date.now() - started) / 1000;

    expect(elapsed).toBeGreaterThanOrEqual(0.25);
    expect(elapsed).toBeLessThan(5);
    expect(outcome.sent).toBeLessThan(1000);
    expect(outcome.error).toMatchObject({ name: 'TaskTimeout' });
    expect(logger.lines).toContainEqual({ level: 'warn', message: 'no write progress for 0.3 secs, aborting the connection' });
    expect(socketOf(serverSide).destroyed).toBe(true);
    expect(server.sessions.size).toBe(0);
  });

  it('stops reading while the write side is blocked, and resumes on drain', async () => {
    const outcome: { error?: unknown; sent: number } = { sent: 0 };
    let serverSession!: RPCSession;
    const server = trackServer(
      await serveRs(
        (transport, options) =>
          (serverSession = new RPCSession(transport, {
            ...options,
            handlers: { flood: floodHandler(() => serverSession, outcome), echo: (x: unknown) => x },
          })),
        '127.0.0.1',
        0,
      ),
    );
    const accepted = nextSession(server);
    const client = trackSession(await connectRs('127.0.0.1', server.address.port));
    const serverSide = await accepted;
    const serverSocket = socketOf(serverSide);
    let floods = 0;
    client.notifications$.subscribe(() => (floods += 1));

    // The client stops reading: the server's writes back up, and it stops reading in turn.
    client.transport.pauseReading();
    const count = 128;
    const flooding = client.sendRequest('flood', [count, 256 * KB]);
    await until(() => serverSocket.isPaused() && serverSide.transport.bufferedAmount() > 0, 'the server to stop reading');
    const received = serverSide.recvCount;
    const receivedBytes = serverSide.recvSize;
    expect(outcome.sent).toBeLessThan(count);

    const echoed = client.sendRequest('echo', ['through the backlog']);
    await until(() => client.sendCount === 2, 'the client to send its request');
    await ticks(50);
    // Not read: at most the socket stream's own high-water mark waits in Node, the rest in the kernel.
    expect(serverSocket.isPaused()).toBe(true);
    expect(serverSide.recvSize).toBe(receivedBytes);
    expect(serverSide.recvCount).toBe(received);
    expect(serverSocket.readableLength).toBeLessThanOrEqual(serverSocket.readableHighWaterMark);

    // The client reads again: the server drains, reads, and answers.
    client.transport.resumeReading();
    expect(await flooding).toBe(true);
    expect(await echoed).toBe('through the backlog');
    expect(serverSide.recvCount).toBe(received + 1);
    await until(() => floods === count, 'every flood notification');
    expect(outcome.error).toBeUndefined();
  });

  it('stops reading while maxPendingRequests requests wait for a handler', async () => {
    const gate = new Subject<string>();
    let open = false;
    const server = trackServer(
      await serveRs(
        echoFactory({ maxPendingRequests: 3, handlers: { wait: () => (open ? of('go') : gate) } }),
        '127.0.0.1',
        0,
      ),
    );
    const accepted = nextSession(server);
    const client = trackSession(await connectRs('127.0.0.1', server.address.port));
    const serverSide = await accepted;
    const serverSocket = socketOf(serverSide);

    const first = [0, 1, 2].map(() => client.sendRequest('wait'));
    await until(() => serverSide.unansweredRequestCount() === 3, 'three requests waiting');
    expect(serverSocket.isPaused()).toBe(true);

    const more = [0, 1, 2, 3, 4].map(() => client.sendRequest('wait'));
    await until(() => client.sendCount === 8, 'the client to send five more');
    await ticks(50);
    expect(serverSide.recvCount).toBe(3);
    expect(serverSide.unansweredRequestCount()).toBe(3);

    open = true;
    gate.next('go');
    expect(await Promise.all([...first, ...more])).toEqual(Array(8).fill('go'));
    expect(serverSide.recvCount).toBe(8);
    expect(serverSocket.isPaused()).toBe(false);
    expect(serverSide.unansweredRequestCount()).toBe(0);
  });

  it('ends at once when aborted while paused by maxPendingRequests, cancelling its handlers', async () => {
    const server = trackServer(await serveRs(echoFactory({ maxPendingRequests: 2 }), '127.0.0.1', 0));
    const accepted = nextSession(server);
    const client = trackSession(await connectRs('127.0.0.1', server.address.port));
    const serverSide = await accepted;
    const pending = [0, 1].map(() => rejectionOf(client.sendRequest('hang')));
    await until(() => serverSide.hanging === 2, 'two handlers to run');
    expect(socketOf(serverSide).isPaused()).toBe(true);
    pending.push(rejectionOf(client.sendRequest('hang'))); // not read
    await until(() => client.sendCount === 3, 'the third request to go out');

    serverSide.abort();
    await closedOf(serverSide);
    expect(serverSide.hanging).toBe(0);
    expect(serverSide.hangsCancelled).toBe(2);
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(ConnectionError);
  });

  it('closes a server with sessions paused by maxPendingRequests without waiting for their handlers', async () => {
    const server = trackServer(await serveRs(echoFactory({ maxPendingRequests: 1 }), '127.0.0.1', 0));
    const accepted = nextSession(server);
    const client = trackSession(await connectRs('127.0.0.1', server.address.port));
    const serverSide = await accepted;
    const pending = [rejectionOf(client.sendRequest('hang'))];
    await until(() => serverSide.hanging === 1, 'the handler to run');
    expect(socketOf(serverSide).isPaused()).toBe(true);
    pending.push(rejectionOf(client.sendRequest('hang'))); // not read
    await until(() => client.sendCount === 2, 'the second request to go out');

    await server.close({ closeSessions: true, forceAfter: 5 });
    expect(serverSide.hangsCancelled).toBe(1);
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(ConnectionError);
  });
});
