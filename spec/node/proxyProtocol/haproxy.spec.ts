/**
 * serveRs and serveWs behind a real HAProxy (`send-proxy` and
 * `send-proxy-v2`, TCP and TLS passthrough), started on loopback by the
 * test: the server's session sees the client's own address, not HAProxy's.
 */
import { connect, type Socket } from 'node:net';
import { ReplaySubject, filter, firstValueFrom, type Observable } from 'rxjs';
import { NetAddress, type RPCSession } from 'rxrpcx';
import { SocketTransport, WsTransport, connectRs, connectWs, serveRs, serveWs, type SessionServer } from 'rxrpcx/node';
import { selfSignedCertificate, type Certificate } from '../nodeHelpers';
import { echoFactory, runCleanups, defer, trackServer, trackSession, type EchoSession } from '../sessions/sessionHelpers';
import { haproxyVersion, requireHaproxy, startHaproxy, type HaproxyProcess } from './haproxyKit';

let haproxy: HaproxyProcess | undefined;
let certificate: Certificate;

beforeAll(() => {
  requireHaproxy();
  certificate = selfSignedCertificate();
});
afterAll(() => certificate?.remove());
afterEach(async () => {
  await haproxy?.stop();
  haproxy = undefined;
  await runCleanups();
});

/** Every session of the server, replayed, so none is missed while connecting. */
function sessionsOf<S extends RPCSession>(server: SessionServer<S>): Observable<S> {
  const all = new ReplaySubject<S>();
  const subscription = server.sessions$.subscribe(all);
  defer(() => subscription.unsubscribe());
  return all;
}

/** The server's session for the client whose socket is `local` (HAProxy's port probe makes sessions too). */
function sessionFor<S extends RPCSession>(sessions: Observable<S>, local: NetAddress): Promise<S> {
  return firstValueFrom(sessions.pipe(filter((s) => s.remoteAddress()?.equals(local) === true)));
}

function clientSocketOf(session: RPCSession): Socket {
  const transport = session.transport;
  if (transport instanceof SocketTransport) return transport.socket;
  if (transport instanceof WsTransport) return (transport.socket as unknown as { _socket: Socket })._socket;
  throw new Error('not a socket transport');
}

function localOf(session: RPCSession): NetAddress {
  const socket = clientSocketOf(session);
  return new NetAddress(socket.localAddress!, socket.localPort!);
}

describe(`behind ${haproxyVersion()}`, () => {
  describe.each(['send-proxy', 'send-proxy-v2'] as const)('with %s', (sendProxy) => {
    it('serveRs over TCP: the session sees the client, not HAProxy', async () => {
      const errors: Error[] = [];
      const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0, { proxyProtocol: true, onError: (e) => errors.push(e) }));
      const sessions = sessionsOf(server);
      haproxy = await startHaproxy(server.address.port, sendProxy);
      const client = trackSession(await connectRs('127.0.0.1', haproxy.port, { timeout: 5 }));
      const local = localOf(client);
      expect(local.port).not.toBe(haproxy.port);
      const session = await sessionFor(sessions, local);
      expect(await client.sendRequest('echo', ['through haproxy'])).toBe('through haproxy');
      expect(session.remoteAddress()).toEqual(local);
      // The server's socket itself is HAProxy's connection, from another port.
      expect((session.transport as SocketTransport).socket.remotePort).not.toBe(local.port);
      expect(errors).toEqual([]);
    });

    it('serveRs over TLS, passed through by HAProxy in mode tcp', async () => {
      const errors: Error[] = [];
      const tls = { key: certificate.key, cert: certificate.cert };
      const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0, { tls, proxyProtocol: true, onError: (e) => errors.push(e) }));
      const sessions = sessionsOf(server);
      haproxy = await startHaproxy(server.address.port, sendProxy);
      const client = trackSession(await connectRs('127.0.0.1', haproxy.port, { timeout: 5, tls: { ca: certificate.cert, servername: 'localhost' } }));
      const local = localOf(client);
      const session = await sessionFor(sessions, local);
      expect(await client.sendRequest('echo', ['tls through haproxy'])).toBe('tls through haproxy');
      expect(session.remoteAddress()).toEqual(local);
      expect((session.transport as SocketTransport).socket.constructor.name).toBe('TLSSocket');
      // HAProxy's port probe (a header, then a close without a handshake) may report a TLS error; nothing else.
      expect(errors.filter((e) => e.name === 'ProxyProtocolError')).toEqual([]);
    });

    it('serveWs: the session sees the client, not HAProxy', async () => {
      const errors: Error[] = [];
      const server = await serveWs(echoFactory(), '127.0.0.1', 0, { proxyProtocol: true, onError: (e) => errors.push(e) });
      defer(() => server.close({ closeSessions: true }));
      const sessions = sessionsOf(server as SessionServer<EchoSession>);
      haproxy = await startHaproxy(server.address.port, sendProxy);
      const client = trackSession(await connectWs(`ws://127.0.0.1:${haproxy.port}`, { timeout: 5 }));
      const local = localOf(client);
      const session = await sessionFor(sessions, local);
      expect(await client.sendRequest('echo', ['ws through haproxy'])).toBe('ws through haproxy');
      expect(session.remoteAddress()).toEqual(local);
      expect(errors).toEqual([]);
    });

    it('serveWs over TLS (wss), passed through', async () => {
      const server = await serveWs(echoFactory(), '127.0.0.1', 0, { tls: { key: certificate.key, cert: certificate.cert }, proxyProtocol: true });
      defer(() => server.close({ closeSessions: true }));
      const sessions = sessionsOf(server as SessionServer<EchoSession>);
      haproxy = await startHaproxy(server.address.port, sendProxy);
      const client = trackSession(await connectWs(`wss://localhost:${haproxy.port}`, { timeout: 5, tls: { ca: certificate.cert } }));
      const local = localOf(client);
      const session = await sessionFor(sessions, local);
      expect(await client.sendRequest('echo', ['wss'])).toBe('wss');
      expect(session.remoteAddress()).toEqual(local);
    });
  });
});

describe('cost groups behind HAProxy', () => {
  it('group sessions by the real clients\' subnets, not by the balancer\'s address', async () => {
    const server = trackServer(await serveRs(echoFactory(), '127.0.0.1', 0, { proxyProtocol: true, costGroups: true }));
    const sessions = sessionsOf(server);
    haproxy = await startHaproxy(server.address.port, 'send-proxy-v2');
    // Two clients from two loopback subnets (Linux answers all of 127/8), one raw line each.
    const replies = await Promise.all(
      ['127.0.1.7', '127.0.2.7'].map(
        (localAddress) =>
          new Promise<string>((resolve, reject) => {
            const socket = connect({ host: '127.0.0.1', port: haproxy!.port, localAddress }, () =>
              socket.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'echo', params: [localAddress], id: 0 })}\n`),
            );
            defer(() => void socket.destroy());
            socket.setEncoding('utf8');
            socket.once('data', (line: string) => resolve(line));
            socket.once('error', reject);
          }),
      ),
    );
    expect(replies.map((line) => (JSON.parse(line) as { result: string }).result)).toEqual(['127.0.1.7', '127.0.2.7']);
    const first = await firstValueFrom(sessions.pipe(filter((s) => s.remoteAddress()?.host === '127.0.1.7')));
    const second = await firstValueFrom(sessions.pipe(filter((s) => s.remoteAddress()?.host === '127.0.2.7')));
    expect([first.costGroup, second.costGroup]).toEqual(['127.0.1.0/24', '127.0.2.0/24']);
  });
});
