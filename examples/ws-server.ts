/**
 * The echo-and-subscribe server over WebSocket (see echoAndSubscribe.ts):
 * one JSON-RPC message per frame, any path.
 *
 *   npm run example:ws-server             # listens on ws://127.0.0.1:50003
 *   npm run example:ws-server -- 0        # any free port
 *
 * Ctrl-C (or SIGTERM) stops it, closing every live session.
 */
import { serveWs } from 'rxrpcx/node';
import { echoAndSubscribeFactory, portArgument, run } from './echoAndSubscribe';

run(async () => {
  const port = portArgument(process.argv[2], 50003);
  const host = process.argv[3] ?? '127.0.0.1';
  // pingInterval: a client that stops answering pings for 30 s is closed.
  const server = await serveWs(echoAndSubscribeFactory, host, port, { pingInterval: 30 });
  server.sessions$.subscribe((session) => {
    const peer = session.remoteAddress()?.toString() ?? 'an unknown peer';
    console.log(`+ session from ${peer}`);
    session.closed$.subscribe(() => console.log(`- session from ${peer} closed`));
  });
  console.log(`echo-and-subscribe server listening on ws://${server.address.toString()} (WebSocket); Ctrl-C stops it`);

  const stop = (): void => {
    console.log('stopping');
    server.close({ closeSessions: true, forceAfter: 2 }).then(
      () => console.log('stopped'),
      (error: unknown) => console.error('stopping failed:', error),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});
