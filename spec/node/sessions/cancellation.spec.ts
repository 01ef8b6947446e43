/**
 * Wire cancellation over real loopback sockets: a client and a server that
 * both turn the `cancellation` option on; unsubscribing a request (or
 * aborting its signal) tears the server's handler down, and the session
 * goes on. Every server and session the tests start is closed.
 */
import { wireCancellation, RPCSession, TaskCancelledError, type RPCSessionConfig } from 'rxrpcx';
import { connectRs, serveRs, type SessionFactory } from 'rxrpcx/node';
import { closedOf, echoFactory, nextSession, rejectionOf, runCleanups, trackServer, trackSession, until } from './sessionHelpers';

afterEach(runCleanups);

/** Client sessions with these options. */
function clientFactory(config: RPCSessionConfig): SessionFactory<RPCSession> {
  return (transport, options) => new RPCSession(transport, { ...options, ...config });
}

/** A connected client and the server's session for it, with cancellation as given on each side. */
async function connected(serverConfig: RPCSessionConfig, clientConfig: RPCSessionConfig) {
  const server = trackServer(await serveRs(echoFactory(serverConfig), '127.0.0.1', 0));
  const accepted = nextSession(server);
  const client = trackSession(await connectRs('127.0.0.1', server.address.port, { sessionFactory: clientFactory(clientConfig) }));
  return { server, client, serverSide: trackSession(await accepted) };
}

describe('wire cancellation over TCP', () => {
  it('unsubscribing a request tears down the server handler, and no reply comes', async () => {
    const { client, serverSide } = await connected({ cancellation: wireCancellation() }, { cancellation: wireCancellation() });
    let replies = 0;
    const subscription = client.request('hang').subscribe({ next: () => (replies += 1), error: () => (replies += 1) });
    await until(() => serverSide.hanging === 1, 'the handler to start');
    subscription.unsubscribe();
    await until(() => serverSide.hangsCancelled === 1, 'the handler teardown');
    expect(serverSide.hanging).toBe(0);
    expect(serverSide.unansweredRequestCount()).toBe(0);
    // The session goes on; nothing was written for the cancelled request.
    expect(await client.sendRequest('echo', ['still here'])).toBe('still here');
    expect(serverSide.sendCount).toBe(1);
    expect(replies).toBe(0);
    expect([client.errors, serverSide.errors]).toEqual([0, 0]);

    await client.close();
    await closedOf(serverSide);
  });

  it('aborting sendRequest\'s signal rejects it with TaskCancelledError and tears down the server handler', async () => {
    const { client, serverSide } = await connected({ cancellation: wireCancellation() }, { cancellation: wireCancellation() });
    const controller = new AbortController();
    const answer = client.sendRequest('hang', [], { signal: controller.signal });
    await until(() => serverSide.hanging === 1, 'the handler to start');
    controller.abort();
    expect(await rejectionOf(answer)).toBeInstanceOf(TaskCancelledError);
    await until(() => serverSide.hangsCancelled === 1, 'the handler teardown');
    expect(serverSide.unansweredRequestCount()).toBe(0);

    await client.close();
    await closedOf(serverSide);
  });

  it('with the server off, the cancel is an ordinary (unknown) notification and the handler keeps running', async () => {
    const { client, serverSide } = await connected({}, { cancellation: wireCancellation() });
    const subscription = client.request('hang').subscribe({ error: () => undefined });
    await until(() => serverSide.hanging === 1, 'the handler to start');
    subscription.unsubscribe();
    // The cancel was written before this request, so it has been read once this is answered.
    expect(await client.sendRequest('echo', [1])).toBe(1);
    expect(serverSide.hanging).toBe(1);
    expect(serverSide.hangsCancelled).toBe(0);
    expect(serverSide.errors).toBe(1);

    await client.close();
    await closedOf(serverSide);
    expect(serverSide.hangsCancelled).toBe(1);
  });
});
