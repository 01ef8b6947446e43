/**
 * The demo: `npm run demo`.
 *
 * 1. The framers and the JSON-RPC codec on sample bytes, with no I/O.
 * 2. A real server on an ephemeral loopback port and a client against it,
 *    over TCP: requests both ways, a batch, a notification, errors, and the
 *    statistics.
 * 3. The same over WebSocket.
 * 4. A `connect$` client across a server restart: its state, a queued
 *    request answered by the new server, a subscription that continues.
 */
import { filter, firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import {
  BatchRequest,
  BitcoinFramer,
  JSONRPCConnection,
  JSONRPCv2,
  NewlineFramer,
  RPCError,
  RPCSession,
  Request,
  defineHandler,
  type Transport,
} from 'rxrpcx';
import { connect$, connectRs, connectWs, serveRs, serveWs, type SessionFactoryOptions } from 'rxrpcx/node';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

async function framingAndCodec(): Promise<void> {
  console.log('— framing and codec, no I/O —');
  const client = new JSONRPCConnection(JSONRPCv2);
  const [request, response$] = client.sendRequest(new Request('blockchain.headers.subscribe', []));
  const newline = new NewlineFramer();
  const wire = newline.frame(request);
  console.log('request on the wire:', JSON.stringify(text(wire)));

  // The same bytes, split awkwardly, come back as one message.
  const chunks = [wire.subarray(0, 7), wire.subarray(7, 30), wire.subarray(30)];
  const messages = await lastValueFrom(from(chunks).pipe(newline.messages(), toArray()));
  const server = new JSONRPCConnection(JSONRPCv2);
  const [incoming] = server.receiveMessage(messages[0]!).items;
  const reply = incoming && 'reply' in incoming ? incoming.reply({ height: 820000 }) : undefined;
  console.log('server saw:', incoming?.method, '→ replies', reply && text(reply));

  response$.subscribe((result) => console.log('client got:', result));
  client.receiveMessage(reply!);

  const bitcoin = new BitcoinFramer();
  const ping = bitcoin.frame({ command: 'ping', payload: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) });
  console.log('bitcoin ping frame:', hex(ping));
}

/** The demo server's session: a method table, and it can call the client back. */
function serverSession(transport: Transport, options: SessionFactoryOptions): RPCSession {
  const session: RPCSession = new RPCSession(transport, {
    ...options,
    handlers: {
      'server.version': (name: string) => [`rxrpcx demo (client ${name})`, '1.4'],
      add: defineHandler((a: number, b: number) => a + b, { params: ['a', 'b'] }),
      refuse: () => {
        throw new RPCError(1, 'not today');
      },
      whoami: async () => `you are ${await session.sendRequest<string>('client.name')}`,
    },
  });
  session.notifications$.subscribe((n) => console.log('  server notified:', n.method, JSON.stringify(n.args)));
  return session;
}

async function talk(client: RPCSession): Promise<void> {
  console.log('  server.version →', await client.sendRequest('server.version', ['demo']));
  console.log('  add(2, 3) →', await client.sendRequest('add', { a: 2, b: 3 }));
  console.log('  whoami (the server asks the client back) →', await client.sendRequest('whoami'));
  await client.sendRequest('refuse').catch((e: RPCError) => console.log('  refuse →', e.name, e.code, e.message));
  await client.sendRequest('add', [1]).catch((e: RPCError) => console.log('  add(1) →', e.code, e.message));
  const batch = new BatchRequest(client);
  batch.addRequest('add', [1, 2]).addNotification('log', ['batched']).addRequest('add', [3, 4]);
  console.log('  batch →', await batch.send());
}

const clientHandlers = { 'client.name': () => 'demo-client' };

async function overTcp(): Promise<void> {
  const server = await serveRs(serverSession, '127.0.0.1', 0);
  console.log(`\n— TCP: server on ${server.address.toString()} —`);
  const client = await connectRs('127.0.0.1', server.address.port, {
    sessionFactory: (transport, options) => new RPCSession(transport, { ...options, handlers: clientHandlers }),
  });
  await talk(client);
  const [serverSide] = server.sessions;
  await client.close();
  const stats = serverSide!.stats();
  console.log(`  server stats: ${stats.recvCount} messages in, ${stats.sendCount} out, ${stats.errors} errors, cost ${stats.cost.toFixed(1)}`);
  await server.close({ closeSessions: true });
}

async function overWebSocket(): Promise<void> {
  const server = await serveWs(serverSession, '127.0.0.1', 0);
  const url = `ws://${server.address.toString()}`;
  console.log(`\n— WebSocket: server on ${url} —`);
  const client = await connectWs(url, {
    sessionFactory: (transport, options) => new RPCSession(transport, { ...options, handlers: clientHandlers }),
  });
  await talk(client);
  await client.close();
  await server.close({ closeSessions: true });
}

/** A server with a chain tip that moves: `tip.subscribe` answers it and pushes each new one. */
async function tipServer(port: number, tip: { height: number }) {
  const server = await serveRs(
    (transport, options) =>
      new RPCSession(transport, { ...options, handlers: { 'tip.subscribe': () => tip.height, echo: (x: unknown) => x } }),
    '127.0.0.1',
    port,
  );
  const timer = setInterval(() => {
    tip.height += 1;
    for (const session of server.sessions) session.sendNotification('tip.subscribe', [tip.height]).catch(() => undefined);
  }, 100);
  return { server, stop: async () => (clearInterval(timer), server.close({ closeSessions: true })) };
}

async function acrossARestart(): Promise<void> {
  const tip = { height: 820_000 };
  let running = await tipServer(0, tip);
  const port = running.server.address.port;
  console.log(`\n— connect$: a client across a server restart (tcp://127.0.0.1:${port}) —`);
  const client = connect$(`tcp://127.0.0.1:${port}`, { reconnect: { initialDelay: 0.2, maxDelay: 1 } });
  const stateLog = client.state$.subscribe((s) =>
    console.log(`  state: ${s.status}${s.status === 'reconnecting' ? ` (attempt ${s.attempt}, in ${s.delay.toFixed(2)} s)` : ''}`),
  );
  const tips = client.subscription$('tip.subscribe').subscribe((e) => console.log(`  tip: ${e.kind === 'result' ? `${e.result} (subscribed)` : e.args[0]}`));
  await firstValueFrom(client.subscription$('tip.subscribe').pipe(filter((e) => e.kind === 'notification')));
  await running.stop();
  const queued = client.sendRequest('echo', ['asked while the server was down']);
  await new Promise((resolve) => setTimeout(resolve, 300));
  running = await tipServer(port, tip);
  console.log('  queued request →', await queued);
  await firstValueFrom(client.subscription$('tip.subscribe').pipe(filter((e) => e.kind === 'notification')));
  tips.unsubscribe();
  await client.close();
  stateLog.unsubscribe();
  await running.stop();
}

async function main(): Promise<void> {
  await framingAndCodec();
  await overTcp();
  await overWebSocket();
  await acrossARestart();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
