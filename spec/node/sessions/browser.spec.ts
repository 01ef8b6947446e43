/**
 * The browser transport carrying a full RPCSession against a serveWs server,
 * in Node: Node 20 has no global WebSocket, so the `ws` package's class is
 * passed in as the `WebSocket` option.
 */
import { firstValueFrom, take, toArray } from 'rxjs';
import {
  BrowserWebSocketTransport,
  ConnectError,
  ConnectionError,
  RPCSession,
  SessionKind,
  openBrowserWebSocket,
  type WebSocketConstructor,
} from 'rxrpcx';
import { serveWs } from 'rxrpcx/node';
import WebSocket from 'ws';
import { EchoSession, closedOf, echoFactory, nextSession, rejectionOf, runCleanups, trackServer, trackSession, until } from './sessionHelpers';

afterEach(runCleanups);

const WebSocketClass: WebSocketConstructor = WebSocket;

/** A serveWs server and an RPCSession over a browser transport connected to it. */
async function browserSession(handlers: ConstructorParameters<typeof RPCSession>[1] = {}) {
  const server = trackServer(await serveWs(echoFactory(), '127.0.0.1', 0));
  const accepted = nextSession(server);
  const transport = await openBrowserWebSocket(`ws://127.0.0.1:${server.address.port}/rpc`, { WebSocket: WebSocketClass, timeout: 5 });
  const client = trackSession(new RPCSession(transport, handlers));
  return { server, client, transport, serverSide: await accepted };
}

describe('RPCSession over BrowserWebSocketTransport', () => {
  it('calls, is called back, receives notifications and closes, against a serveWs server', async () => {
    const { server, client, transport, serverSide } = await browserSession({ handlers: { name: () => 'browser' } });
    expect(transport).toBeInstanceOf(BrowserWebSocketTransport);
    expect(client.sessionKind).toBe(SessionKind.CLIENT);
    expect(client.remoteAddress()).toBeUndefined(); // a page never sees its peer's address (connect$ passes the URL's)
    expect(serverSide).toBeInstanceOf(EchoSession);
    expect(serverSide.remoteAddress()!.host).toBe('127.0.0.1');

    expect(await client.sendRequest('echo', [{ nested: ['ü', 1] }])).toEqual({ nested: ['ü', 1] });
    expect(await serverSide.sendRequest('name')).toBe('browser');
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

  it('ends pending requests with ConnectionError when the server closes with live sessions', async () => {
    const { server, client, serverSide } = await browserSession();
    const pending = [rejectionOf(client.sendRequest('hang')), rejectionOf(client.sendRequest('hang'))];
    await until(() => serverSide.hanging === 2, 'both handlers to run');
    await server.close({ closeSessions: true, forceAfter: 5 });
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(ConnectionError);
    await closedOf(client);
    expect(serverSide.hangsCancelled).toBe(2);
  });

  it('ends pending requests with ConnectionError when the server aborts', async () => {
    const { client, serverSide } = await browserSession();
    const pending = rejectionOf(client.sendRequest('hang'));
    await until(() => serverSide.hanging === 1, 'the handler to run');
    serverSide.abort();
    expect(await pending).toBeInstanceOf(ConnectionError);
    await closedOf(client);
  });

  it('aborting the browser client cancels the server’s running handler', async () => {
    const { client, serverSide } = await browserSession();
    const pending = rejectionOf(client.sendRequest('hang'));
    await until(() => serverSide.hanging === 1, 'the handler to run');
    client.abort();
    expect(await pending).toBeInstanceOf(ConnectionError);
    await closedOf(client);
    await closedOf(serverSide);
    expect(serverSide.hangsCancelled).toBe(1);
  });

  it('a browser session paused by maxPendingRequests ends at once when aborted', async () => {
    let running = 0;
    const { client, serverSide } = await browserSession({
      maxPendingRequests: 1,
      handlers: { wait: () => new Promise<never>(() => void (running += 1)) },
    });
    const pending = [rejectionOf(serverSide.sendRequest('wait'))];
    await until(() => running === 1, 'the client’s handler to run');
    pending.push(rejectionOf(serverSide.sendRequest('wait'))); // held: the client reads no more
    await until(() => serverSide.sendCount === 2, 'the second request to go out');
    client.abort();
    await closedOf(client);
    expect(client.unansweredRequestCount()).toBe(0);
    for (const error of await Promise.all(pending)) expect(error).toBeInstanceOf(ConnectionError);
  });

  it('fails to open with ConnectError "network" (as a browser would), the refusal as its cause, when the server is gone', async () => {
    const server = await serveWs(undefined, '127.0.0.1', 0);
    const { port } = server.address;
    await server.close();
    const error = await rejectionOf(openBrowserWebSocket(`ws://127.0.0.1:${port}/`, { WebSocket: WebSocketClass, timeout: 5 }));
    expect(error).toBeInstanceOf(ConnectError);
    expect(error).toMatchObject({ reason: 'network', cause: { code: 'ECONNREFUSED' } });
  });
});
