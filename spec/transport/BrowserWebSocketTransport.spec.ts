/**
 * The browser transport, driven in Node by injecting the `ws` package's
 * WebSocket (which implements the standard API) against a real loopback server.
 */
import { createServer, type Socket } from 'node:net';
import { VirtualTimeScheduler, asyncScheduler, firstValueFrom, take } from 'rxjs';
import {
  BrowserWebSocketTransport,
  browserWebSocketConnector,
  ConnectError,
  ConnectionError,
  NetAddress,
  SessionKind,
  openBrowserWebSocket,
  type OpenBrowserWebSocketOptions,
  type WebSocketConstructor,
} from 'rxrpcx';
import { listenWebSockets, type AcceptedWebSocket, type ListenWebSocketsOptions } from 'rxrpcx/node';
import WebSocket from 'ws';
import { encode, once, record, untilBytes } from '../node/nodeHelpers';

const MB = 1 << 20;
const cleanups: Array<() => Promise<void> | void> = [];

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

/** A browser transport connected to a raw `ws` server socket. */
async function connected(
  options: Omit<OpenBrowserWebSocketOptions, 'WebSocket'> = {},
  listenerOptions: ListenWebSocketsOptions = {},
): Promise<[transport: BrowserWebSocketTransport, server: AcceptedWebSocket]> {
  const listener = await listenWebSockets('127.0.0.1', 0, listenerOptions);
  cleanups.push(() => listener.close());
  const accepted = firstValueFrom(listener.connections.pipe(take(1)));
  const transport = await openBrowserWebSocket(`ws://127.0.0.1:${listener.address.port}/rpc`, { WebSocket, ...options });
  track(transport.socket as unknown as WebSocket);
  const server = await accepted;
  track(server.socket);
  return [transport, server];
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

function advance(scheduler: VirtualTimeScheduler, ms: number): void {
  scheduler.maxFrames = scheduler.now() + ms;
  scheduler.flush();
  scheduler.frame = scheduler.maxFrames;
}

async function ticks(count = 20): Promise<void> {
  for (let i = 0; i < count; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('BrowserWebSocketTransport', () => {
  it('is a client transport with message boundaries, and no peer address unless given one', async () => {
    const [transport] = await connected();
    expect(transport.kind).toBe(SessionKind.CLIENT);
    expect(transport.messageBoundaries).toBe(true);
    expect(transport.proxy()).toBeUndefined();
    // A page never sees the socket's peer; connect$ passes the URL's address.
    expect(transport.remoteAddress()).toBeUndefined();
    const [addressed] = await connected({ remoteAddress: new NetAddress('127.0.0.1', 50002) });
    expect(String(addressed.remoteAddress())).toBe('127.0.0.1:50002');
    await addressed.close();
    // The client's connector reports the URL's host and port.
    const listener = await listenWebSockets('127.0.0.1', 0);
    cleanups.push(() => listener.close());
    const connect = browserWebSocketConnector({ WebSocket: WebSocket as unknown as WebSocketConstructor });
    const viaClient = (await connect(`ws://127.0.0.1:${listener.address.port}/rpc`, {
      attempt: 1,
      timeout: 5,
      signal: new AbortController().signal,
      scheduler: asyncScheduler,
    })) as BrowserWebSocketTransport;
    track(viaClient.socket as unknown as WebSocket);
    expect(String(viaClient.remoteAddress())).toBe(`127.0.0.1:${listener.address.port}`);
    await viaClient.close();
    expect(transport.socket.binaryType).toBe('arraybuffer');
    await transport.close();
  });

  it('sends valid UTF-8 as text frames and other bytes as binary frames', async () => {
    const [transport, server] = await connected();
    const frames: Array<[string, boolean]> = [];
    server.socket.on('message', (data: Buffer, isBinary: boolean) => frames.push([data.toString('hex'), isBinary]));
    await transport.write(encode('{"id":0}'));
    await transport.write(new Uint8Array([0xc3, 0x28]));
    while (frames.length < 2) await ticks(1);
    expect(frames).toEqual([
      [Buffer.from('{"id":0}').toString('hex'), false],
      ['c328', true],
    ]);
    await transport.close();
  });

  it('delivers each incoming message as one chunk: text as UTF-8 bytes, binary as is', async () => {
    const [transport, server] = await connected();
    const seen = record(transport.incoming);
    server.socket.send('héllo');
    server.socket.send(Buffer.from([0, 1, 2]));
    await untilBytes(seen, 9);
    expect(seen.chunks.map((c) => Buffer.from(c).toString('hex'))).toEqual([Buffer.from('héllo').toString('hex'), '000102']);
    await transport.close();
  });

  it('closes with 1000 and completes incoming', async () => {
    const [transport, server] = await connected();
    const seen = record(transport.incoming);
    const serverClosed = once<number>(server.socket, 'close');
    await transport.close();
    expect(await serverClosed).toBe(1000);
    await seen.ended;
    expect(seen.completed).toBe(true);
    expect(transport.isClosing()).toBe(true);
    await expect(transport.write(encode('x'))).rejects.toBeInstanceOf(ConnectionError);
  });

  it.each([
    [1000, 'completes'],
    [4001, 'errors'],
  ] as const)('a server closing with %i %s incoming', async (code, outcome) => {
    const [transport, server] = await connected();
    const seen = record(transport.incoming);
    server.socket.close(code, 'done');
    await seen.ended;
    if (outcome === 'completes') expect(seen.completed).toBe(true);
    else expect(seen.error).toBeInstanceOf(ConnectionError);
  });

  it('errors incoming when the connection drops (1006)', async () => {
    const [transport, server] = await connected();
    const seen = record(transport.incoming);
    server.socket.terminate();
    await seen.ended;
    expect(seen.error).toBeInstanceOf(ConnectionError);
  });

  it('abort sends close code 4000 and ends the transport at once', async () => {
    const [transport, server] = await connected();
    const seen = record(transport.incoming);
    const serverClosed = once<number>(server.socket, 'close');
    transport.abort();
    expect(seen.completed).toBe(true);
    await expect(transport.close()).resolves.toBeUndefined();
    await expect(transport.write(encode('x'))).rejects.toBeInstanceOf(ConnectionError);
    expect(await serverClosed).toBe(4000);
  });

  it('ends after forceAfter when the server never answers the close (scheduler-driven)', async () => {
    const scheduler = new VirtualTimeScheduler();
    const [transport, server] = await connected({ scheduler });
    server.socket.pause();
    const seen = record(transport.incoming);
    let closed = false;
    const closing = transport.close({ forceAfter: 5 }).then(() => (closed = true));
    await ticks();
    expect(closed).toBe(false);
    advance(scheduler, 5000);
    await closing;
    expect(seen.completed).toBe(true);
  });

  it('holds a write while bufferedAmount is above the high-water mark, polling on the scheduler', async () => {
    const scheduler = new VirtualTimeScheduler();
    const [transport, server] = await connected({ scheduler, pollInterval: 0.01 }, { maxPayload: 16 * MB });
    server.socket.pause();
    let written = false;
    const write = transport.write(new Uint8Array(8 * MB).fill(0xff)).then(() => (written = true));
    await ticks();
    advance(scheduler, 10);
    await ticks();
    expect(written).toBe(false);
    expect(transport.bufferedAmount()).toBeGreaterThan(65536);

    const received = once<Buffer>(server.socket, 'message');
    server.socket.resume();
    expect((await received).length).toBe(8 * MB);
    while (transport.bufferedAmount() > 65536) await ticks(1);
    advance(scheduler, 10);
    await write;
    expect(written).toBe(true);
    await transport.close();
  });

  it('holds messages while reading is paused', async () => {
    const [transport, server] = await connected();
    const seen = record(transport.incoming);
    transport.pauseReading();
    const arrived = once(transport.socket as unknown as WebSocket, 'message');
    server.socket.send('held');
    await arrived;
    expect(seen.chunks).toEqual([]);
    transport.resumeReading();
    expect(seen.text()).toBe('held');
    await transport.close();
  });

  it('aborts when more than maxBacklog bytes arrive with nobody reading', async () => {
    const [transport, server] = await connected({ maxBacklog: 150 });
    const serverClosed = once<number>(server.socket, 'close');
    for (let i = 0; i < 3; i += 1) server.socket.send(Buffer.alloc(100));
    expect(await serverClosed).toBe(4000);
    const seen = record(transport.incoming);
    await seen.ended;
    expect(seen.error).toBeInstanceOf(ConnectionError);
  });
});

describe('BrowserWebSocketTransport backlog of tiny messages', () => {
  it('counts what each waiting message costs, not only its bytes: 200 one-byte messages exceed a 10,000-byte backlog', async () => {
    const [transport, server] = await connected({ maxBacklog: 10_000 });
    const serverClosed = once<number>(server.socket, 'close');
    for (let i = 0; i < 200; i += 1) server.socket.send(Buffer.of(0x61));
    expect(await serverClosed).toBe(4000);
    const seen = record(transport.incoming);
    await seen.ended;
    expect(seen.error).toBeInstanceOf(ConnectionError);
  });
});

describe('openBrowserWebSocket', () => {
  it('rejects with reason "unsupported" when there is no WebSocket constructor', async () => {
    const error = await rejection(openBrowserWebSocket('ws://127.0.0.1:1/', { WebSocket: undefined }));
    expect(error.reason).toBe('unsupported');
    expect(error.code).toBe('RXRPCX_ERR_CONNECT');
  });

  it('rejects with reason "network" when nothing listens, keeping what ws reports as the cause', async () => {
    const listener = await listenWebSockets('127.0.0.1', 0);
    await listener.close();
    const error = await rejection(openBrowserWebSocket(`ws://127.0.0.1:${listener.address.port}/`, { WebSocket }));
    expect(error.reason).toBe('network');
    expect((error.cause as { code?: unknown }).code).toBe('ECONNREFUSED');
  });

  it('rejects with reason "timeout" when the server never answers', async () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });
    const port = (server.address() as { port: number }).port;
    const error = await rejection(openBrowserWebSocket(`ws://127.0.0.1:${port}/`, { WebSocket, timeout: 0.2 }));
    expect(error.reason).toBe('timeout');
  });

  it('rejects with reason "aborted" when the signal has fired', async () => {
    const error = await rejection(openBrowserWebSocket('ws://127.0.0.1:1/', { WebSocket, signal: AbortSignal.abort() }));
    expect(error.reason).toBe('aborted');
  });
});
