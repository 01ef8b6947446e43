/**
 * The reconnecting client end to end over real loopback sockets (issue 15):
 * `connect$` from `rxrpcx/node` against servers that are stopped and started
 * again on the same port — reconnection, calls waiting for a session,
 * resubscription, keep-alive and liveness, endpoint rotation, a TLS failure
 * that is not retried, and `close()` while reconnecting. Over `tcp://`,
 * `ws://` and `tls://`. Nothing sleeps: every wait is for a condition.
 */
import { createServer, type Socket } from 'node:net';
import { firstValueFrom, filter, type Subscription } from 'rxjs';
import {
  ConnectError,
  ConnectionError,
  NotConnectedError,
  type ClientState,
  type OpenState,
  type ReconnectingState,
  type RPCClient,
  type SubscriptionEvent,
} from 'rxrpcx';
import { SOCKS5, SOCKSProxy, connect$, serveRs, serveWs, type NodeConnectOptions } from 'rxrpcx/node';
import { selfSignedCertificate, type Certificate } from '../nodeHelpers';
import { defer, rejectionOf, runCleanups, trackServer, until } from '../sessions/sessionHelpers';
import { Chain, CountingScheduler, factoryOf, recordStates, restartableServer, tcp, tls, trackClient, watch, ws, type Kind } from './e2eServers';

afterEach(runCleanups);

let certificate: Certificate;
beforeAll(() => {
  certificate = selfSignedCertificate();
});
afterAll(() => certificate.remove());

const FAST = { reconnect: { initialDelay: 0.05, maxDelay: 0.2 } } satisfies NodeConnectOptions;

const kinds: Kind[] = [tcp, ws, tls(() => certificate)];

/** A port nothing listens on: bound, read, released. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const isOpen = (state: ClientState): state is OpenState => state.status === 'open';
const isReconnecting = (state: ClientState): state is ReconnectingState => state.status === 'reconnecting';

/** Resolves with the client's next state that passes `test` (the current one included). */
function stateWhere<S extends ClientState>(client: RPCClient, test: (state: ClientState) => state is S): Promise<S> {
  return firstValueFrom(client.state$.pipe(filter(test)));
}

describe.each(kinds)('connect$ over $name', (kind) => {
  const options = (extra: NodeConnectOptions = {}): NodeConnectOptions => ({ ...kind.options, ...FAST, ...extra });

  it('survives a server restart on the same port: waiting calls are answered, the subscription continues, the state is open again', async () => {
    const first = new Chain(100);
    const server = await restartableServer(kind, first);
    const url = kind.url(server.port);
    const client = trackClient(connect$(url, options()));
    const log = recordStates(client);

    const events: Array<SubscriptionEvent<unknown, readonly unknown[]>> = [];
    let ended: string | undefined;
    const subscription: Subscription = client.subscription$('headers.subscribe').subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => (ended = `error ${String(error)}`),
      complete: () => (ended = 'complete'),
    });
    defer(() => subscription.unsubscribe());

    await until(() => events.length === 1, 'the first result');
    expect(events[0]).toEqual({ kind: 'result', result: { height: 100 } });
    await server.pushHeight(101);
    await until(() => events.length === 2, 'the first notification');
    expect(events[1]).toMatchObject({ kind: 'notification', args: [{ height: 101 }] });
    const firstSession = client.state.status === 'open' ? client.state.session : undefined;
    expect(firstSession).toBeDefined();

    // Down: the client notices and waits to try again.
    const down = log.states.length;
    await server.stop();
    // (From the log: with a jittered delay near 0 the client may be connecting again already.)
    await until(() => log.since(down).some(isReconnecting), 'the client to notice');
    const dropped = log.since(down)[0]!;
    expect(dropped).toMatchObject({ status: 'reconnecting', attempt: 1, endpoint: url });
    expect((dropped as ReconnectingState).lastError).toMatchObject({ name: 'ConnectionError' });

    // Calls made while it is down wait for the next session.
    const queued = [watch(client.sendRequest('echo', ['a'])), watch(client.sendRequest('echo', ['b']))];
    const sent = watch(client.sendNotification('log', ['while down']));
    // Two refused attempts later, they are still waiting.
    await until(() => log.since(down).filter((s) => s.status === 'connecting').length >= 2, 'two attempts while down');
    expect(queued.map((call) => call.settled)).toEqual([false, false]);
    expect(sent.settled).toBe(false);
    expect(first.count('echo')).toBe(0);

    // Up again on the same port, with a new chain tip.
    const second = new Chain(200);
    await server.start(second);
    expect(await Promise.all(queued.map((call) => call.promise))).toEqual(['a', 'b']);
    await sent.promise;
    await until(() => second.logs.length === 1, 'the notification sent while down to arrive');
    expect(second.logs).toEqual(['while down']);

    // The same subscriber sees the fresh result, then the new server's notifications.
    await until(() => events.length === 3, 'the result from the new server');
    expect(events[2]).toEqual({ kind: 'result', result: { height: 200 } });
    await server.pushHeight(201);
    await until(() => events.length === 4, 'a notification from the new server');
    expect(events[3]).toMatchObject({ kind: 'notification', args: [{ height: 201 }] });
    expect(ended).toBeUndefined();
    expect(second.count('headers.subscribe')).toBe(1);

    // The history: open, dropped, attempts numbered 1, 2, … with refusals between, open again on a new session.
    const history = log.since(down);
    const open = history.at(-1)!;
    expect(isOpen(open) && open.endpoint === url && open.session !== firstSession).toBe(true);
    expect(history[0]!.status).toBe('reconnecting');
    const attempts = history.filter((s) => s.status === 'connecting').map((s) => (s.status === 'connecting' ? s.attempt : 0));
    expect(attempts).toEqual(attempts.map((_, i) => i + 1));
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    const waits = history.filter(isReconnecting);
    expect(waits.map((s) => s.attempt)).toEqual(waits.map((_, i) => i + 1));
    for (const wait of waits) {
      expect(wait.endpoint).toBe(url);
      expect(wait.delay).toBeGreaterThanOrEqual(0);
      expect(wait.delay).toBeLessThanOrEqual(0.2);
    }
    for (const wait of waits.slice(1)) expect(wait.lastError).toMatchObject({ name: 'ConnectError', reason: 'refused' });
    expect(history.filter(isOpen)).toHaveLength(1);
  });

  it('fails a request in flight when the server goes away with ConnectionError, and does not repeat it on the new server', async () => {
    const first = new Chain(1);
    const server = await restartableServer(kind, first);
    const client = trackClient(connect$(kind.url(server.port), options()));

    const inFlight = watch(client.sendRequest('hang', [], { timeout: 10 }));
    await until(() => first.count('hang') === 1, 'the request to reach the server');
    await server.stop();
    const error = await rejectionOf(inFlight.promise);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).name).toBe('ConnectionError');

    const second = new Chain(2);
    await server.start(second);
    expect(await client.sendRequest('echo', ['after'])).toBe('after');
    expect(first.count('hang')).toBe(1);
    expect(second.count('hang')).toBe(0);
  });

  it('drops a silent connection (a ping that is never answered) and reconnects', async () => {
    const chain = new Chain(1, 'never');
    const server = await restartableServer(kind, chain);
    const client = trackClient(connect$(kind.url(server.port), options({ keepAlive: { method: 'server.ping', interval: 0.1 }, livenessTimeout: 0.3 })));
    const log = recordStates(client);

    const open = await stateWhere(client, isOpen);
    const dropped = await stateWhere(client, isReconnecting);
    expect(dropped.lastError).toBeInstanceOf(ConnectionError);
    expect((dropped.lastError as Error).message).toMatch(/nothing from the server for 0.3 s/);
    expect(chain.count('server.ping')).toBeGreaterThanOrEqual(1);

    const reopened = await stateWhere(client, isOpen);
    expect(reopened.session).not.toBe(open.session);
    expect(log.states.map((s) => s.status).slice(0, 3)).toEqual(['connecting', 'open', 'reconnecting']);
  });

  it('keeps a connection whose pings are answered: the same session throughout', async () => {
    const chain = new Chain(1, 'answer');
    const server = await restartableServer(kind, chain);
    // Liveness a little looser than above (a loaded machine may stall an answer), yet the test outlives it with room to spare.
    const client = trackClient(connect$(kind.url(server.port), options({ keepAlive: { method: 'server.ping', interval: 0.1 }, livenessTimeout: 0.5 })));
    const log = recordStates(client);

    const open = await stateWhere(client, isOpen);
    await until(() => chain.count('server.ping') >= 8, 'eight pings');
    // Read on the session's own clock: it lived longer than the liveness timeout, so only the answers kept it.
    expect(open.session.lastRecv - open.session.startTime).toBeGreaterThan(0.5);
    expect(client.state).toBe(open);
    expect(log.states.map((s) => s.status)).toEqual(['connecting', 'open']);
    expect(server.current!.sessions.size).toBe(1);
  });

  it('rotates to the next endpoint when the first refuses', async () => {
    const closed = kind.url(await freePort());
    const server = await restartableServer(kind, new Chain(7));
    const live = kind.url(server.port);
    const client = trackClient(connect$([closed, live], options()));
    const log = recordStates(client);

    const open = await stateWhere(client, isOpen);
    expect(open.endpoint).toBe(live);
    expect(await client.sendRequest('headers.subscribe')).toEqual({ height: 7 });
    expect(log.states[0]).toMatchObject({ status: 'connecting', attempt: 1, endpoint: closed });
    expect(log.states[1]).toMatchObject({ status: 'reconnecting', attempt: 2, endpoint: live });
    expect((log.states[1] as ReconnectingState).lastError).toMatchObject({ name: 'ConnectError', reason: 'refused' });
    expect(log.states[2]).toMatchObject({ status: 'connecting', attempt: 2, endpoint: live });
    expect(log.states[3]).toBe(open);
  });

  it('close() while reconnecting ends everything: closed, waiting calls rejected, no timers left', async () => {
    const server = await restartableServer(kind, new Chain(1));
    const scheduler = new CountingScheduler();
    const client = trackClient(connect$(kind.url(server.port), options({ scheduler })));
    const log = recordStates(client);
    const events: unknown[] = [];
    let subscriptionEnded = false;
    const subscription = client.subscription$('headers.subscribe').subscribe({
      next: (event) => events.push(event),
      complete: () => (subscriptionEnded = true),
    });
    defer(() => subscription.unsubscribe());
    await until(() => events.length === 1, 'the subscription result');

    await server.stop();
    await stateWhere(client, isReconnecting);
    const waiting = [
      watch(client.sendRequest('echo', ['x'], { timeout: 10 })),
      watch(client.sendNotification('log', ['y'], { timeout: 10 })),
    ];
    expect(scheduler.live()).toBeGreaterThanOrEqual(2); // their timeouts, and the backoff's
    await client.close();

    expect(client.state).toEqual({ status: 'closed' });
    expect(log.completed).toBe(true);
    expect(subscriptionEnded).toBe(true);
    for (const call of waiting) {
      const error = await rejectionOf(call.promise);
      expect(error).toBeInstanceOf(NotConnectedError);
      expect(error).toMatchObject({ name: 'NotConnectedError', reason: 'closed' });
    }
    expect(await rejectionOf(client.sendRequest('echo', ['late']))).toMatchObject({ reason: 'closed' });
    // Neither the backoff nor the calls' timeouts leave a timer behind.
    expect(scheduler.live()).toBe(0);
  });
});

describe('connect$ over TLS with a certificate the client does not trust', () => {
  it.each([
    ['tls', (port: number) => `tls://127.0.0.1:${port}`, (chain: Chain) => serveRs(factoryOf(chain), '127.0.0.1', 0, { tls: { key: certificate.key, cert: certificate.cert } })],
    ['wss', (port: number) => `wss://127.0.0.1:${port}`, (chain: Chain) => serveWs(factoryOf(chain), '127.0.0.1', 0, { tls: { key: certificate.key, cert: certificate.cert } })],
  ])('%s: gives up after one attempt with ConnectError "tls"; calls fail with NotConnectedError "closed"', async (_name, url, serve) => {
    const chain = new Chain(1);
    const server = trackServer(await serve(chain));
    const client = trackClient(connect$(url(server.address.port), FAST));
    const log = recordStates(client);
    const waiting = watch(client.sendRequest('echo', ['never sent']));

    const closed = await firstValueFrom(client.state$.pipe(filter((s) => s.status === 'closed')));
    expect(closed.lastError).toBeInstanceOf(ConnectError);
    expect(closed.lastError).toMatchObject({ name: 'ConnectError', reason: 'tls' });
    expect(log.states.filter((s) => s.status === 'connecting')).toHaveLength(1);
    expect(log.states.map((s) => s.status)).toEqual(['connecting', 'closed']);

    for (const promise of [waiting.promise, client.sendRequest('echo', ['after'])]) {
      const error = await rejectionOf(promise);
      expect(error).toBeInstanceOf(NotConnectedError);
      expect(error).toMatchObject({ reason: 'closed' });
      expect((error as NotConnectedError).cause).toBe(closed.lastError);
    }
    expect(chain.count('echo')).toBe(0);
  });
});


describe('connect$ through a proxy that never answers', () => {
  it('close() during the SOCKS handshake closes the connection to the proxy at once, not at connectTimeout', async () => {
    // A "proxy" that accepts and stays silent: the handshake hangs.
    const accepted: Socket[] = [];
    const closedSockets: Socket[] = [];
    const silent = createServer((socket) => {
      accepted.push(socket);
      socket.resume(); // reads (and drops) the greeting, so the client's end is seen
      socket.on('close', () => closedSockets.push(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    defer(async () => {
      for (const socket of accepted) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const proxy = new SOCKSProxy(`127.0.0.1:${(silent.address() as { port: number }).port}`, SOCKS5, null);
    const client = trackClient(connect$('tcp://127.0.0.1:50001', { ...FAST, proxy, connectTimeout: 30 }));

    await until(() => accepted.length === 1, 'the client to reach the proxy');
    await client.close();
    expect(client.state).toEqual({ status: 'closed' });
    await until(() => closedSockets.length === 1, 'the connection to the proxy to close', 3);
  });
});
