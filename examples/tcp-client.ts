/**
 * The echo-and-subscribe client over TCP: calls `echo`, subscribes, prints
 * three `counter` notifications and closes (see echoAndSubscribe.ts).
 *
 *   npm run example:tcp-client                      # 127.0.0.1:50001
 *   npm run example:tcp-client -- 127.0.0.1 50001
 */
import { connectRs } from 'rxrpcx/node';
import { portArgument, run, talk } from './echoAndSubscribe';

run(async () => {
  const host = process.argv[2] ?? '127.0.0.1';
  const port = portArgument(process.argv[3], 50001);
  const session = await connectRs(host, port, { timeout: 10 });
  console.log(`connected to ${session.remoteAddress()?.toString() ?? `${host}:${port}`}`);
  await talk(session);
});
