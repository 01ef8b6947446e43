import { firstValueFrom } from 'rxjs';
import {
  Batch,
  ConnectionError,
  IncomingRequest,
  JSONRPC,
  JSONRPCAutoDetect,
  JSONRPCConnection,
  JSONRPCLoose,
  JSONRPCv1,
  JSONRPCv2,
  ProtocolError,
  Request,
  RPCError,
  type JSONRPCProtocol,
} from 'rxrpcx';
import { forgetRequest, sendRequestText, type ResponseReceiver } from '../../lib/jsonrpc/connectionInternals';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);

/** A callback that records every call. */
function recorder() {
  const calls: Array<{ error: Error | undefined; result: unknown; args: number }> = [];
  const callback: ResponseReceiver = {
    deliver: (...args: [Error | undefined, unknown?]) =>
      void calls.push({ error: args[0], result: args[1], args: args.length }),
  };
  return { calls, callback };
}

/** The peer: answers every request in `message` with `answer(request)` and returns the reply bytes. */
function serve(server: JSONRPCConnection, message: string | Uint8Array, answer: (request: IncomingRequest) => unknown): Uint8Array[] {
  const replies: Uint8Array[] = [];
  for (const item of server.receiveMessage(typeof message === 'string' ? bytes(message) : message).items) {
    if (!(item instanceof IncomingRequest)) continue;
    const reply = item.reply(answer(item));
    if (reply) replies.push(reply);
  }
  return replies;
}

const PROTOCOLS: ReadonlyArray<readonly [string, JSONRPCProtocol]> = [
  ['JSONRPCv1', JSONRPCv1],
  ['JSONRPCv2', JSONRPCv2],
  ['JSONRPCLoose', JSONRPCLoose],
  ['JSONRPCAutoDetect', JSONRPCAutoDetect],
];

describe('JSONRPCConnection.sendRequestCallback', () => {
  describe.each(PROTOCOLS)('under %s', (_name, protocol) => {
    it('returns the request message as text, equal to the decoded requestMessage, and its id', () => {
      const client = new JSONRPCConnection(protocol);
      const request = new Request('sum', [1, 'é€😀', { nested: [null, true] }]);
      const { callback } = recorder();
      const [message, id] = sendRequestText(client, request, callback);
      expect(typeof message).toBe('string');
      expect(id).toBe(0);
      expect(message).toBe(decoder.decode(protocol.requestMessage(request, id)));
    });

    it('calls back with the result, exactly once, with no error', () => {
      const client = new JSONRPCConnection(protocol);
      const server = new JSONRPCConnection(protocol);
      const { calls, callback } = recorder();
      const [message] = sendRequestText(client, new Request('add', [2, 3]), callback);
      const replies = serve(server, message, (r) => (r.args as number[]).reduce((a, b) => a + b, 0));
      expect(replies).toHaveLength(1);
      for (const reply of replies) expect(client.receiveMessage(reply).items).toEqual([]);
      expect(calls).toEqual([{ error: undefined, result: 5, args: 2 }]);
      expect(client.pendingRequests()).toEqual([]);
    });

    it('calls back with the RPCError of an error response', () => {
      const client = new JSONRPCConnection(protocol);
      const server = new JSONRPCConnection(protocol);
      const { calls, callback } = recorder();
      const [message] = sendRequestText(client, new Request('nope', []), callback);
      for (const reply of serve(server, message, () => new RPCError(JSONRPC.METHOD_NOT_FOUND, 'unknown method "nope"'))) {
        client.receiveMessage(reply);
      }
      expect(calls).toHaveLength(1);
      const error = calls[0]?.error;
      expect(error).toBeInstanceOf(RPCError);
      expect(error).toMatchObject({ code: JSONRPC.METHOD_NOT_FOUND, message: 'unknown method "nope"' });
    });
  });

  it('calls back with the ProtocolError of a malformed response carrying its id', () => {
    const client = new JSONRPCConnection(JSONRPCv2);
    const { calls, callback } = recorder();
    sendRequestText(client, new Request('a'), callback);
    expect(client.receiveMessage(bytes('{"jsonrpc":"2.0","error":"bad","id":0}')).items).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.error).toBeInstanceOf(ProtocolError);
    expect(client.pendingRequests()).toEqual([]);
  });

  it('calls back once only: a duplicate reply is a response to an unsent request', () => {
    const client = new JSONRPCConnection(JSONRPCv2);
    const { calls, callback } = recorder();
    sendRequestText(client, new Request('a'), callback);
    client.receiveMessage(bytes('{"jsonrpc":"2.0","result":1,"id":0}'));
    expect(client.receiveMessage(bytes('{"jsonrpc":"2.0","result":2,"id":0}')).errors).toEqual([expect.any(ProtocolError)]);
    expect(calls).toEqual([{ error: undefined, result: 1, args: 2 }]);
  });

  it('cancelPendingRequests calls back with a ConnectionError, once', () => {
    const client = new JSONRPCConnection(JSONRPCv2);
    const first = recorder();
    const second = recorder();
    sendRequestText(client, new Request('a'), first.callback);
    sendRequestText(client, new Request('b'), second.callback);
    client.cancelPendingRequests();
    client.cancelPendingRequests();
    for (const { calls } of [first, second]) {
      expect(calls).toHaveLength(1);
      expect(calls[0]?.error).toBeInstanceOf(ConnectionError);
    }
    expect(client.pendingRequests()).toEqual([]);
    expect(forgetRequest(client, 0)).toBe(false);
    // The reply that comes anyway is to a request no longer sent.
    expect(client.receiveMessage(bytes('{"jsonrpc":"2.0","result":1,"id":0}')).errors).toEqual([expect.any(ProtocolError)]);
    expect(first.calls).toHaveLength(1);
  });

  it('pendingRequests lists the request, in order with Observable requests, until answered', () => {
    const client = new JSONRPCConnection(JSONRPCv2);
    const a = new Request('a');
    const b = new Request('b');
    const c = new Request('c');
    const { callback } = recorder();
    sendRequestText(client, a, callback);
    const [, response$] = client.sendRequest(b);
    const seen = firstValueFrom(response$);
    sendRequestText(client, c, callback);
    expect(client.pendingRequests()).toEqual([a, b, c]);
    expect(client.pendingRequests()[0]).toBe(a);
    client.receiveMessage(bytes('{"jsonrpc":"2.0","result":"C","id":2}'));
    expect(client.pendingRequests()).toEqual([a, b]);
    client.receiveMessage(bytes('{"jsonrpc":"2.0","result":"B","id":1}'));
    client.receiveMessage(bytes('{"jsonrpc":"2.0","result":"A","id":0}'));
    expect(client.pendingRequests()).toEqual([]);
    return expect(seen).resolves.toBe('B');
  });

  it('shares increasing ids with sendRequest and sendBatch', () => {
    const client = new JSONRPCConnection(JSONRPCv2);
    const { callback } = recorder();
    const idOf = (message: Uint8Array | string): unknown =>
      (JSON.parse(typeof message === 'string' ? message : decoder.decode(message)) as { id: unknown }).id;
    const [m0] = client.sendRequest(new Request('a'));
    const [m1, id1] = sendRequestText(client, new Request('b'), callback);
    const [m2] = client.sendRequest(new Request('c'));
    const [m3, id3] = sendRequestText(client, new Request('d'), callback);
    const [batch] = client.sendBatch(new Batch([new Request('e'), new Request('f')]));
    const [m6, id6] = sendRequestText(client, new Request('g'), callback);
    expect([idOf(m0), idOf(m1), idOf(m2), idOf(m3)]).toEqual([0, 1, 2, 3]);
    expect((JSON.parse(decoder.decode(batch)) as Array<{ id: unknown }>).map((m) => m.id)).toEqual([4, 5]);
    expect([id1, id3, id6, idOf(m6)]).toEqual([1, 3, 6, 6]);
  });

  it('uses up an id even when the protocol cannot express the request (named arguments under 1.0)', () => {
    const client = new JSONRPCConnection(JSONRPCv1);
    const { calls, callback } = recorder();
    expect(() => sendRequestText(client, new Request('named', { a: 1 }), callback)).toThrow(ProtocolError);
    expect(client.pendingRequests()).toEqual([]);
    const [, id] = sendRequestText(client, new Request('positional', [1]), callback);
    expect(id).toBe(1);
    expect(calls).toEqual([]);
  });

  it('throws ProtocolError INTERNAL_ERROR for arguments with no JSON form, and registers nothing', () => {
    const client = new JSONRPCConnection(JSONRPCv2);
    const { callback } = recorder();
    let thrown: unknown;
    try {
      sendRequestText(client, new Request('big', [10n]), callback);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProtocolError);
    expect(thrown).toMatchObject({ code: JSONRPC.INTERNAL_ERROR });
    expect(client.pendingRequests()).toEqual([]);
  });

  describe('forgetRequest', () => {
    it('stops waiting: true, no callback, the late reply dropped silently; a second forget is false', () => {
      const client = new JSONRPCConnection(JSONRPCv2);
      const server = new JSONRPCConnection(JSONRPCv2);
      const { calls, callback } = recorder();
      const [message, id] = sendRequestText(client, new Request('slow'), callback);
      expect(client.pendingRequests()).toHaveLength(1);
      expect(forgetRequest(client, id)).toBe(true);
      expect(client.pendingRequests()).toEqual([]);
      expect(forgetRequest(client, id)).toBe(false);
      const [reply] = serve(server, message, () => 'late');
      expect(reply).toBeDefined();
      expect(client.receiveMessage(reply as Uint8Array).items).toEqual([]);
      expect(calls).toEqual([]);
    });

    it('drops a late error reply silently too', () => {
      const client = new JSONRPCConnection(JSONRPCv2);
      const { calls, callback } = recorder();
      const [, id] = sendRequestText(client, new Request('slow'), callback);
      forgetRequest(client, id);
      expect(client.receiveMessage(bytes('{"jsonrpc":"2.0","error":{"code":-102,"message":"busy"},"id":0}')).items).toEqual([]);
      expect(calls).toEqual([]);
    });

    it('is false for an answered request, an unknown id, and after cancelPendingRequests', () => {
      const client = new JSONRPCConnection(JSONRPCv2);
      const { callback } = recorder();
      const [, answered] = sendRequestText(client, new Request('a'), callback);
      client.receiveMessage(bytes('{"jsonrpc":"2.0","result":1,"id":0}'));
      expect(forgetRequest(client, answered)).toBe(false);
      expect(forgetRequest(client, 42)).toBe(false);
      const [, cancelled] = sendRequestText(client, new Request('b'), callback);
      client.cancelPendingRequests();
      expect(forgetRequest(client, cancelled)).toBe(false);
    });

    it('leaves the other requests waiting', () => {
      const client = new JSONRPCConnection(JSONRPCv2);
      const first = recorder();
      const second = recorder();
      const [, a] = sendRequestText(client, new Request('a'), first.callback);
      sendRequestText(client, new Request('b'), second.callback);
      forgetRequest(client, a);
      client.receiveMessage(bytes('{"jsonrpc":"2.0","result":"A","id":0}'));
      client.receiveMessage(bytes('{"jsonrpc":"2.0","result":"B","id":1}'));
      expect(first.calls).toEqual([]);
      expect(second.calls).toEqual([{ error: undefined, result: 'B', args: 2 }]);
    });

    it('forgets a bounded number of requests: a long-lived connection does not grow', () => {
      const client = new JSONRPCConnection(JSONRPCv2);
      const { calls, callback } = recorder();
      for (let i = 0; i < 5000; i++) {
        const [, id] = sendRequestText(client, new Request('x'), callback);
        forgetRequest(client, id);
      }
      // The newest forgotten ones are still recognised and dropped quietly.
      expect(client.receiveMessage(bytes('{"jsonrpc":"2.0","result":1,"id":4999}')).items).toEqual([]);
      expect(calls).toEqual([]);
      expect(client.pendingRequests()).toEqual([]);
    });
  });
});
