import { connect, type Socket } from 'node:net';
import { VirtualTimeScheduler } from 'rxjs';
import { ConnectionError, NetAddress, SessionKind } from 'rxrpcx';
import { SocketTransport, listenSockets } from 'rxrpcx/node';
import { toNetAddress } from '../../lib/transport/transportInternals';
import { encode, once, record, socketPair, untilBytes } from './nodeHelpers';

const MB = 1 << 20;
const sockets: Socket[] = [];

async function transportPair(): Promise<[client: SocketTransport, server: SocketTransport]> {
  const [clientSocket, serverSocket] = await socketPair();
  sockets.push(clientSocket, serverSocket);
  return [new SocketTransport(clientSocket, SessionKind.CLIENT), new SocketTransport(serverSocket, SessionKind.SERVER)];
}

/** Turns of the event loop, enough for loopback bytes to move. */
async function ticks(count = 20): Promise<void> {
  for (let i = 0; i < count; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) {
    if (!socket.destroyed) {
      const closed = once(socket, 'close');
      socket.destroy();
      await closed;
    }
  }
});

describe('SocketTransport', () => {
  it('carries bytes both ways and describes itself', async () => {
    const [client, server] = await transportPair();
    expect(client.kind).toBe(SessionKind.CLIENT);
    expect(server.kind).toBe(SessionKind.SERVER);
    expect(client.messageBoundaries).toBe(false);
    expect(client.proxy()).toBeUndefined();
    expect(client.remoteAddress()?.equals(new NetAddress('127.0.0.1', client.socket.remotePort!))).toBe(true);
    expect(server.remoteAddress()?.host).toBe('127.0.0.1');

    const atServer = record(server.incoming);
    const atClient = record(client.incoming);
    await client.write(encode('ping\n'));
    await untilBytes(atServer, 5);
    await server.write(encode('pong\n'));
    await untilBytes(atClient, 5);
    expect(atServer.text()).toBe('ping\n');
    expect(atClient.text()).toBe('pong\n');
    expect(atServer.chunks[0]).toBeInstanceOf(Uint8Array);
    await client.close();
  });

  it('reports the given address and proxy instead of the socket peer', async () => {
    const [clientSocket, serverSocket] = await socketPair();
    sockets.push(clientSocket, serverSocket);
    const target = new NetAddress('example.com', 50002);
    const proxy = { address: new NetAddress('127.0.0.1', 1080), toString: () => 'SOCKS5 proxy at 127.0.0.1:1080' };
    const transport = new SocketTransport(clientSocket, SessionKind.CLIENT, { remoteAddress: target, proxy });
    expect(transport.remoteAddress()).toBe(target);
    expect(transport.proxy()).toBe(proxy);
  });

  it('normalises peer addresses: IPv6 brackets and IPv4-mapped IPv6', () => {
    expect(String(toNetAddress('::ffff:127.0.0.1', 80))).toBe('127.0.0.1:80');
    expect(String(toNetAddress('[::1]', 80))).toBe('[::1]:80');
    expect(String(toNetAddress('::1', 80))).toBe('[::1]:80');
    expect(toNetAddress(undefined, 80)).toBeUndefined();
    expect(toNetAddress('127.0.0.1', undefined)).toBeUndefined();
  });

  it('keeps the socket paused until someone subscribes, and while reading is paused', async () => {
    const [client, server] = await transportPair();
    await client.write(encode('early'));
    await ticks();
    expect(server.socket.isPaused()).toBe(true);
    const atServer = record(server.incoming);
    await untilBytes(atServer, 5);
    expect(server.socket.isPaused()).toBe(false);

    server.pauseReading();
    expect(server.socket.isPaused()).toBe(true);
    await client.write(encode('-late'));
    await ticks();
    expect(atServer.text()).toBe('early');
    server.resumeReading();
    await untilBytes(atServer, 10);
    expect(atServer.text()).toBe('early-late');
    await client.close();
  });

  it('has one reader at a time', async () => {
    const [client, server] = await transportPair();
    record(server.incoming);
    const second = record(server.incoming);
    await second.ended;
    expect(second.error).toBeInstanceOf(ConnectionError);
    await client.close();
  });

  it('holds a large write until the peer reads it, and stops reading meanwhile', async () => {
    const [client, server] = await transportPair();
    const atClient = record(client.incoming);
    expect(client.socket.isPaused()).toBe(false);
    const payload = new Uint8Array(8 * MB).map((_, i) => i & 0xff);
    let written = false;
    const write = client.write(payload).then(() => (written = true));
    await ticks();
    expect(written).toBe(false);
    expect(client.bufferedAmount()).toBeGreaterThan(0);
    expect(client.socket.isPaused()).toBe(true);

    // The server's reply waits in the kernel: the client does not read while blocked.
    await server.write(encode('reply'));
    await ticks();
    expect(atClient.chunks).toEqual([]);

    const atServer = record(server.incoming);
    await write;
    expect(client.socket.isPaused()).toBe(false);
    await untilBytes(atClient, 5);
    expect(atClient.text()).toBe('reply');
    await untilBytes(atServer, payload.length);
    expect(atServer.bytes().equals(Buffer.from(payload))).toBe(true);
    await client.close();
  });

  it.each(['client', 'server'] as const)('closes in order from the %s side: both readers complete', async (side) => {
    const [client, server] = await transportPair();
    const atClient = record(client.incoming);
    const atServer = record(server.incoming);
    const [closer, other] = side === 'client' ? [client, server] : [server, client];
    await closer.write(encode('last words'));
    await closer.close();
    await Promise.all([atClient.ended, atServer.ended]);
    expect(atClient.completed && atServer.completed).toBe(true);
    expect((side === 'client' ? atServer : atClient).text()).toBe('last words');
    expect(closer.isClosing() && other.isClosing()).toBe(true);
    await other.close(); // already closed: resolves at once
    await expect(closer.write(encode('more'))).rejects.toBeInstanceOf(ConnectionError);
  });

  it('closes without a reader: reading resumes once closing, and the backlog is kept for a late reader', async () => {
    const [client, server] = await transportPair();
    const atServer = record(server.incoming);
    await server.write(encode('unread'));
    await client.close();
    await atServer.ended;
    expect(atServer.completed).toBe(true);
    const late = record(client.incoming);
    await late.ended;
    expect(late.text()).toBe('unread');
    expect(late.completed).toBe(true);
  });

  it('aborts a closing transport whose absent reader would have to hold more than 1 MiB', async () => {
    const [client, server] = await transportPair();
    const atServer = record(server.incoming);
    // The server keeps talking after the client said goodbye; nobody reads at the client.
    const flood = server.write(new Uint8Array(4 * MB)).catch((e: unknown) => e);
    await client.close(); // long before forceAfter
    expect(await flood).toBeInstanceOf(ConnectionError);
    await atServer.ended;
    const late = record(client.incoming);
    await late.ended;
    expect(late.completed).toBe(true);
    expect(late.bytes().length).toBeLessThan(4 * MB);
  });

  it('delivers the data of a half-closed peer, then completes and ends its own side', async () => {
    const [clientSocket, serverSocket] = await socketPair();
    sockets.push(clientSocket, serverSocket);
    const server = new SocketTransport(serverSocket, SessionKind.SERVER);
    const atServer = record(server.incoming);
    const clientEnded = once(clientSocket, 'end');
    clientSocket.resume();
    clientSocket.end('goodbye');
    await atServer.ended;
    expect(atServer.completed).toBe(true);
    expect(atServer.text()).toBe('goodbye');
    await clientEnded;
    expect(server.isClosing()).toBe(true);
    await server.close(); // resolves once the socket has closed
  });

  it('abort resets the connection: the peer errors with ConnectionError, our reader completes', async () => {
    const [client, server] = await transportPair();
    const atClient = record(client.incoming);
    const atServer = record(server.incoming);
    client.abort();
    await Promise.all([atClient.ended, atServer.ended]);
    expect(atClient.completed).toBe(true);
    expect(atServer.error).toBeInstanceOf(ConnectionError);
    expect((atServer.error as ConnectionError).code).toBe('RXRPCX_ERR_CONNECTION');
    expect(((atServer.error as ConnectionError).cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    await expect(server.write(encode('x'))).rejects.toBeInstanceOf(ConnectionError);
    await client.close();
  });

  it('rejects a pending write when the peer resets the connection', async () => {
    const [client, server] = await transportPair();
    const atClient = record(client.incoming);
    const write = client.write(new Uint8Array(8 * MB));
    await ticks();
    server.abort();
    await expect(write).rejects.toBeInstanceOf(ConnectionError);
    await atClient.ended;
    expect(atClient.error).toBeInstanceOf(ConnectionError);
  });

  it('aborts after forceAfter when the peer never finishes closing (scheduler-driven)', async () => {
    const listener = await listenSockets('127.0.0.1', 0);
    const accepted = new Promise<Socket>((resolve) => listener.connections.subscribe(resolve));
    // A half-open peer: it never answers our FIN with its own.
    const peer = connect({ host: '127.0.0.1', port: listener.address.port, allowHalfOpen: true });
    peer.on('error', () => undefined);
    sockets.push(peer);
    const serverSocket = await accepted;
    await listener.close();
    sockets.push(serverSocket);
    const scheduler = new VirtualTimeScheduler();
    const server = new SocketTransport(serverSocket, SessionKind.SERVER, { scheduler });
    const atServer = record(server.incoming);
    let closed = false;
    const closing = server.close({ forceAfter: 5 }).then(() => (closed = true));
    await once(peer, 'end');
    await ticks();
    expect(closed).toBe(false);
    scheduler.flush();
    await closing;
    expect(scheduler.now()).toBe(5000);
    await atServer.ended;
    expect(atServer.completed).toBe(true);
  });
});
