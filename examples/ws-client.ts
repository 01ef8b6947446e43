/**
 * The echo-and-subscribe client over WebSocket: calls `echo`, subscribes,
 * prints three `counter` notifications and closes (see echoAndSubscribe.ts).
 *
 *   npm run example:ws-client                              # ws://127.0.0.1:50003
 *   npm run example:ws-client -- ws://127.0.0.1:50003/
 *
 * In a browser the same conversation runs over `openBrowserWebSocket(url)`
 * from 'rxrpcx' and `new RPCSession(transport)`.
 */
import { connectWs } from 'rxrpcx/node';
import { run, talk } from './echoAndSubscribe';

run(async () => {
  const url = process.argv[2] ?? 'ws://127.0.0.1:50003';
  const session = await connectWs(url, { timeout: 10 });
  console.log(`connected to ${url}`);
  await talk(session);
});
