/**
 * Over TCP a session hands its newline-framed JSON text to the socket as a
 * string (the socket encodes it), and still counts UTF-8 bytes exactly.
 */
import { RPCSession, memoryTransportPair } from 'rxrpcx';
import { SocketTransport, connectRs, serveRs } from 'rxrpcx/node';
import { textWriting } from '../../../lib/transport/transportInternals';
import { nextSession, runCleanups, trackServer, trackSession } from './sessionHelpers';

afterEach(runCleanups);

const utf8Length = (text: string): number => new TextEncoder().encode(text).length;

describe('text writes over TCP', () => {
  it('a socket transport takes text and counts its UTF-8 bytes; a memory transport does not', async () => {
    const server = trackServer(await serveRs((t, o) => new RPCSession(t, { ...o, handlers: { echo: (s: string) => s } }), '127.0.0.1', 0));
    const client = trackSession(await connectRs('127.0.0.1', server.address.port));
    const count = textWriting(client.transport);
    expect(client.transport).toBeInstanceOf(SocketTransport);
    expect(count).toBeDefined();
    expect(count?.('h€llo 𝄞')).toBe(utf8Length('h€llo 𝄞'));
    expect(textWriting(memoryTransportPair()[0])).toBeUndefined();
  });

  it('sends non-ASCII text intact, and sendSize counts the unframed UTF-8 bytes of each message', async () => {
    const server = trackServer(await serveRs((t, o) => new RPCSession(t, { ...o, handlers: { echo: (s: string) => s } }), '127.0.0.1', 0));
    const accepted = nextSession(server);
    const client = trackSession(await connectRs('127.0.0.1', server.address.port));
    const text = 'naïve €5 — 𝄞 ' + 'x'.repeat(50);
    const replies = await Promise.all([client.sendRequest('echo', [text]), client.sendRequest('echo', [text + '!'])]);
    expect(replies).toEqual([text, text + '!']);
    const request0 = JSON.stringify({ jsonrpc: '2.0', method: 'echo', id: 0, params: [text] });
    const request1 = JSON.stringify({ jsonrpc: '2.0', method: 'echo', id: 1, params: [text + '!'] });
    expect(client.sendCount).toBe(2);
    expect(client.sendSize).toBe(utf8Length(request0) + utf8Length(request1));
    const serverSide = await accepted;
    const reply0 = JSON.stringify({ jsonrpc: '2.0', result: text, id: 0 });
    const reply1 = JSON.stringify({ jsonrpc: '2.0', result: text + '!', id: 1 });
    expect(serverSide.sendSize).toBe(utf8Length(reply0) + utf8Length(reply1));
    // What the server read is what the client wrote, framed.
    expect(serverSide.recvSize).toBe(client.sendSize + 2);
  });
});
