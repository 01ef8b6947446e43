import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { firstValueFrom, take } from 'rxjs';
import { ConnectError, ConnectionError, SessionKind } from 'rxrpcx';
import { ListenError, WsTransport, listenWebSockets, openWebSocket, type WebSocketListener } from 'rxrpcx/node';
import WebSocket from 'ws';
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

function track(socket: WebSocket): WebSocket {
  cleanups.push(async () => {
    if (socket.readyState === WebSocket.CLOSED) return;
    const closed = once(socket, 'close');
    socket.terminate();
    await closed;
  });
  return socket;
}

async function listen(options: Parameters<typeof listenWebSockets>[2] = {}): Promise<WebSocketListener> {
  const listener = await listenWebSockets('127.0.0.1', 0, options);
  cleanups.push(() => listener.close());
  return listener;
}

/** Listens with `server` on a free loopback port, closed after the test. */
async function serve(server: Server, sockets: Socket[] = []): Promise<number> {
  server.on('connection', (socket: Socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
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

describe('openWebSocket', () => {
  it('opens a WebSocket and reports the server address from the upgrade socket', async () => {
    const listener = await listen();
    const accepted = firstValueFrom(listener.connections.pipe(take(1)));
    const { socket, remoteAddress } = await openWebSocket(`ws://localhost:${listener.address.port}/any/path`, { timeout: 5 });
    track(socket);
    const server = await accepted;
    track(server.socket);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(String(remoteAddress)).toBe(`127.0.0.1:${listener.address.port}`);
    expect(server.request.url).toBe('/any/path');
    expect(server.remoteAddress?.port).toBe((server.request.socket.remotePort));
  });

  it('rejects with reason "refused" and keeps credentials out of the error', async () => {
    const listener = await listenWebSockets('127.0.0.1', 0);
    await listener.close();
    const error = await rejection(openWebSocket(`ws://user:secret@127.0.0.1:${listener.address.port}/`));
    expect(error.code).toBe('RXRPCX_ERR_CONNECT');
    expect(error.reason).toBe('refused');
    expect(error.target).toBe(`ws://127.0.0.1:${listener.address.port}/`);
    expect(error.message).not.toContain('secret');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('rejects with reason "handshake" when the server answers the upgrade with an HTTP error', async () => {
    const port = await serve(
      createHttpServer((_request, response) => {
        response.writeHead(403, { Connection: 'close' });
        response.end();
      }),
    );
    const error = await rejection(openWebSocket(`ws://127.0.0.1:${port}/`));
    expect(error.reason).toBe('handshake');
    expect(error.message).toContain('403');
  });

  it('rejects with reason "timeout" when the server never answers, leaving nothing open', async () => {
    const port = await serve(createServer());
    const error = await rejection(openWebSocket(`ws://127.0.0.1:${port}/`, { timeout: 0.2 }));
    expect(error.reason).toBe('timeout');
  });

  it('rejects with reason "aborted" when the signal fires', async () => {
    const port = await serve(createServer());
    const controller = new AbortController();
    const pending = openWebSocket(`ws://127.0.0.1:${port}/`, { signal: controller.signal });
    controller.abort();
    expect((await rejection(pending)).reason).toBe('aborted');
  });

  it('rejects an invalid URL with the SyntaxError of ws', async () => {
    await expect(openWebSocket('ftp://127.0.0.1:1/')).rejects.toMatchObject({ name: 'SyntaxError' });
  });

  describe('wss', () => {
    it('connects when it trusts the certificate, and carries messages', async () => {
      const listener = await listen({ tls: { key: certificate.key, cert: certificate.cert } });
      const accepted = firstValueFrom(listener.connections.pipe(take(1)));
      const { socket, remoteAddress } = await openWebSocket(`wss://127.0.0.1:${listener.address.port}/`, {
        tls: { ca: certificate.cert, servername: 'localhost' },
      });
      track(socket);
      const server = await accepted;
      track(server.socket);
      const client = new WsTransport(socket, SessionKind.CLIENT, { remoteAddress });
      const transport = new WsTransport(server.socket, SessionKind.SERVER, { remoteAddress: server.remoteAddress });
      const seen = record(transport.incoming);
      await client.write(encode('secure'));
      await untilBytes(seen, 6);
      expect(seen.text()).toBe('secure');
      await client.close();
      await seen.ended;
      expect(seen.completed).toBe(true);
    });

    it('rejects with reason "tls" when it does not trust the certificate', async () => {
      const listener = await listen({ tls: { key: certificate.key, cert: certificate.cert } });
      const error = await rejection(openWebSocket(`wss://127.0.0.1:${listener.address.port}/`, { tls: { servername: 'localhost' } }));
      expect(error.reason).toBe('tls');
      expect((error.cause as NodeJS.ErrnoException).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    });
  });
});

describe('listenWebSockets', () => {
  it('answers a plain HTTP request with 426 Upgrade Required', async () => {
    const listener = await listen();
    const response = await fetch(`http://127.0.0.1:${listener.address.port}/`);
    expect(response.status).toBe(426);
    await response.text();
  });

  it('fails with ListenError when the port is taken', async () => {
    const listener = await listen();
    const error: unknown = await listenWebSockets('127.0.0.1', listener.address.port).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).code).toBe('RXRPCX_ERR_LISTEN');
  });

  it('terminates a WebSocket that arrives while nobody subscribes', async () => {
    const listener = await listen();
    const client = track(new WebSocket(`ws://127.0.0.1:${listener.address.port}/`));
    client.on('error', () => undefined);
    expect(await once<number>(client, 'close')).toBe(1006);
  });

  it('close stops listening and completes connections; open WebSockets stay open', async () => {
    const listener = await listen();
    let completed = false;
    const accepted = new Promise<WebSocket>((resolve) =>
      listener.connections.subscribe({ next: ({ socket }) => resolve(track(socket)), complete: () => (completed = true) }),
    );
    const { socket } = await openWebSocket(`ws://127.0.0.1:${listener.address.port}/`);
    track(socket);
    const server = await accepted;
    await listener.close();
    expect(completed).toBe(true);
    expect((await rejection(openWebSocket(`ws://127.0.0.1:${listener.address.port}/`))).reason).toBe('refused');
    const message = once<Buffer>(server, 'message');
    socket.send('still here');
    expect(String(await message)).toBe('still here');
    const transport = new WsTransport(socket, SessionKind.CLIENT);
    await expect(transport.close()).resolves.toBeUndefined();
    await expect(transport.write(encode('x'))).rejects.toBeInstanceOf(ConnectionError);
  });
});
