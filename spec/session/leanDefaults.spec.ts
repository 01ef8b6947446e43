/**
 * Where a session's framer comes from when none is given: the transport's
 * `defaultFramer()`, whole messages on a transport with message boundaries,
 * and a clear TypeError for a byte stream with neither. Also: plain handler
 * functions, which the session calls itself (so that bundles without
 * defineHandler carry no signature checks), behave exactly as a
 * rest-argument function declared with defineHandler.
 */
import { NewlineFramer, RPCSession, Request, defineHandler, memoryTransportPair, type RPCMethodTable, type RequestArgs, type Transport } from 'rxrpcx';

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
    expect(() => new RPCSession(bare)).toThrow(new TypeError('a byte-stream transport needs a framer: pass the framer option'));
    const given = new RPCSession(bare, { framer: new NewlineFramer() });
    expect(given.framer).toBeInstanceOf(NewlineFramer);
    await given.close();
    await b.close();
  });
});

describe('plain functions in a method table', () => {
  /** What handling `m` with `args` gives: the handler's value, or the error it was refused with. */
  function outcome(handlers: RPCMethodTable, args: RequestArgs): unknown {
    const [a] = memoryTransportPair();
    const session = new RPCSession(a, { handlers });
    try {
      return { value: session.handleRequest(new Request('m', args)) };
    } catch (error) {
      return { error: String(error), code: (error as { code?: unknown }).code };
    } finally {
      session.abort();
    }
  }

  const plain: RPCMethodTable = { m: (...args: unknown[]) => args };
  const declared: RPCMethodTable = { m: defineHandler((rest: unknown[]) => rest, { params: ['...args'] }) };

  it.each<[string, RequestArgs]>([
    ['no arguments', []],
    ['positional arguments', [1, 'two', { three: 3 }]],
    ['no named arguments', {}],
    ['one named argument', { a: 1 }],
    ['named arguments (listed in code-point order)', { b: 1, a: 2, Z: 3 }],
  ])('take %s as a rest-argument defineHandler function does', (_, args) => {
    expect(outcome(plain, args)).toEqual(outcome(declared, args));
  });

  it('refuse named arguments with the reference’s message', () => {
    expect(outcome(plain, { b: 1, a: 2 })).toEqual({ error: 'RPCError: method "m" does not take parameters "a", "b"', code: -32602 });
  });

  it('leave an unknown method to METHOD_NOT_FOUND', () => {
    expect(outcome(plain, [])).toEqual({ value: [] });
    expect(outcome({}, [])).toEqual({ error: 'RPCError: unknown method "m"', code: -32601 });
  });
});
