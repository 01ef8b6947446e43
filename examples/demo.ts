/**
 * The demo: `npm run demo`.
 *
 * 1. The framers and the JSON-RPC codec on sample bytes, with no I/O.
 * 2. Two sessions talking over an in-memory connection: requests both ways,
 *    a batch, a notification, an error, and the statistics.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import {
  BitcoinFramer,
  JSONRPCConnection,
  JSONRPCv2,
  NewlineFramer,
  RPCError,
  RPCSession,
  Request,
  defineHandler,
  memoryTransportPair,
} from 'rxrpcx';

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
  const [incoming] = server.receiveMessage(messages[0]!);
  const reply = incoming && 'reply' in incoming ? incoming.reply({ height: 820000 }) : undefined;
  console.log('server saw:', incoming?.method, '→ replies', reply && text(reply));

  response$.subscribe((result) => console.log('client got:', result));
  client.receiveMessage(reply!);

  const bitcoin = new BitcoinFramer();
  const ping = bitcoin.frame({ command: 'ping', payload: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) });
  console.log('bitcoin ping frame:', hex(ping));
}

async function sessions(): Promise<void> {
  console.log('\n— two sessions over an in-memory connection —');
  const [clientEnd, serverEnd] = memoryTransportPair();
  const server = new RPCSession(serverEnd, {
    handlers: {
      'server.version': (name: string) => [`rxrpcx demo (client ${name})`, '1.4'],
      add: defineHandler((a: number, b: number) => a + b, { params: ['a', 'b'] }),
      refuse: () => {
        throw new RPCError(1, 'not today');
      },
    },
  });
  const client = new RPCSession(clientEnd, { handlers: { 'client.name': () => 'demo-client' } });
  server.notifications$.subscribe((n) => console.log('server notified:', n.method, JSON.stringify(n.args)));

  console.log('server.version →', await client.sendRequest('server.version', ['demo']));
  console.log('add(2, 3) →', await client.sendRequest('add', { a: 2, b: 3 }));
  console.log('server asks the client its name →', await server.sendRequest('client.name'));
  await client.sendRequest('refuse').catch((e: RPCError) => console.log('refuse →', e.name, e.code, e.message));
  await client.sendRequest('add', [1]).catch((e: RPCError) => console.log('add(1) →', e.code, e.message));

  const batch = client.sendBatch();
  batch.addRequest('add', [1, 2]).addNotification('log', ['batched']).addRequest('add', [3, 4]);
  console.log('batch →', await batch.send());

  await client.close();
  const stats = server.stats();
  console.log(`server stats: ${stats.recvCount} messages in, ${stats.sendCount} out, ${stats.errors} errors, cost ${stats.cost.toFixed(1)}`);
}

async function main(): Promise<void> {
  await framingAndCodec();
  await sessions();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
