/**
 * connectWs / serveWs end to end, Node to Node over real loopback sockets:
 * one JSON-RPC message per frame, text and binary frames, the message size
 * limit, keepalive, backpressure and faults.
 */
import { firstValueFrom, take, toArray } from 'rxjs';
import { BatchRequest, ConnectError, ConnectionError, NetAddress, RPCSession, SessionKind } from 'rxrpcx';
import { connectWs, connectWs$, serveWs, type WsTransport } from 'rxrpcx/node';
import WebSocket from 'ws';
import { once } from '../nodeHelpers';
import {
  EchoSession,
  closedOf,
  echoFactory,
  nextSession,
  recordingLogger,
  rejectionOf,
  runCleanups,
  trackServer,
  trackSession,
  trackWebSocket,
  until,
} from './sessionHelpers';

const MB = 1 << 20;

afterEach(runCleanups);

const url = (port: number): string => `ws://127.0.0.1:${port}/rpc`;
const socketOf = (session: RPCSession): WebSocket => (session.transport as WsTransport).socket;

/** Records the frames a `ws` socket receives: text or binary, and the text. */
function frames(socket: WebSocket): Array<{ binary: boolean; text: string }> {
  const seen: Array<{ binary: boolean; text: string }> = [];
  socket.on('message', (data: Buffer, isBinary: boolean) => seen.push({ binary: isBinary, text: data.toString('utf8') }));
  return seen;
}

/** A raw `ws` client, open. */
async function rawClient(port: number, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const socket = trackWebSocket(new WebSocket(url(port), options));
  await once(socket, 'open');
  return socket;
}

async function served(options: Parameters<typeof serveWs>[3] = {}, config: Parameters<typeof echoFactory>[0] = {}) {
  const server = trackServer(await serveWs(echoFactory(config), '127.0.0.1', 0, options));
  return server;
}

describe('connectWs and serveWs', () => {
  it('connect Node to Node: calls, notifications, addresses and kinds, one text frame per message', async () => {
    const server = await served();
    const accepted = nextSession(server);
    const client = trackSession(await connectWs(url(server.address.port)));
    const serverSide = await accepted;
    const atServer = frames(socketOf(serverSide));
    const atClient = frames(socketOf(client));

    expect(serverSide).toBeInstanceOf(EchoSession);
    expect(client.sessionKind).toBe(SessionKind.CLIENT);
    expect(serverSide.sessionKind).toBe(SessionKind.SERVER);
    expect(client.remoteAddress()!.equals(server.address)).toBe(true);
    expect(serverSide.remoteAddress()).toBeInstanceOf(NetAddress);
    expect(serverSide.remoteAddress()!.host).toBe('127.0.0.1');
    expect(client.transport.messageBoundaries).toBe(true);

    expect(await Promise.all([client.sendRequest('echo', ['ünïcode']), client.sendRequest('add', [1, 2])])).toEqual(['ünïcode', 3]);
    const ticks = firstValueFrom(client.notifications$.pipe(take(3), toArray()));
    expect(await client.sendRequest('subscribe', [3])).toBe(true);
    expect((await ticks).map((n) => n.args)).toEqual([[0], [1], [2]]);
    const batch = new BatchRequest(client);
    batch.addRequest('echo', ['a']).addRequest('echo', ['b']);
    expect(await batch.send()).toEqual(['a', 'b']);

    // Each message is one whole text frame, no newline framing.
    expect(atServer.map((f) => f.binary)).toEqual([false, false, false, false]);
    expect(atServer.map((f) => JSON.parse(f.text).method ?? JSON.parse(f.text)[0].method)).toEqual(['echo', 'add', 'subscribe', 'echo']);
    expect(atServer.every((f) => !f.text.endsWith('\n'))).toBe(true);
    expect(atClient.length).toBe(2 + 1 + 3 + 1);
    expect(atClient.every((f) => !f.binary)).toBe(true);

    await client.close();
    await closedOf(serverSide);
    expect(server.sessions.size).toBe(0);
  });

  it('reads requests sent in binary frames and answers in text', async () => {
    const server = await served();
    const socket = await rawClient(server.address.port);
    const reply = once<Buffer>(socket, 'message');
    const replyFrame = new Promise<boolean>((resolve) => socket.once('message', (_data: Buffer, isBinary: boolean) => resolve(isBinary)));
    socket.send(Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'echo', params: ['bin'], id: 5 })), { binary: true });
    expect(JSON.parse((await reply).toString('utf8'))).toEqual({ jsonrpc: '2.0', result: 'bin', id: 5 });
    expect(await replyFrame).toBe(false);
  });

  it('answers a binary frame that is not JSON with a parse error, counts it, and keeps the connection', async () => {
    const server = await served();
    const accepted = nextSession(server);
    const socket = await rawClient(server.address.port);
    const serverSide = await accepted;
    const reply = once<Buffer>(socket, 'message');
    socket.send(Buffer.from([0xff, 0xfe, 0x00, 0x80]), { binary: true });
    expect(JSON.parse((await reply).toString('utf8'))).toMatchObject({ error: { code: -32700 }, id: null });
    expect(serverSide.errors).toBe(1);
    const next = once<Buffer>(socket, 'message');
    socket.send(JSON.stringify({ jsonrpc: '2.0', method: 'add', params: [2, 2], id: 1 }));
    expect(JSON.parse((await next).toString('utf8'))).toEqual({ jsonrpc: '2.0', result: 4, id: 1 });
  });

  it('closes a connection whose message exceeds maxPayload; the sender’s pending requests end with ConnectionError', async () => {
    const server = await served();
    const accepted = nextSession(server);
    const client = trackSession(await connectWs(url(server.address.port), { maxPayload: 4 * MB }));
    const serverSide = await accepted;
    const closeCode = new Promise<number>((resolve) => socketOf(client).once('close', (code: number) => resolve(code)));
    const pending = [rejectionOf(client.sendRequest('hang')), rejectionOf(client.sendRequest('echo', ['x'.repeat(2 * MB)]))];
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(ConnectionError);
    expect(await closeCode).toBe(1009); // message too big
    await closedOf(client);
    await closedOf(serverSide);
    expect(serverSide.hangsCancelled).toBe(1);
  });

  it('carries a 10 MB message each way with maxPayload raised on both ends', async () => {
    const server = await served({ maxPayload: 12 * MB });
    const client = trackSession(await connectWs(url(server.address.port), { maxPayload: 12 * MB }));
    const big = 'w'.repeat(10 * MB);
    expect((await client.sendRequest<string>('echo', [big])) === big).toBe(true);
  });

  describe('keepalive', () => {
    it('pings an idle client, which answers, and the session stays open', async () => {
      const server = await served({ pingInterval: 0.02 });
      const accepted = nextSession(server);
      const client = trackSession(await connectWs(url(server.address.port), { pingInterval: 0.02 }));
      const serverSide = await accepted;
      let pingsAtClient = 0;
      let pingsAtServer = 0;
      socketOf(client).on('ping', () => (pingsAtClient += 1));
      socketOf(serverSide).on('ping', () => (pingsAtServer += 1));
      await until(() => pingsAtClient >= 3 && pingsAtServer >= 3, 'three pings each way');
      expect(client.isClosing()).toBe(false);
      expect(serverSide.isClosing()).toBe(false);
      expect(await client.sendRequest('echo', ['alive'])).toBe('alive');
    });

    it('closes a session whose peer stops answering pings', async () => {
      const server = await served({ pingInterval: 0.05 });
      const accepted = nextSession(server);
      const socket = await rawClient(server.address.port, { autoPong: false });
      const serverSide = await accepted;
      const socketClosed = once(socket, 'close');
      await closedOf(serverSide);
      await socketClosed;
      expect(server.sessions.size).toBe(0);
    });
  });

  it('aborts a peer that has not let us write for maxSendDelay seconds', async () => {
    const logger = recordingLogger();
    const server = await served({}, { maxSendDelay: 0.3, logger });
    const accepted = nextSession(server);
    const socket = await rawClient(server.address.port);
    socket.pause(); // never reads
    const serverSide = await accepted;
    const payload = 'p'.repeat(512 * 1024);
    const flood = (async () => {
      for (let i = 0; i < 1000; i += 1) await serverSide.sendNotification('flood', [payload]);
    })();
    expect(await rejectionOf(flood)).toMatchObject({ name: 'TaskTimeout' });
    await closedOf(serverSide);
    expect(logger.lines).toContainEqual({ level: 'warn', message: 'no write progress for 0.3 secs, aborting the connection' });
  });

  it('a session paused by maxPendingRequests ends at once when aborted', async () => {
    const server = await served({}, { maxPendingRequests: 1 });
    const accepted = nextSession(server);
    const client = trackSession(await connectWs(url(server.address.port)));
    const serverSide = await accepted;
    const pending = [rejectionOf(client.sendRequest('hang'))];
    await until(() => serverSide.hanging === 1, 'the handler to run');
    expect(socketOf(serverSide).isPaused).toBe(true);
    pending.push(rejectionOf(client.sendRequest('hang'))); // not read
    await until(() => client.sendCount === 2, 'the second request to go out');
    serverSide.abort();
    await closedOf(serverSide);
    expect(serverSide.hangsCancelled).toBe(1);
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(ConnectionError);
  });

  it('a client reset cancels the server’s running handler and ends the session', async () => {
    const server = await served();
    const accepted = nextSession(server);
    const client = trackSession(await connectWs(url(server.address.port)));
    const serverSide = await accepted;
    const pending = rejectionOf(client.sendRequest('hang'));
    await until(() => serverSide.hanging === 1, 'the handler to run');
    client.abort();
    expect(await pending).toBeInstanceOf(ConnectionError);
    await closedOf(serverSide);
    expect(serverSide.hangsCancelled).toBe(1);
    expect(serverSide.unansweredRequestCount()).toBe(0);
  });

  it('server close with closeSessions ends every client’s pending requests with ConnectionError', async () => {
    const server = await served();
    const accepted: EchoSession[] = [];
    server.sessions$.subscribe((session) => accepted.push(session));
    const clients = await Promise.all([0, 1].map(() => connectWs(url(server.address.port)).then(trackSession)));
    await until(() => accepted.length === 2, 'two server sessions');
    const pending = clients.map((client) => rejectionOf(client.sendRequest('hang')));
    await until(() => accepted.every((session) => session.hanging === 1), 'every handler to run');
    await server.close({ closeSessions: true, forceAfter: 5 });
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(ConnectionError);
    await Promise.all(clients.map(closedOf));
    expect(accepted.map((session) => session.hangsCancelled)).toEqual([1, 1]);
    expect(await rejectionOf(connectWs(url(server.address.port)))).toMatchObject({ name: 'ConnectError', reason: 'refused' });
  });

  it('connectWs rejects with ConnectError "refused" when nothing listens', async () => {
    const server = await served();
    const { port } = server.address;
    await server.close();
    const error = await rejectionOf(connectWs(url(port), { timeout: 5 }));
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ reason: 'refused' });
  });

  it('connectWs aborts the connection when the session factory throws, and rejects with its error', async () => {
    const server = await served();
    const accepted = nextSession(server);
    const failure = new Error('no session today');
    const error = await rejectionOf(
      connectWs(url(server.address.port), {
        sessionFactory: () => {
          throw failure;
        },
      }),
    );
    expect(error).toBe(failure);
    await closedOf(await accepted);
  });

  it('serveWs aborts a connection whose session factory throws, reports it, and keeps serving', async () => {
    const errors: Error[] = [];
    let refuse = true;
    const server = trackServer(
      await serveWs(
        (transport, options) => {
          if (refuse) throw new Error('refused by the factory');
          return new EchoSession(transport, options);
        },
        '127.0.0.1',
        0,
        { onError: (error) => errors.push(error) },
      ),
    );
    const socket = await rawClient(server.address.port);
    const code = await new Promise<number>((resolve) => socket.once('close', (closeCode: number) => resolve(closeCode)));
    expect(code).toBe(1006);
    expect(errors.map((error) => error.message)).toEqual(['refused by the factory']);
    refuse = false;
    const client = trackSession(await connectWs(url(server.address.port)));
    expect(await client.sendRequest('echo', ['served'])).toBe('served');
  });

  it('connectWs$ emits the session and closes it on unsubscribe', async () => {
    const server = await served();
    const accepted = nextSession(server);
    const session = trackSession(await firstValueFrom(connectWs$(url(server.address.port))));
    const serverSide = await accepted;
    await closedOf(session);
    await closedOf(serverSide);
  });
});
