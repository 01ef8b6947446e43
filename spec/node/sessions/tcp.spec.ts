/**
 * connectRs / serveRs end to end over real loopback sockets: addresses and
 * kinds, many sessions, a large message, the Observable form, TLS, and
 * connect failures.
 */
import { createServer, type Server } from 'node:net';
import { Subject, firstValueFrom, take, toArray } from 'rxjs';
import { ConnectError, NetAddress, NewlineFramer, RPCSession, SessionKind } from 'rxrpcx';
import { ListenError, connectRs, connectRs$, serveRs } from 'rxrpcx/node';
import { selfSignedCertificate, type Certificate } from '../nodeHelpers';
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
  until,
} from './sessionHelpers';

const MB = 1 << 20;

afterEach(runCleanups);

/** A port nothing listens on: bound, read, released. */
async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('connectRs and serveRs', () => {
  it('serve on port 0, report the bound address, and connect sessions that know both ends', async () => {
    const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
    expect(server.address.host).toBe('127.0.0.1');
    expect(server.address.port).toBeGreaterThan(0);

    const accepted = nextSession(server);
    const client = trackSession(await connectRs('127.0.0.1', server.address.port));
    const serverSide = await accepted;

    expect(client).toBeInstanceOf(RPCSession);
    expect(serverSide).toBeInstanceOf(EchoSession);
    expect(client.sessionKind).toBe(SessionKind.CLIENT);
    expect(serverSide.sessionKind).toBe(SessionKind.SERVER);
    expect(client.remoteAddress()).toBeInstanceOf(NetAddress);
    expect(client.remoteAddress()!.equals(server.address)).toBe(true);
    const clientPort = (client.transport as unknown as { socket: { localPort: number } }).socket.localPort;
    expect(serverSide.remoteAddress()!.equals(new NetAddress('127.0.0.1', clientPort))).toBe(true);
    expect(client.proxy()).toBeUndefined();
    expect([...server.sessions]).toEqual([serverSide]);

    expect(await client.sendRequest('echo', ['héllo'])).toBe('héllo');
    expect(await client.sendRequest('add', [2, 3])).toBe(5);

    // Notifications pushed by the server after it answered.
    const ticks = firstValueFrom(client.notifications$.pipe(take(3), toArray()));
    expect(await client.sendRequest('subscribe', [3])).toBe(true);
    expect((await ticks).map((n) => [n.method, n.args])).toEqual([
      ['tick', [0]],
      ['tick', [1]],
      ['tick', [2]],
    ]);

    await client.close();
    await closedOf(serverSide);
    expect(server.sessions.size).toBe(0);
  });

  it('uses the session factory and framer given to connectRs, and the server calls the client back', async () => {
    const framer = new NewlineFramer({ maxSize: 2 * MB });
    let framerSeen: unknown;
    const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
    const accepted = nextSession(server);
    const client = trackSession(
      await connectRs('127.0.0.1', server.address.port, {
        framer,
        timeout: 5,
        sessionFactory: (transport, options) => {
          framerSeen = options.framer;
          return new RPCSession(transport, { ...options, handlers: { name: () => 'client' } });
        },
      }),
    );
    expect(framerSeen).toBe(framer);
    expect(client.framer).toBe(framer);
    const serverSide = await accepted;
    expect(await serverSide.sendRequest('name')).toBe('client');
  });

  it('aborts the connection when the client’s session factory throws, and rejects with its error', async () => {
    const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
    const accepted = nextSession(server);
    const failure = new Error('no session today');
    const error = await rejectionOf(
      connectRs('127.0.0.1', server.address.port, {
        sessionFactory: () => {
          throw failure;
        },
      }),
    );
    expect(error).toBe(failure);
    await closedOf(await accepted);
  });

  it('serves 200 concurrent sessions', async () => {
    const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0, { backlog: 512 }));
    const clients = await Promise.all(
      Array.from({ length: 200 }, () => connectRs('127.0.0.1', server.address.port).then(trackSession)),
    );
    await until(() => server.sessions.size === 200, '200 server sessions');
    const answers = await Promise.all(clients.map((client, i) => client.sendRequest('echo', [i])));
    expect(answers).toEqual(Array.from({ length: 200 }, (_, i) => i));
    await Promise.all(clients.map((client) => client.close()));
    await until(() => server.sessions.size === 0, 'every server session to end');
  });

  it('carries a 10 MB message each way with raised limits', async () => {
    const framer = new NewlineFramer({ maxSize: 12 * MB });
    const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0, { framer }));
    const client = trackSession(await connectRs('127.0.0.1', server.address.port, { framer }));
    const big = 'x'.repeat(10 * MB);
    const echoed = await client.sendRequest<string>('echo', [big]);
    expect(echoed.length).toBe(big.length);
    expect(echoed === big).toBe(true);
  });

  it('drops a message above the default limit, counts the error, and keeps the connection', async () => {
    const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
    const accepted = nextSession(server);
    const client = trackSession(await connectRs('127.0.0.1', server.address.port, { framer: new NewlineFramer({ maxSize: 4 * MB }) }));
    const serverSide = await accepted;
    // The server never sees the request (its framer drops it), so it cannot answer.
    const lost = client.sendRequest('echo', ['y'.repeat(2 * MB)], { timeout: 60 }).catch((error: unknown) => error);
    await until(() => serverSide.errors === 1, 'the server to count the dropped message');
    expect(await client.sendRequest('echo', ['still here'])).toBe('still here');
    await client.close();
    expect(await lost).toMatchObject({ name: 'ConnectionError' });
  });

  describe('connectRs$', () => {
    it('connects on subscribe, completes when the session closes', async () => {
      const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
      const accepted = nextSession(server);
      const sessions: RPCSession[] = [];
      const completed = new Subject<void>();
      const subscription = connectRs$('127.0.0.1', server.address.port).subscribe({
        next: (session) => sessions.push(trackSession(session)),
        complete: () => completed.next(),
      });
      defer(() => subscription.unsubscribe());
      const serverSide = await accepted;
      await until(() => sessions.length === 1, 'the session');
      expect(await sessions[0]!.sendRequest('echo', [1])).toBe(1);
      const done = firstValueFrom(completed);
      await serverSide.close();
      await done;
      expect(sessions[0]!.isClosing()).toBe(true);
    });

    it('closes the session on unsubscribe', async () => {
      const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
      const accepted = nextSession(server);
      const session = await firstValueFrom(connectRs$('127.0.0.1', server.address.port));
      // firstValueFrom unsubscribed after the first value: the session is closing.
      trackSession(session);
      const serverSide = await accepted;
      await closedOf(session);
      await closedOf(serverSide);
      expect(server.sessions.size).toBe(0);
    });

    it('closes a session that connects after the subscriber left', async () => {
      const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0));
      const accepted = nextSession(server);
      connectRs$('127.0.0.1', server.address.port).subscribe().unsubscribe();
      await closedOf(await accepted);
    });

    it('errors with the connect failure', async () => {
      const port = await freePort();
      const error = await rejectionOf(firstValueFrom(connectRs$('127.0.0.1', port)));
      expect(error).toBeInstanceOf(ConnectError);
      expect(error).toMatchObject({ reason: 'refused', code: 'RXRPCX_ERR_CONNECT' });
    });
  });

  describe('failures to connect or listen', () => {
    it('rejects with ConnectError "refused" when nothing listens', async () => {
      const port = await freePort();
      const error = await rejectionOf(connectRs('127.0.0.1', port, { timeout: 5 }));
      expect(error).toBeInstanceOf(ConnectError);
      expect(error).toMatchObject({ reason: 'refused', target: `127.0.0.1:${port}` });
    });

    it('rejects with ConnectError "timeout" when a TLS handshake never completes', async () => {
      // A TCP listener that accepts and says nothing.
      const silent = createServer((socket) => defer(() => void socket.destroy()));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      defer(() => new Promise<void>((resolve) => silent.close(() => resolve())));
      const { port } = silent.address() as { port: number };
      const error = await rejectionOf(connectRs('127.0.0.1', port, { tls: true, timeout: 0.2 }));
      expect(error).toBeInstanceOf(ConnectError);
      expect(error).toMatchObject({ reason: 'timeout' });
    });

    it('serveRs rejects with ListenError when the port is taken', async () => {
      const server = trackServer(await serveRs(undefined, '127.0.0.1', 0));
      const error = await rejectionOf(serveRs(undefined, '127.0.0.1', server.address.port));
      expect(error).toBeInstanceOf(ListenError);
      expect(error).toMatchObject({ code: 'RXRPCX_ERR_LISTEN' });
    });
  });

  describe('TLS', () => {
    let certificate: Certificate;
    beforeAll(() => {
      certificate = selfSignedCertificate();
    });
    afterAll(() => certificate.remove());

    it('makes a round trip with a certificate generated in the test', async () => {
      const server = trackServer(
        await serveRs(echoFactory(), '127.0.0.1', 0, { tls: { key: certificate.key, cert: certificate.cert } }),
      );
      const accepted = nextSession(server);
      const client = trackSession(
        await connectRs('127.0.0.1', server.address.port, { tls: { ca: certificate.cert, servername: 'localhost' }, timeout: 5 }),
      );
      const serverSide = await accepted;
      expect(client.remoteAddress()!.equals(server.address)).toBe(true);
      expect(serverSide.remoteAddress()!.host).toBe('127.0.0.1');
      const transportSocket = (client.transport as unknown as { socket: { encrypted?: boolean } }).socket;
      expect(transportSocket.encrypted).toBe(true);
      expect(await client.sendRequest('echo', [{ secret: 'ü' }])).toEqual({ secret: 'ü' });
      const ticks = firstValueFrom(client.notifications$.pipe(take(2), toArray()));
      await client.sendRequest('subscribe', [2]);
      expect((await ticks).map((n) => n.args)).toEqual([[0], [1]]);
      await client.close();
      await closedOf(serverSide);
    });

    it('rejects an untrusted certificate with ConnectError "tls"; the server reports it and keeps serving', async () => {
      const serverErrors: Error[] = [];
      const server = trackServer(
        await serveRs(echoFactory(), '127.0.0.1', 0, {
          tls: { key: certificate.key, cert: certificate.cert },
          onError: (error) => serverErrors.push(error),
        }),
      );
      const error = await rejectionOf(connectRs('127.0.0.1', server.address.port, { tls: true, timeout: 5 }));
      expect(error).toBeInstanceOf(ConnectError);
      expect(error).toMatchObject({ reason: 'tls' });
      await until(() => serverErrors.length > 0, 'the server to report the failed handshake');
      expect(server.sessions.size).toBe(0);

      const client = trackSession(
        await connectRs('127.0.0.1', server.address.port, { tls: { ca: certificate.cert, servername: 'localhost' } }),
      );
      expect(await client.sendRequest('echo', ['ok'])).toBe('ok');
    });
  });
});
