/**
 * Faults at the session level over real loopback sockets: resets, a reset in
 * the middle of a message, half-closed sockets, and a server closing with live
 * sessions. Every pending request ends with a ConnectionError, every handler
 * is cancelled, and nothing is left open.
 */
import { connect, type Socket } from 'node:net';
import { firstValueFrom, take } from 'rxjs';
import { ConnectionError, RPCSession } from 'rxrpcx';
import { connectRs, listenSockets, serveRs, type SocketTransport } from 'rxrpcx/node';
import { once } from '../nodeHelpers';
import {
  EchoSession,
  closedOf,
  defer,
  echoFactory,
  nextSession,
  rejectionOf,
  runCleanups,
  trackServer,
  trackSession,
  trackSocket,
  until,
} from './sessionHelpers';

afterEach(runCleanups);

/** A client session and the server's session for it. */
async function connectedPair() {
  const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
  const accepted = nextSession(server);
  const client = trackSession(await connectRs('127.0.0.1', server.address.port));
  return { server, client, serverSide: await accepted };
}

/** A raw TCP server handing out the first connection, and a client session to it. */
async function rawServerAndClient(): Promise<{ client: RPCSession; peer: Socket }> {
  const listener = await listenSockets('127.0.0.1', 0);
  defer(() => listener.close());
  const accepted = firstValueFrom(listener.connections.pipe(take(1)));
  const client = trackSession(await connectRs('127.0.0.1', listener.address.port));
  return { client, peer: trackSocket(await accepted) };
}

/** A raw client socket connected to `port`. */
async function rawClient(port: number): Promise<Socket> {
  const socket = trackSocket(connect({ host: '127.0.0.1', port }));
  await once(socket, 'connect');
  return socket;
}

/** Resolves with the first line the raw peer receives. */
function firstLine(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end < 0) return;
      socket.off('data', onData);
      resolve(text.slice(0, end));
    };
    socket.on('data', onData);
  });
}

describe('session faults over TCP', () => {
  it('a reset by the server ends the client’s pending requests with ConnectionError', async () => {
    const { client, serverSide } = await connectedPair();
    const pending = [client.sendRequest('hang'), client.sendRequest('hang')];
    await until(() => serverSide.hanging === 2, 'both handlers to run');
    serverSide.abort();
    for (const error of await Promise.all(pending.map(rejectionOf))) expect(error).toBeInstanceOf(ConnectionError);
    await closedOf(client);
    await closedOf(serverSide);
    expect(serverSide.hangsCancelled).toBe(2);
    expect(client.unansweredRequestCount()).toBe(0);
  });

  it('a handler running when the client resets is cancelled, and nothing is left', async () => {
    const { server, client, serverSide } = await connectedPair();
    const pending = rejectionOf(client.sendRequest('hang'));
    await until(() => serverSide.hanging === 1, 'the handler to run');
    expect(serverSide.unansweredRequestCount()).toBe(1);
    client.abort();
    expect(await pending).toBeInstanceOf(ConnectionError);
    await closedOf(serverSide);
    expect(serverSide.hanging).toBe(0);
    expect(serverSide.hangsCancelled).toBe(1);
    expect(serverSide.unansweredRequestCount()).toBe(0);
    expect(server.sessions.size).toBe(0);
    const socket = (serverSide.transport as SocketTransport).socket;
    expect(socket.destroyed).toBe(true);
  });

  it('a reset in the middle of a reply ends the pending request with ConnectionError', async () => {
    const { client, peer } = await rawServerAndClient();
    const pending = rejectionOf(client.sendRequest('echo', ['x']));
    expect(JSON.parse(await firstLine(peer))).toEqual({ jsonrpc: '2.0', method: 'echo', params: ['x'], id: 0 });
    peer.write('{"jsonrpc":"2.0","result":"x"');
    await until(() => client.recvSize > 0, 'the client to read half a reply');
    peer.resetAndDestroy();
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionError);
    await closedOf(client);
    expect(client.recvCount).toBe(0);
  });

  it('a server that half-closes ends the client session; its pending requests end with ConnectionError', async () => {
    const { client, peer } = await rawServerAndClient();
    const pending = rejectionOf(client.sendRequest('echo', ['x']));
    await firstLine(peer);
    const peerEnded = once(peer, 'end');
    peer.end(); // FIN, and keep reading
    expect(await pending).toBeInstanceOf(ConnectionError);
    await closedOf(client);
    // The client never stays half-open: it ends its side too.
    await peerEnded;
  });

  it('a client that half-closes after a request ends the server session and cancels the handler', async () => {
    const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
    const accepted = nextSession(server);
    const socket = await rawClient(server.address.port);
    const serverSide = await accepted;
    socket.write('{"jsonrpc":"2.0","method":"hang","id":7}\n');
    await until(() => serverSide.hanging === 1, 'the handler to run');
    const socketEnded = once(socket, 'end');
    socket.end();
    await closedOf(serverSide);
    await socketEnded;
    expect(serverSide.hangsCancelled).toBe(1);
    expect(server.sessions.size).toBe(0);
  });

  it('answers a synchronous request sent just before the client’s FIN, then ends', async () => {
    const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
    const accepted = nextSession(server);
    const socket = await rawClient(server.address.port);
    const reply = firstLine(socket);
    socket.end('{"jsonrpc":"2.0","method":"echo","params":["bye"],"id":1}\n');
    expect(JSON.parse(await reply)).toEqual({ jsonrpc: '2.0', result: 'bye', id: 1 });
    await closedOf(await accepted);
  });

  it('a client closing in order ends its own pending requests with ConnectionError', async () => {
    const { client, serverSide } = await connectedPair();
    const pending = rejectionOf(client.sendRequest('hang'));
    await until(() => serverSide.hanging === 1, 'the handler to run');
    await client.close();
    expect(await pending).toBeInstanceOf(ConnectionError);
    await closedOf(serverSide);
    expect(serverSide.hangsCancelled).toBe(1);
  });

  it('a request after the session closed fails at once with ConnectionError', async () => {
    const { client } = await connectedPair();
    await client.close();
    expect(await rejectionOf(client.sendRequest('echo', [1]))).toBeInstanceOf(ConnectionError);
    expect(await rejectionOf(client.sendNotification('note'))).toBeInstanceOf(ConnectionError);
  });

  describe('server close', () => {
    it('with closeSessions and forceAfter 0 while a client’s reset is on its way, ends at once', async () => {
      // The abort after forceAfter 0 lands while our FIN is being sent: the socket must still close.
      const { server, client, serverSide } = await connectedPair();
      client.abort();
      await server.close({ closeSessions: true, forceAfter: 0 });
      await closedOf(serverSide);
      expect((serverSide.transport as SocketTransport).socket.destroyed).toBe(true);
      await closedOf(client);
    });


    it('stops listening and leaves live sessions running', async () => {
      const { server, client, serverSide } = await connectedPair();
      await server.close();
      expect(await client.sendRequest('echo', ['after close'])).toBe('after close');
      expect(server.sessions.has(serverSide)).toBe(true);
      const error = await rejectionOf(connectRs('127.0.0.1', server.address.port));
      expect(error).toMatchObject({ name: 'ConnectError', reason: 'refused' });
      await client.close();
      await closedOf(serverSide);
    });

    it('with closeSessions, ends every client’s pending requests with ConnectionError and cancels handlers', async () => {
      const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
      const accepted: EchoSession[] = [];
      server.sessions$.subscribe((session) => accepted.push(session));
      const clients = await Promise.all([0, 1, 2].map(() => connectRs('127.0.0.1', server.address.port).then(trackSession)));
      await until(() => accepted.length === 3, 'three server sessions');
      const pending = clients.map((client) => rejectionOf(client.sendRequest('hang')));
      await until(() => accepted.every((session) => session.hanging === 1), 'every handler to run');

      let sessionsCompleted = false;
      server.sessions$.subscribe({ complete: () => (sessionsCompleted = true) });
      await server.close({ closeSessions: true, forceAfter: 5 });

      expect(server.sessions.size).toBe(0);
      expect(sessionsCompleted).toBe(true);
      for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(ConnectionError);
      await Promise.all(clients.map(closedOf));
      for (const session of accepted) expect(session.hangsCancelled).toBe(1);
    });
  });
});
