import { connect, createServer, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Subscription, firstValueFrom, take, type SchedulerLike } from 'rxjs';
import { ConnectError, ConnectionError, SessionKind } from 'rxrpcx';
import { SocketTransport, listenSockets, openSocket, type SocketListener } from 'rxrpcx/node';
import { ioTurns } from '../helpers/eventually';
import { encode, once, record, selfSignedCertificate, untilBytes, type Certificate } from './nodeHelpers';

let certificate: Certificate;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(() => {
  certificate = selfSignedCertificate();
});
afterAll(() => certificate.remove());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track(socket: Socket): Socket {
  cleanups.push(async () => {
    if (socket.destroyed) return;
    const closed = once(socket, 'close');
    socket.destroy();
    await closed;
  });
  return socket;
}

async function listen(options: Parameters<typeof listenSockets>[2] = {}): Promise<SocketListener> {
  const listener = await listenSockets('127.0.0.1', 0, options);
  cleanups.push(() => listener.close());
  return listener;
}

/** A port nothing listens on: one a listener just gave back. */
async function freePort(): Promise<number> {
  const listener = await listenSockets('127.0.0.1', 0);
  await listener.close();
  return listener.address.port;
}

/** A plain TCP server that accepts and never says a word. */
async function silentServer(): Promise<number> {
  const accepted: Socket[] = [];
  const server: Server = createServer((socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as { port: number }).port;
}

async function rejection(promise: Promise<unknown>): Promise<ConnectError> {
  const error: unknown = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

describe('openSocket', () => {
  it('connects to a listener', async () => {
    const listener = await listen();
    const accepted = firstValueFrom(listener.connections.pipe(take(1)));
    const client = track(await openSocket('127.0.0.1', listener.address.port));
    track(await accepted);
    expect(client.remotePort).toBe(listener.address.port);
  });

  it('rejects with reason "refused" when nothing listens', async () => {
    const port = await freePort();
    const error = await rejection(openSocket('127.0.0.1', port));
    expect(error.code).toBe('RXRPCX_ERR_CONNECT');
    expect(error.name).toBe('ConnectError');
    expect(error.reason).toBe('refused');
    expect(error.target).toBe(`127.0.0.1:${port}`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(error.message).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('rejects with reason "timeout" when a TLS handshake never completes, leaving nothing open', async () => {
    const port = await silentServer();
    const error = await rejection(openSocket('127.0.0.1', port, { tls: true, timeout: 0.2 }));
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(`TLS handshake with 127.0.0.1:${port} timed out after 0.2s`);
  });

  it('takes an infinite timeout as no timeout, not as a timer Node would fire at once', async () => {
    const port = await silentServer();
    const delays: number[] = [];
    const scheduler: SchedulerLike = {
      now: () => Date.now(),
      schedule: (_work: unknown, delay?: number) => {
        delays.push(delay ?? 0);
        return new Subscription();
      },
    } as SchedulerLike;
    const controller = new AbortController();
    const pending = openSocket('127.0.0.1', port, { tls: true, timeout: Infinity, scheduler, signal: controller.signal });
    controller.abort();
    expect((await rejection(pending)).reason).toBe('aborted');
    expect(delays).toEqual([]);
  });

  it('rejects with reason "aborted" when the signal fires, or has fired', async () => {
    const port = await silentServer();
    const controller = new AbortController();
    const pending = openSocket('127.0.0.1', port, { tls: true, signal: controller.signal });
    controller.abort();
    expect((await rejection(pending)).reason).toBe('aborted');
    expect((await rejection(openSocket('127.0.0.1', port, { signal: controller.signal }))).reason).toBe('aborted');
  });

  it('rejects a bad port with Node’s own RangeError', async () => {
    // (Node's RangeError comes from another realm than jest's, hence no instanceof.)
    await expect(openSocket('127.0.0.1', 70000)).rejects.toMatchObject({ name: 'RangeError', code: 'ERR_SOCKET_BAD_PORT' });
  });

  describe('with TLS', () => {
    it('connects to a TLS listener whose certificate it trusts, and carries bytes', async () => {
      const listener = await listen({ tls: { key: certificate.key, cert: certificate.cert } });
      const accepted = firstValueFrom(listener.connections.pipe(take(1)));
      const socket = await openSocket('127.0.0.1', listener.address.port, { tls: { ca: certificate.cert, servername: 'localhost' } });
      track(socket);
      expect(socket.authorized).toBe(true);
      const serverSocket = track(await accepted) as TLSSocket;
      expect(serverSocket.encrypted).toBe(true);

      const client = new SocketTransport(socket, SessionKind.CLIENT);
      const server = new SocketTransport(serverSocket, SessionKind.SERVER);
      const atServer = record(server.incoming);
      const atClient = record(client.incoming);
      await client.write(encode('hello over TLS'));
      await untilBytes(atServer, 14);
      expect(atServer.text()).toBe('hello over TLS');
      await client.close();
      await Promise.all([atClient.ended, atServer.ended]);
      expect(atClient.completed && atServer.completed).toBe(true);
    });

    it('rejects with reason "tls" when the certificate is not trusted', async () => {
      const errors: Error[] = [];
      const listener = await listen({ tls: { key: certificate.key, cert: certificate.cert }, onError: (e) => errors.push(e) });
      const error = await rejection(openSocket('127.0.0.1', listener.address.port, { tls: { servername: 'localhost' } }));
      expect(error.reason).toBe('tls');
      expect((error.cause as NodeJS.ErrnoException).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(error.message).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed: /);
    });

    it('rejects with reason "tls" when the host name does not match', async () => {
      const listener = await listen({ tls: { key: certificate.key, cert: certificate.cert } });
      const error = await rejection(openSocket('127.0.0.1', listener.address.port, { tls: { ca: certificate.cert, servername: 'example.com' } }));
      expect(error.reason).toBe('tls');
      expect((error.cause as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    });

    it('errors incoming with a ConnectionError when TLS breaks mid-connection', async () => {
      const listener = await listen({ tls: { key: certificate.key, cert: certificate.cert } });
      listener.connections.subscribe((socket) => track(socket));
      // A TCP relay in the middle, which will inject bytes that are no TLS record.
      const relayed: Socket[] = [];
      const relay = createServer((down) => {
        const up = connect(listener.address.port, '127.0.0.1');
        relayed.push(track(down), track(up));
        down.pipe(up);
        up.pipe(down);
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => relay.close(() => resolve())));
      const relayPort = (relay.address() as { port: number }).port;
      const socket = track(await openSocket('127.0.0.1', relayPort, { tls: { ca: certificate.cert, servername: 'localhost' } }));
      const client = new SocketTransport(socket, SessionKind.CLIENT);
      const atClient = record(client.incoming);
      const pending = client.write(new Uint8Array(16 << 20));
      relayed[0]!.write(Buffer.alloc(64, 0x41));
      await atClient.ended;
      expect(atClient.error).toBeInstanceOf(ConnectionError);
      expect((atClient.error as ConnectionError).cause).toMatchObject({ code: expect.stringMatching(/^ERR_SSL_/) });
      await expect(pending).rejects.toBeInstanceOf(ConnectionError);
    });
  });
});

describe('listenSockets', () => {
  it('listens on a free port when given 0 and reports it', async () => {
    const listener = await listen();
    expect(listener.address.host).toBe('127.0.0.1');
    expect(listener.address.port).toBeGreaterThan(0);
  });

  it('fails with ListenError when the port is taken', async () => {
    const listener = await listen();
    const error: unknown = await listenSockets('127.0.0.1', listener.address.port).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('RXRPCX_ERR_LISTEN');
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });

  it('destroys a connection that arrives while nobody subscribes, and has one subscriber', async () => {
    const listener = await listen();
    const client = track(await openSocket('127.0.0.1', listener.address.port));
    client.resume();
    await once(client, 'close');
    listener.connections.subscribe();
    const second = await firstValueFrom(listener.connections).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(ConnectionError);
  });

  it('close stops listening and completes connections; accepted sockets stay open', async () => {
    const listener = await listen();
    let completed = false;
    const accepted: Socket[] = [];
    listener.connections.subscribe({ next: (s) => accepted.push(track(s)), complete: () => (completed = true) });
    const client = track(await openSocket('127.0.0.1', listener.address.port));
    while (accepted.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await listener.close();
    expect(completed).toBe(true);
    expect(accepted[0]!.destroyed).toBe(false);
    expect((await rejection(openSocket('127.0.0.1', listener.address.port))).reason).toBe('refused');
    client.write('still here');
    accepted[0]!.setEncoding('utf8');
    expect(await once(accepted[0]!, 'data')).toBe('still here');
  });

  it('close destroys TLS connections still in their handshake', async () => {
    const listener = await listen({ tls: { key: certificate.key, cert: certificate.cert } });
    listener.connections.subscribe();
    const raw = track(await openSocket('127.0.0.1', listener.address.port)); // plain TCP: no handshake ever
    raw.resume();
    await ioTurns();
    const closed = once(raw, 'close');
    await listener.close();
    await closed;
  });
});
