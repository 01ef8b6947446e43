/**
 * A browser page with an RPCSession over the browser's own WebSocket, talking
 * to the test's serveWs server of EchoSessions (spec/node/sessions/sessionHelpers.ts).
 *
 * Query: `ws` — the server's URL; `scenario` —
 * - `roundtrip`: calls `echo`, subscribes and takes 3 `tick` notifications,
 *   answers the server's `name` call with 'browser', and closes once the
 *   server sends the notification `bye`;
 * - `dropped`: calls `hang` (never answered) and reports the error it ends
 *   with when the server closes the session.
 */
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { BrowserWebSocketTransport, ConnectionError, RPCSession, openBrowserWebSocket } from 'rxrpcx';
import { describeError, queryParam, report } from './pageKit';

report(async () => {
  const url = queryParam('ws');
  const scenario = queryParam('scenario');
  const transport = await openBrowserWebSocket(url, { timeout: 5 });
  let nameCalls = 0;
  const session = new RPCSession(transport, {
    handlers: {
      name: () => {
        nameCalls += 1;
        return 'browser';
      },
    },
  });
  const closed = firstValueFrom(session.closed$, { defaultValue: undefined });
  const environment = {
    nativeWebSocket: transport instanceof BrowserWebSocketTransport && typeof WebSocket === 'function',
    userAgent: navigator.userAgent,
  };

  if (scenario === 'roundtrip') {
    const notifications = (method: string) => session.notifications$.pipe(filter((n) => n.method === method));
    const bye = firstValueFrom(notifications('bye'));
    const echoed = await session.sendRequest('echo', [{ nested: ['ü', 1] }]);
    const ticks = firstValueFrom(notifications('tick').pipe(take(3), toArray()));
    const subscribed = await session.sendRequest('subscribe', [3]);
    const tickArgs = (await ticks).map((n) => n.args);
    await bye;
    await session.close();
    await closed;
    return { ...environment, echoed, subscribed, tickArgs, nameCalls };
  }

  if (scenario === 'dropped') {
    const error = await session.sendRequest('hang').then(
      (value) => {
        throw new Error(`hang answered ${JSON.stringify(value)}`);
      },
      (reason: unknown) => reason,
    );
    await closed;
    const { name, code, message } = describeError(error);
    return { ...environment, name, code, message, isConnectionError: error instanceof ConnectionError };
  }

  throw new Error(`unknown scenario ${scenario}`);
});
