import { VirtualTimeScheduler, firstValueFrom, take } from 'rxjs';
import { ConnectionError, SessionKind } from 'rxrpcx';
import {
  WsTransport,
  listenWebSockets,
  openWebSocket,
  type AcceptedWebSocket,
  type ListenWebSocketsOptions,
  type WebSocketListener,
  type WsTransportOptions,
} from 'rxrpcx/node';
import WebSocket from 'ws';
import { recording } from '../helpers/recordingScheduler';
import { encode, once, record, untilBytes } from './nodeHelpers';

const MB = 1 << 20;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Terminates `socket` after the test and waits for its 'close'. */
function track(socket: WebSocket): WebSocket {
  cleanups.push(async () => {
    if (socket.readyState === WebSocket.CLOSED) return;
    const closed = once(socket, 'close');
    socket.terminate();
    await closed;
  });
  return socket;
}

async function listen(options: ListenWebSocketsOptions = {}): Promise<WebSocketListener> {
  const listener = await listenWebSockets('127.0.0.1', 0, options);
  cleanups.push(() => listener.close());
  return listener;
}

/** A raw `ws` client connected to a listener, and the listener's side of it. */
async function rawPair(
  listenerOptions: ListenWebSocketsOptions = {},
  clientOptions: WebSocket.ClientOptions = {},
): Promise<[client: WebSocket, accepted: AcceptedWebSocket]> {
  const listener = await listen(listenerOptions);
  const accepted = firstValueFrom(listener.connections.pipe(take(1)));
  const client = track(new WebSocket(`ws://127.0.0.1:${listener.address.port}`, clientOptions));
  await once(client, 'open');
  const server = await accepted;
  track(server.socket);
  return [client, server];
}

async function transportPair(
  listenerOptions: ListenWebSocketsOptions = {},
  serverOptions: WsTransportOptions = {},
): Promise<[client: WsTransport, server: WsTransport]> {
  const listener = await listen(listenerOptions);
  const accepted = firstValueFrom(listener.connections.pipe(take(1)));
  const { socket, remoteAddress } = await openWebSocket(`ws://127.0.0.1:${listener.address.port}/rpc`);
  track(socket);
  const server = await accepted;
  track(server.socket);
  return [
    new WsTransport(socket, SessionKind.CLIENT, { remoteAddress }),
    new WsTransport(server.socket, SessionKind.SERVER, { remoteAddress: server.remoteAddress, ...serverOptions }),
  ];
}

/** Runs the scheduler's actions due in the next `ms` virtual milliseconds. */
function advance(scheduler: VirtualTimeScheduler, ms: number): void {
  scheduler.maxFrames = scheduler.now() + ms;
  scheduler.flush();
  scheduler.frame = scheduler.maxFrames;
}

async function ticks(count = 20): Promise<void> {
  for (let i = 0; i < count; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('WsTransport', () => {
  it('carries whole messages both ways and knows both addresses', async () => {
    const [client, server] = await transportPair();
    expect(client.messageBoundaries).toBe(true);
    expect(client.kind).toBe(SessionKind.CLIENT);
    expect(String(client.remoteAddress())).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.remoteAddress()?.host).toBe('127.0.0.1');
    expect(server.remoteAddress()?.port).not.toBe(client.remoteAddress()?.port);

    const atServer = record(server.incoming);
    const atClient = record(client.incoming);
    await client.write(encode('{"id":0}'));
    await client.write(encode('{"id":1}'));
    await untilBytes(atServer, 16);
    expect(atServer.chunks.map((c) => Buffer.from(c).toString())).toEqual(['{"id":0}', '{"id":1}']);
    await server.write(new Uint8Array([0, 255, 1]));
    await untilBytes(atClient, 3);
    expect([...atClient.chunks[0]!]).toEqual([0, 255, 1]);
    await client.close();
  });

  it('sends valid UTF-8 as a text frame and anything else as a binary frame', async () => {
    const [client, accepted] = await rawPair();
    const transport = new WsTransport(accepted.socket, SessionKind.SERVER);
    const frames: Array<[string, boolean]> = [];
    client.on('message', (data: Buffer, isBinary: boolean) => frames.push([data.toString('hex'), isBinary]));
    await transport.write(encode('héllo'));
    await transport.write(new Uint8Array([0xff, 0xfe]));
    await transport.write(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])); // a BOM is valid UTF-8, and kept
    while (frames.length < 3) await ticks(1);
    expect(frames).toEqual([
      [Buffer.from('héllo').toString('hex'), false],
      ['fffe', true],
      ['efbbbf41', false],
    ]);
  });

  it('delivers incoming text frames as their UTF-8 bytes, binary frames as they are', async () => {
    const [client, accepted] = await rawPair();
    const transport = new WsTransport(accepted.socket, SessionKind.SERVER);
    const seen = record(transport.incoming);
    client.send('héllo');
    client.send(Buffer.from([1, 2, 3]));
    await untilBytes(seen, 9);
    expect(seen.chunks.map((c) => Buffer.from(c).toString('hex'))).toEqual([Buffer.from('héllo').toString('hex'), '010203']);
  });

  it('closes the connection with an error when a message exceeds maxPayload', async () => {
    const [client, server] = await transportPair({ maxPayload: 100 });
    const atClient = record(client.incoming);
    const atServer = record(server.incoming);
    await client.write(new Uint8Array(50).fill(0x61));
    await client.write(new Uint8Array(200).fill(0x61));
    await Promise.all([atClient.ended, atServer.ended]);
    expect(atServer.chunks.map((c) => c.length)).toEqual([50]);
    expect(atServer.error).toBeInstanceOf(ConnectionError);
    expect((atServer.error as ConnectionError).cause).toMatchObject({ code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
    expect(atClient.error).toBeInstanceOf(ConnectionError);
    expect((atClient.error as Error).message).toContain('1009');
  });

  it.each(['client', 'server'] as const)('closes in order from the %s side with 1000: both readers complete', async (side) => {
    const [client, server] = await transportPair();
    const atClient = record(client.incoming);
    const atServer = record(server.incoming);
    const [closer, other] = side === 'client' ? [client, server] : [server, client];
    const peerClose = once<number>(other.socket, 'close');
    await closer.write(encode('bye'));
    await closer.close();
    expect(await peerClose).toBe(1000);
    await Promise.all([atClient.ended, atServer.ended]);
    expect(atClient.completed && atServer.completed).toBe(true);
    expect((side === 'client' ? atServer : atClient).text()).toBe('bye');
    expect(other.isClosing()).toBe(true);
    await expect(closer.write(encode('more'))).rejects.toBeInstanceOf(ConnectionError);
  });

  it('abort terminates: the peer errors with ConnectionError (1006), our reader completes', async () => {
    const [client, server] = await transportPair();
    const atClient = record(client.incoming);
    const atServer = record(server.incoming);
    client.abort();
    await Promise.all([atClient.ended, atServer.ended]);
    expect(atClient.completed).toBe(true);
    expect(atServer.error).toBeInstanceOf(ConnectionError);
    expect((atServer.error as Error).message).toContain('1006');
  });

  it.each([
    [1001, 'completes'],
    [4001, 'errors'],
  ] as const)('a peer closing with %i %s incoming', async (code, outcome) => {
    const [client, accepted] = await rawPair();
    const transport = new WsTransport(accepted.socket, SessionKind.SERVER);
    const seen = record(transport.incoming);
    client.close(code, 'going');
    await seen.ended;
    if (outcome === 'completes') expect(seen.completed).toBe(true);
    else expect((seen.error as Error).message).toBe('websocket closed abnormally (code 4001: going)');
  });

  it('holds a large write until the peer reads, and pauses its own reading meanwhile', async () => {
    const [client, server] = await transportPair({ maxPayload: 16 * MB });
    const atClient = record(client.incoming);
    let written = false;
    const write = client.write(new Uint8Array(8 * MB).fill(0xff)).then(() => (written = true));
    await ticks();
    expect(written).toBe(false);
    expect(client.bufferedAmount()).toBeGreaterThan(65536);
    expect(client.socket.isPaused).toBe(true);
    expect(server.socket.isPaused).toBe(true); // nobody reads there yet

    const atServer = record(server.incoming);
    await write;
    expect(client.socket.isPaused).toBe(false);
    await untilBytes(atServer, 8 * MB);
    expect(atServer.chunks).toHaveLength(1);
    await server.write(encode('ok'));
    await untilBytes(atClient, 2);
    await client.close();
  });

  it('closes without a reader: the close handshake is still read', async () => {
    const [client, server] = await transportPair();
    const atServer = record(server.incoming);
    await client.close();
    await atServer.ended;
    expect(atServer.completed).toBe(true);
    const late = record(client.incoming);
    await late.ended;
    expect(late.completed).toBe(true);
  });

  it('pauses and resumes reading on request', async () => {
    const [client, server] = await transportPair();
    const atServer = record(server.incoming);
    server.pauseReading();
    expect(server.socket.isPaused).toBe(true);
    await client.write(encode('held'));
    await ticks();
    expect(atServer.chunks).toEqual([]);
    server.resumeReading();
    await untilBytes(atServer, 4);
    await client.close();
  });

  it('aborts after forceAfter when the peer never answers the close (scheduler-driven)', async () => {
    const [client, accepted] = await rawPair();
    client.pause(); // never reads our close frame
    const scheduler = new VirtualTimeScheduler();
    const transport = new WsTransport(accepted.socket, SessionKind.SERVER, { scheduler });
    const seen = record(transport.incoming);
    let closed = false;
    const closing = transport.close({ forceAfter: 5 }).then(() => (closed = true));
    await ticks();
    expect(closed).toBe(false);
    advance(scheduler, 5000);
    await closing;
    await seen.ended;
    expect(seen.completed).toBe(true);
  });

  describe('keepalive', () => {
    it('keeps a peer that answers pings', async () => {
      const [client, accepted] = await rawPair();
      const scheduler = new VirtualTimeScheduler();
      const transport = new WsTransport(accepted.socket, SessionKind.SERVER, { scheduler, pingInterval: 1 });
      const seen = record(transport.incoming);
      for (let round = 0; round < 3; round += 1) {
        const pinged = once(client, 'ping');
        const ponged = once(accepted.socket, 'pong');
        advance(scheduler, 1000);
        await pinged;
        await ponged;
      }
      expect(transport.isClosing()).toBe(false);
      expect(seen.completed || seen.error).toBeFalsy();
      await transport.close();
    });

    it('never pings with an infinite interval: no timer, and a silent peer is kept', async () => {
      const [, accepted] = await rawPair({}, { autoPong: false });
      const { scheduler, virtual, delays } = recording();
      const transport = new WsTransport(accepted.socket, SessionKind.SERVER, { scheduler, pingInterval: Infinity });
      virtual.flush();
      expect(delays).toEqual([]);
      expect(transport.isClosing()).toBe(false);
      await transport.close();
    });

    it('terminates a peer that stops answering pings', async () => {
      const [client, accepted] = await rawPair({}, { autoPong: false });
      const scheduler = new VirtualTimeScheduler();
      const transport = new WsTransport(accepted.socket, SessionKind.SERVER, { scheduler, pingInterval: 1 });
      const seen = record(transport.incoming);
      const pinged = once(client, 'ping');
      advance(scheduler, 1000);
      await pinged;
      const peerClosed = once<number>(client, 'close');
      advance(scheduler, 1000);
      await seen.ended;
      expect(seen.error).toBeInstanceOf(ConnectionError);
      expect((seen.error as Error).message).toMatch(/^keepalive/);
      expect(await peerClosed).toBe(1006);
    });
  });
});
