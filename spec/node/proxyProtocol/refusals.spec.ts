/**
 * What a listener with the PROXY protocol refuses, and how: untrusted peers,
 * missing, malformed, oversized, truncated and late headers close the
 * connection, are reported once (onError, else a warn line on the default
 * logger) and make no session; LOCAL keeps the socket's own address.
 */
import { connect, type Socket } from 'node:net';
import { VirtualTimeScheduler } from 'rxjs';
import { AddressError, NetAddress, setDefaultLogger } from 'rxrpcx';
import { ProxyProtocolError, listenSockets, proxyHeaderOf, serveRs } from 'rxrpcx/node';
import { echoFactory, recordingLogger, runCleanups, trackServer, until } from '../sessions/sessionHelpers';
import { v1, v2 } from './proxyHeaderBytes';

afterEach(runCleanups);

async function proxiedServer(options: { trusted?: string[]; timeout?: number; scheduler?: VirtualTimeScheduler } = {}) {
  const errors: ProxyProtocolError[] = [];
  const server = trackServer(
    await serveRs(echoFactory(), '127.0.0.1', 0, {
      proxyProtocol: { trusted: options.trusted ?? ['127.0.0.1'], timeout: options.timeout ?? 5 },
      scheduler: options.scheduler,
      onError: (error) => errors.push(error as ProxyProtocolError),
    }),
  );
  return { server, errors };
}

/** Connects, writes `bytes` (and ends when asked), resolves with what came back once the server closed. */
function exchange(port: number, bytes: Uint8Array, end = false): { socket: Socket; reply: Promise<string> } {
  const socket = connect({ host: '127.0.0.1', port });
  socket.write(bytes);
  if (end) socket.end();
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const reply = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', () => undefined);
  });
  return { socket, reply };
}

const request = new TextEncoder().encode('{"jsonrpc":"2.0","method":"echo","params":["hi"],"id":1}\n');
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(parts.flatMap((p) => [...p]));

describe('a listener with proxyProtocol', () => {
  it('serves a client behind a v1 header as the header says, and proxyHeaderOf tells the rest', async () => {
    const { server, errors } = await proxiedServer();
    const { socket, reply } = exchange(server.address.port, concat(v1('TCP4', ['192.0.2.7', 51234], ['127.0.0.1', 50001]), request));
    await until(() => server.sessions.size === 1, 'a session');
    const [session] = [...server.sessions];
    expect(session!.remoteAddress()).toEqual(new NetAddress('192.0.2.7', 51234));
    socket.end();
    expect(await reply).toContain('"result":"hi"');
    expect(errors).toEqual([]);
  });

  it('keeps the socket address for a v2 LOCAL header (a health check)', async () => {
    const { server, errors } = await proxiedServer();
    const { socket, reply } = exchange(server.address.port, concat(v2({ command: 0x20, family: 0x00 }), request));
    await until(() => server.sessions.size === 1, 'a session');
    const [session] = [...server.sessions];
    await until(() => socket.localPort !== undefined, 'connected');
    expect(session!.remoteAddress()).toEqual(new NetAddress('127.0.0.1', socket.localPort!));
    socket.end();
    expect(await reply).toContain('"result":"hi"');
    expect(errors).toEqual([]);
  });

  it.each([
    ['no header', request, 'missing'],
    ['a malformed v1 header', new TextEncoder().encode('PROXY TCP4 1.2.3.4 5.6.7.8 0 1\r\n'), 'malformed'],
    ['an oversized v1 line', new TextEncoder().encode(`PROXY UNKNOWN ${'x'.repeat(200)}`), 'oversized'],
    ['an oversized v2 header', v2({ family: 0x11, declared: 60000 }), 'oversized'],
    ['a v2 header of a bad family', v2({ family: 0x44, raw: new Uint8Array(12) }), 'malformed'],
  ])('closes a connection with %s, reports it once, and makes no session', async (_what, bytes, reason) => {
    const { server, errors } = await proxiedServer();
    const { reply } = exchange(server.address.port, bytes);
    expect(await reply).toBe('');
    await until(() => errors.length === 1, 'the report');
    expect(errors[0]).toBeInstanceOf(ProxyProtocolError);
    expect(errors[0]).toMatchObject({ code: 'RXRPCX_ERR_PROXY_PROTOCOL', reason });
    expect(errors[0]!.peer?.host).toBe('127.0.0.1');
    expect(errors[0]!.message).toMatch(/^PROXY protocol: .*; closed the connection from 127\.0\.0\.1:\d+$/);
    expect(server.sessions.size).toBe(0);
  });

  it('reports a header cut short by the peer as truncated, and a bare connect-and-close (a TCP check) not at all', async () => {
    const { server, errors } = await proxiedServer();
    const half = v1('TCP4', ['192.0.2.7', 51234], ['127.0.0.1', 50001]).subarray(0, 20);
    expect(await exchange(server.address.port, half, true).reply).toBe('');
    await until(() => errors.length === 1, 'the report');
    expect(errors[0]!.reason).toBe('truncated');
    expect(await exchange(server.address.port, new Uint8Array(0), true).reply).toBe('');
    expect(errors).toHaveLength(1);
    expect(server.sessions.size).toBe(0);
  });

  it('closes a peer that is not a trusted balancer, before reading anything', async () => {
    const { server, errors } = await proxiedServer({ trusted: ['192.0.2.1', '::1'] });
    const { reply } = exchange(server.address.port, concat(v1('TCP4', ['192.0.2.7', 1], ['127.0.0.1', 2]), request));
    expect(await reply).toBe('');
    await until(() => errors.length === 1, 'the report');
    expect(errors[0]).toMatchObject({ reason: 'untrusted', peer: expect.any(NetAddress) });
    expect(errors[0]!.message).toContain('not a trusted balancer');
  });

  it('closes a trusted peer that sends no complete header within the timeout, on the given scheduler', async () => {
    const scheduler = new VirtualTimeScheduler();
    const { server, errors } = await proxiedServer({ timeout: 3, scheduler });
    const { socket, reply } = exchange(server.address.port, new TextEncoder().encode('PROXY TCP4 1.2'));
    await until(() => socket.bytesWritten > 0, 'written');
    expect(errors).toEqual([]);
    // Only virtual time passes: the server's timer fires once it is set and the scheduler flushed.
    await until(() => {
      scheduler.flush();
      return errors.length > 0;
    }, 'the timeout');
    expect(await reply).toBe('');
    expect(errors.map((e) => [e.reason, e.message.includes('within 3 s')])).toEqual([['timeout', true]]);
  });

  it('without onError, reports on the default logger as a warn line', async () => {
    const logger = recordingLogger();
    const previous = setDefaultLogger(logger);
    try {
      const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0, { proxyProtocol: true }));
      expect(await exchange(server.address.port, request).reply).toBe('');
      await until(() => logger.lines.length === 1, 'the line');
      expect(logger.lines[0]).toMatchObject({ level: 'warn', message: expect.stringMatching(/^PROXY protocol: the connection did not start with a PROXY header; closed/) });
    } finally {
      setDefaultLogger(previous);
    }
  });

  it('checks its options before listening', async () => {
    await expect(listenSockets('127.0.0.1', 0, { proxyProtocol: { trusted: ['balancer.example'] } })).rejects.toBeInstanceOf(AddressError);
    await expect(listenSockets('127.0.0.1', 0, { proxyProtocol: { timeout: 0 } })).rejects.toBeInstanceOf(RangeError);
  });

  it('matches an IPv4-mapped peer to its IPv4 entry, and hands listenSockets users the header', async () => {
    const listener = await listenSockets('::', 0, { proxyProtocol: { trusted: ['127.0.0.1'] } });
    const sockets: Socket[] = [];
    listener.connections.subscribe((socket) => sockets.push(socket));
    try {
      const { socket } = exchange(listener.address.port, v2({ family: 0x21, source: ['2001:db8::9', 4000], destination: ['::1', 50001] }));
      await until(() => sockets.length === 1, 'the socket');
      expect(sockets[0]!.remoteAddress).toBe('::ffff:127.0.0.1');
      expect(String(proxyHeaderOf(sockets[0]!)?.source)).toBe('[2001:db8::9]:4000');
      socket.destroy();
    } finally {
      sockets.forEach((s) => s.destroy());
      await listener.close();
    }
  });
});
