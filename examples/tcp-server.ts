/**
 * The echo-and-subscribe server over TCP (see echoAndSubscribe.ts).
 *
 *   npm run example:tcp-server            # listens on 127.0.0.1:50001
 *   npm run example:tcp-server -- 0       # any free port
 *   npm run example:tcp-server -- 50001 0.0.0.0
 *
 * Ctrl-C (or SIGTERM) stops it, closing every live session.
 */
import { serveRs } from 'rxrpcx/node';
import { echoAndSubscribeFactory, portArgument, run } from './echoAndSubscribe';

run(async () => {
  const port = portArgument(process.argv[2], 50001);
  const host = process.argv[3] ?? '127.0.0.1';
  const server = await serveRs(echoAndSubscribeFactory, host, port);
  server.sessions$.subscribe((session) => {
    const peer = session.remoteAddress()?.toString() ?? 'an unknown peer';
    console.log(`+ session from ${peer}`);
    session.closed$.subscribe(() => console.log(`- session from ${peer} closed`));
  });
  console.log(`echo-and-subscribe server listening on ${server.address.toString()} (TCP); Ctrl-C stops it`);

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
