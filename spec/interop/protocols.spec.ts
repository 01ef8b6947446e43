/**
 * JSON-RPC 1.0, 2.0, loose and auto-detecting peers, in every combination,
 * over TCP and WebSocket.
 *
 * For each client protocol × server protocol, one script runs between
 * aiorpcX and itself; the same script between an rxrpcx client and an aiorpcX
 * server, and between an aiorpcX client and an rxrpcx server, must give the
 * same transcript — including where the two protocols cannot understand each
 * other.
 */
import { PythonPeer } from './helpers/PythonPeer';
import { RxPeer } from './helpers/RxPeer';
import type { Outcome, Peer, ProtocolName, Wire } from './helpers/Peer';

const PROTOCOLS: readonly ProtocolName[] = ['v1', 'v2', 'loose', 'auto'];
const WIRES: readonly Wire[] = ['tcp', 'ws'];

let py: PythonPeer;
let rx: RxPeer;

beforeAll(async () => {
  rx = new RxPeer();
  py = await PythonPeer.start();
});

afterAll(async () => {
  await rx?.shutdown();
  await py?.shutdown();
});

/** Runs the script; everything either side can observe goes into the transcript. */
async function transcript(
  client: Peer,
  server: Peer,
  wire: Wire,
  clientProtocol: ProtocolName,
  serverProtocol: ProtocolName,
): Promise<Record<string, unknown>> {
  const { server: name, port } = await server.serve(wire, { protocol: serverProtocol });
  try {
    // A request nobody can answer fails in 0.5 s rather than the default 30.
    const c = await client.connect(wire, port, { protocol: clientProtocol, settings: { sent_request_timeout: 0.5 } });
    const { session: s = '' } = await server.events.waitFor({ event: 'session', server: name });
    const steps: Array<[string, Outcome]> = [];
    const step = async (label: string, outcome: Promise<Outcome>): Promise<void> => {
      steps.push([label, await outcome]);
    };
    await step('ping', client.request(c, 'ping'));
    await step('echo', client.request(c, 'echo', [['x', 1, null]]));
    await step('named', client.request(c, 'add', { a: 1, b: 2 }));
    await step('error', client.request(c, 'fail', [3, 'three']));
    await step('unknown', client.request(c, 'nope'));
    await step('notify', client.notify(c, 'note', ['n']));
    await step('batch', client.batch(c, [{ method: 'add', args: [1, 2] }, { method: 'note', args: ['b'], notification: true }]));
    await step('call_back', client.request(c, 'call_back', ['echo', ['back']]));
    await step('server request', server.request(s, 'echo', ['pushed']));
    await step('after', client.request(c, 'ping'));
    const serverState = await server.state(s);
    const clientState = await client.state(c);
    await client.close(c);
    return {
      steps,
      serverProtocol: serverState.protocol,
      serverNotifications: serverState.notifications,
      clientProtocol: clientState.protocol,
      clientNotifications: clientState.notifications,
    };
  } finally {
    await server.stop(name);
  }
}

const PAIRS = PROTOCOLS.flatMap((clientProtocol) => PROTOCOLS.map((serverProtocol) => [clientProtocol, serverProtocol] as const));

describe.each(WIRES)('over %s', (wire) => {
  test.each(PAIRS)('a %s client and a %s server: rxrpcx on either side gives the reference transcript', async (clientProtocol, serverProtocol) => {
    const reference = await transcript(py, py, wire, clientProtocol, serverProtocol);
    const rxClient = await transcript(rx, py, wire, clientProtocol, serverProtocol);
    const rxServer = await transcript(py, rx, wire, clientProtocol, serverProtocol);
    expect(rxClient).toEqual(reference);
    expect(rxServer).toEqual(reference);
    // Peers that share a protocol understand each other completely. (Not a
    // JSON-RPC 1.0 client and an auto-detecting server: 1.0 requests carry no
    // "jsonrpc" member, so the server detects loose JSON-RPC and answers in
    // 2.0 form, which a 1.0 client refuses — in the reference as in rxrpcx.)
    if (clientProtocol === serverProtocol || (serverProtocol === 'auto' && clientProtocol !== 'v1')) {
      expect(Object.fromEntries(reference.steps as Array<[string, Outcome]>)).toMatchObject({
        ping: { result: 'pong' },
        error: { error: { code: 3, message: 'three' } },
        call_back: { result: 'back' },
        'server request': { result: 'pushed' },
      });
    }
  });
});
