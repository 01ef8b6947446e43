/**
 * An RPCSession in headless Chromium, over the browser's own WebSocket,
 * against a serveWs server in this process (the Node-side twin is
 * spec/node/sessions/browser.spec.ts, which runs the same transport on `ws`).
 */
import { serveWs } from 'rxrpcx/node';
import type { Browser } from 'playwright-core';
import { closedOf, echoFactory, nextSession, runCleanups, trackServer, until } from '../node/sessions/sessionHelpers';
import { launchChromium, openPage, pageEntry } from './browserHarness';

let browser: Browser | undefined;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(runCleanups);

const sessionPage = pageEntry('sessionPage');

/** A serveWs server of EchoSessions, and the page connected to it. */
async function pageAgainstServer(scenario: string) {
  const server = trackServer(await serveWs(echoFactory(), '127.0.0.1', 0));
  const accepted = nextSession(server);
  const page = await openPage(browser!, sessionPage, { query: { ws: `ws://127.0.0.1:${server.address.port}/rpc`, scenario } });
  return { server, page, serverSide: await page.unlessPageFails(accepted) };
}

describe('RPCSession in Chromium over the native WebSocket', () => {
  it('calls, receives notifications, is called back and closes, against a serveWs server', async () => {
    const { server, page, serverSide } = await pageAgainstServer('roundtrip');
    expect(serverSide.remoteAddress()!.host).toBe('127.0.0.1');
    expect(await serverSide.sendRequest('name')).toBe('browser');
    await serverSide.sendNotification('bye');

    expect(await page.result()).toEqual({
      nativeWebSocket: true,
      userAgent: expect.stringContaining('HeadlessChrome/'),
      echoed: { nested: ['ü', 1] },
      subscribed: true,
      tickArgs: [[0], [1], [2]],
      nameCalls: 1,
    });
    await closedOf(serverSide);
    expect(server.sessions.size).toBe(0);
    expect(page.problems).toEqual([]);
  });

  it('ends a pending request with ConnectionError when the server closes the session', async () => {
    const { page, serverSide } = await pageAgainstServer('dropped');
    await until(() => serverSide.hanging === 1, 'the hang handler to run');
    await serverSide.close();

    expect(await page.result()).toMatchObject({
      nativeWebSocket: true,
      name: 'ConnectionError',
      code: 'RXRPCX_ERR_CONNECTION',
      isConnectionError: true,
    });
    expect(serverSide.hangsCancelled).toBe(1);
    expect(page.problems).toEqual([]);
  });
});
