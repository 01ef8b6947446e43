/**
 * Where a session's framer comes from when none is given: the transport's
 * `defaultFramer()`, whole messages on a transport with message boundaries,
 * and a clear TypeError for a byte stream with neither. Also: the signature
 * plain handler functions get, written out in the session so that bundles
 * without defineHandler leave it out.
 */
import { NewlineFramer, RPCSession, defineHandler, memoryTransportPair, type Transport } from 'rxrpcx';
import { REST_SIGNATURE } from '../../lib/session/sessionInternals';

describe('the default framer', () => {
  it('is the byte-stream transport’s own NewlineFramer', async () => {
    const [a, b] = memoryTransportPair();
    const session = new RPCSession(a);
    expect(session.framer).toBeInstanceOf(NewlineFramer);
    await session.close();
    await b.close();
  });

  it('is none (whole messages) on a transport with message boundaries', async () => {
    const [a, b] = memoryTransportPair({ messageBoundaries: true });
    const session = new RPCSession(a);
    expect(session.framer).not.toBeInstanceOf(NewlineFramer);
    await session.close();
    await b.close();
  });

  it('is refused with a TypeError for a byte stream that names none', async () => {
    const [a, b] = memoryTransportPair();
    // The pair's transport, minus its defaultFramer (state still lives on `a`).
    const bare: Transport = new Proxy(a, { get: (target, key) => (key === 'defaultFramer' ? undefined : Reflect.get(target, key)) });
    expect(() => new RPCSession(bare)).toThrow(new TypeError('a byte-stream transport needs a framer: pass the framer option (e.g. new NewlineFramer()), or give the transport defaultFramer()'));
    const given = new RPCSession(bare, { framer: new NewlineFramer() });
    expect(given.framer).toBeInstanceOf(NewlineFramer);
    await given.close();
    await b.close();
  });
});

describe('plain functions in a method table', () => {
  it('get exactly the signature defineHandler gives a rest-argument function', () => {
    expect(REST_SIGNATURE).toEqual(defineHandler((..._args: unknown[]) => undefined, { params: ['...args'] }).info);
  });
});
