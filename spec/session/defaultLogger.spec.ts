/**
 * Issue 13: a handler's exception is answered -32603 and logged at `warn`
 * with the peer's address — once per message, a batch's failures in one line
 * — by the default logger, which `setDefaultLogger` sets for every session
 * made afterwards without a `logger` of its own. (The suite's setup file sets
 * it to quietLogger; each spec here sets it and puts it back.)
 */
import { NEVER, map } from 'rxjs';
import { JSONRPC, NetAddress, RPCSession, consoleLogger, memoryTransportPair, quietLogger, setDefaultLogger, type SessionLogger } from 'rxrpcx';
import { batch, capturingLogger, err, ok, rawPeer, req, testScheduler } from './sessionTestKit';

const CLIENT = new NetAddress('192.0.2.7', 50123);
const addresses = [new NetAddress('192.0.2.1', 50001), CLIENT] as const;

const handlers = {
  boom: (): never => {
    throw new Error('boom');
  },
  fine: () => 'fine',
  never: () => NEVER,
};

let previous: SessionLogger;
beforeEach(() => {
  previous = setDefaultLogger(quietLogger);
});
afterEach(() => {
  setDefaultLogger(previous);
  jest.restoreAllMocks();
});

describe('handler exceptions and the default logger', () => {
  it('are answered -32603 and logged as one warn line with the peer address', () => {
    const logger = capturingLogger();
    setDefaultLogger(logger);
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const peer = rawPeer({ handlers }, { addresses });
      peer.send(cold('-a', { a: req(0, 'boom') }));
      expectObservable(peer.replies$).toBe('-a', { a: err(0, JSONRPC.INTERNAL_ERROR, 'internal server error') });
      flush();
      expect(logger.lines).toEqual(['warn: [192.0.2.7:50123] exception handling IncomingRequest("boom", []): Error: boom']);
    });
  });

  it('go to console.warn by default, one line, prefixed with the peer address; info and debug do not', () => {
    setDefaultLogger(consoleLogger);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const info = jest.spyOn(console, 'info').mockImplementation(() => undefined);
    const debug = jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    testScheduler().run(({ cold, flush }) => {
      const peer = rawPeer({ handlers, verbosity: 4 }, { addresses });
      peer.send(cold('-a', { a: req(0, 'boom') }));
      flush();
    });
    expect(warn.mock.calls).toEqual([['[192.0.2.7:50123] exception handling IncomingRequest("boom", []): Error: boom']]);
    expect(error).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
    expect(debug).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });

  it('of a whole batch are one line with a count, the text once', () => {
    const logger = capturingLogger();
    setDefaultLogger(logger);
    testScheduler().run(({ cold, expectObservable, flush }) => {
      // No cost per error, so the batch is answered at once rather than slowed down.
      const peer = rawPeer({ handlers, errorBaseCost: 0 }, { addresses });
      const members = Array.from({ length: 100 }, (_, i) => req(i, 'boom'));
      peer.send(cold('-a', { a: batch(...members, req(100, 'fine')) }));
      expectObservable(peer.replies$.pipe(map((reply) => (reply as unknown[]).length))).toBe('-a', { a: 101 });
      flush();
    });
    expect(logger.lines).toEqual(['warn: [192.0.2.7:50123] exception handling 100 of 101 batch members, the first IncomingRequest("boom", []): Error: boom']);
  });

  it('of a batch whose other members never finish are logged when the session ends', () => {
    const logger = capturingLogger();
    setDefaultLogger(logger);
    testScheduler().run(({ cold, flush }) => {
      const peer = rawPeer({ handlers }, { addresses });
      peer.send(cold('-a', { a: batch(req(0, 'boom'), req(1, 'never')) }));
      cold('---x').subscribe(() => peer.server.abort());
      cold('--x').subscribe(() => expect(logger.lines).toEqual([]));
      flush();
    });
    expect(logger.lines).toEqual(['warn: [192.0.2.7:50123] exception handling 1 of 2 batch members IncomingRequest("boom", []): Error: boom']);
  });

  it('go to a session’s own logger as they are, whatever the default', () => {
    const fallback = capturingLogger();
    const own = capturingLogger();
    setDefaultLogger(fallback);
    testScheduler().run(({ cold, flush }) => {
      const peer = rawPeer({ handlers, logger: own }, { addresses });
      peer.send(cold('-a', { a: req(0, 'boom') }));
      flush();
    });
    expect(own.lines).toEqual(['warn: exception handling IncomingRequest("boom", []): Error: boom']);
    expect(fallback.lines).toEqual([]);
  });
});

describe('setDefaultLogger', () => {
  it('applies to sessions made afterwards, not to those made before or with their own logger', async () => {
    const first = capturingLogger();
    const second = capturingLogger();
    const own = capturingLogger();
    setDefaultLogger(first);
    const [aEnd] = memoryTransportPair({ addresses });
    const a = new RPCSession(aEnd);
    expect(setDefaultLogger(second)).toBe(first);
    const [bEnd] = memoryTransportPair({ addresses });
    const b = new RPCSession(bEnd);
    const [cEnd] = memoryTransportPair({ addresses });
    const c = new RPCSession(cEnd, { logger: own });
    for (const [session, name] of [[a, 'a'], [b, 'b'], [c, 'c']] as const) session.logger.warn(name);
    expect(first.lines).toEqual(['warn: [192.0.2.1:50001] a']);
    expect(second.lines).toEqual(['warn: [192.0.2.1:50001] b']);
    expect(own.lines).toEqual(['warn: c']);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('leaves out the prefix when the peer address is unknown', () => {
    const logger = capturingLogger();
    setDefaultLogger(logger);
    const [end] = memoryTransportPair();
    const session = new RPCSession(end);
    session.logger.error('no address');
    expect(logger.lines).toEqual(['error: no address']);
    session.abort();
  });

  it('refuses something that is not a logger, and keeps the one it had', () => {
    const logger = capturingLogger();
    setDefaultLogger(logger);
    expect(() => setDefaultLogger({ warn: () => undefined } as unknown as SessionLogger)).toThrow(TypeError);
    expect(() => setDefaultLogger(null as unknown as SessionLogger)).toThrow(TypeError);
    expect(setDefaultLogger(quietLogger)).toBe(logger);
  });

  it('starts as consoleLogger (the suite sets quietLogger in its setup file)', () => {
    expect(previous).toBe(quietLogger);
    jest.isolateModules(() => {
      // A fresh copy of the module, as a program sees it before any call.
      const fresh = jest.requireActual<typeof import('../../lib/session/setDefaultLogger')>('../../lib/session/setDefaultLogger');
      const logger = jest.requireActual<typeof import('../../lib/session/SessionLogger')>('../../lib/session/SessionLogger');
      expect(fresh.setDefaultLogger(logger.quietLogger)).toBe(logger.consoleLogger);
    });
  });
});

describe('a successful call logs nothing by default', () => {
  it('stays silent', () => {
    setDefaultLogger(consoleLogger);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    testScheduler().run(({ cold, expectObservable }) => {
      const peer = rawPeer({ handlers }, { addresses });
      peer.send(cold('-a', { a: req(0, 'fine') }));
      expectObservable(peer.replies$).toBe('-a', { a: ok(0, 'fine') });
    });
    expect(warn).not.toHaveBeenCalled();
  });
});
