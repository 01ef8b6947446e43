import { defineHandler, handlerInvocation, JSONRPC, Notification, Request, RPCError, type HandlerSignature } from '../../lib/jsonrpc';
import { runOurs, runReference, type Case } from './referenceHarness';

const SPECS: ReadonlyArray<HandlerSignature | null> = [
  null,
  {},
  { params: ['a'] },
  { params: ['a', 'b'] },
  { params: ['a', 'b?'] },
  { params: ['a?', 'b?'] },
  { params: ['a', '...rest'] },
  { params: ['...rest'] },
  { params: ['a'], namedOnly: ['c'] },
  { params: ['a', 'b?'], namedOnly: ['c', 'd?'], anyNamed: true },
  { params: ['a'], anyNamed: true },
  { params: ['a', '...rest'], anyNamed: true },
  { params: ['a', 'b?'], positionalOnly: true },
  { params: ['a', 'b?', '...rest'], positionalOnly: true },
  { positionalOnly: true },
  { namedOnly: ['x'] },
];

const ARGS: readonly unknown[] = [
  [],
  [1],
  [1, 2],
  [1, 2, 3],
  [1, 2, 3, 4],
  {},
  { a: 1 },
  { a: 1, b: 2 },
  { b: 2 },
  { a: 1, c: 3 },
  { a: 1, z: 0 },
  { z: 1, y: 2 },
  { a: 1, b: 2, c: 3, d: 4, e: 5 },
  { rest: [1] },
  { ünï: 1, Z: 2, 'a b': 3, '𐀀': 4, '\uffff': 5, x: 6 },
];

const METHODS = ['m', 'say "hi"'];

const cases: Case[] = SPECS.flatMap((spec) =>
  METHODS.flatMap((method) => ARGS.map((args): Case => ({ op: 'handler', spec, method, args }))),
);

describe('handlerInvocation against the reference', () => {
  let reference: unknown[];
  let ours: unknown[];
  beforeAll(() => {
    reference = runReference(cases);
    ours = runOurs(cases);
  });

  it.each(cases.map((c, i) => [JSON.stringify(c), i] as const))('%s', (_label, i) => {
    expect(ours[i]).toEqual(reference[i]);
  });
});

describe('handlerInvocation', () => {
  const add = defineHandler((a: number, b: number) => a + b, { params: ['a', 'b'] });

  it('returns a thunk that calls the handler positionally or by name', () => {
    expect(handlerInvocation(add, new Request('add', [2, 3]))()).toBe(5);
    expect(handlerInvocation(add, new Request('add', { b: 3, a: 2 }))()).toBe(5);
    expect(handlerInvocation(add, new Notification('add', [1, 1]))()).toBe(2);
  });

  it('does not call the handler until the thunk runs', () => {
    const fn = jest.fn(() => 1);
    const thunk = handlerInvocation(defineHandler(fn), new Request('f'));
    expect(fn).not.toHaveBeenCalled();
    thunk();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('passes the call layout fn(...params, rest, named), letting JavaScript defaults apply', () => {
    const seen: unknown[][] = [];
    const handler = defineHandler(
      (a: unknown, b: unknown = 'default', rest: unknown = undefined, named: unknown = undefined) => {
        seen.push([a, b, rest, named]);
      },
      { params: ['a', 'b?', '...rest'], namedOnly: ['c'], anyNamed: true },
    );
    handlerInvocation(handler, new Request('m', [1]))();
    handlerInvocation(handler, new Request('m', [1, 2, 3, 4]))();
    handlerInvocation(handler, new Request('m', { a: 1, c: 2, z: 3 }))();
    expect(seen).toEqual([
      [1, 'default', [], {}],
      [1, 2, [3, 4], {}],
      [1, 'default', [], { c: 2, z: 3 }],
    ]);
  });

  it('keeps a "__proto__" named argument as data', () => {
    const handler = defineHandler((named: Record<string, unknown>) => named, { anyNamed: true });
    const args = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const named = handlerInvocation(handler, new Request('m', args))();
    expect(Object.keys(named)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('does not find inherited names like "toString"', () => {
    const handler = defineHandler(() => 1, { params: ['toString'] });
    expect(() => handlerInvocation(handler, new Request('m', {}))).toThrow('method "m" requires parameter "toString"');
  });

  it.each([
    [undefined, ['m', []], JSONRPC.METHOD_NOT_FOUND, 'unknown method "m"'],
    [add, ['add', [1]], JSONRPC.INVALID_ARGS, '1 argument passed to method "add" but it requires 2'],
    [add, ['add', []], JSONRPC.INVALID_ARGS, '0 arguments passed to method "add" but it requires 2'],
    [add, ['add', [1, 2, 3]], JSONRPC.INVALID_ARGS, '3 arguments passed to method add taking at most 2'],
    [add, ['add', { a: 1 }], JSONRPC.INVALID_ARGS, 'method "add" requires parameter "b"'],
    [add, ['add', {}], JSONRPC.INVALID_ARGS, 'method "add" requires parameters "a", "b"'],
    [add, ['add', { a: 1, b: 2, c: 3 }], JSONRPC.INVALID_ARGS, 'method "add" does not take parameter "c"'],
    [add, ['add', { a: 1, b: 2, y: 3, x: 4 }], JSONRPC.INVALID_ARGS, 'method "add" does not take parameters "x", "y"'],
    [
      defineHandler(() => 0, { params: ['a'], positionalOnly: true }),
      ['p', { a: 1 }],
      JSONRPC.INVALID_ARGS,
      'method "p" cannot be called with named arguments',
    ],
  ] as const)('%#: exact errors', (handler, [method, args], code, message) => {
    const attempt = () => handlerInvocation(handler, new Request(method, args));
    expect(attempt).toThrow(RPCError);
    expect(attempt).toThrow(expect.objectContaining({ code, message }));
  });
});

describe('defineHandler', () => {
  it('derives the reference signature info', () => {
    expect(defineHandler(() => 0, { params: ['a', 'b?', '...r'], namedOnly: ['c'] }).info).toEqual({
      params: ['a', 'b'],
      minArgs: 1,
      maxArgs: undefined,
      requiredNames: ['a'],
      otherNames: ['b', 'c'],
      hasRest: true,
      hasNamed: true,
    });
    expect(defineHandler(() => 0).info).toMatchObject({ minArgs: 0, maxArgs: 0, otherNames: [], hasNamed: false });
    expect(defineHandler(() => 0, { anyNamed: true }).info.otherNames).toBe('any');
  });

  it.each([
    [{ params: ['...r', 'a'] }, /must be last/],
    [{ params: ['a?', 'b'] }, /follows an optional/],
    [{ params: ['a', 'a?'] }, /duplicate/],
    [{ params: ['a'], namedOnly: ['a'] }, /duplicate/],
    [{ params: [''] }, /empty/],
  ] as const)('refuses the inconsistent signature %j', (signature, pattern) => {
    expect(() => defineHandler(() => 0, signature)).toThrow(pattern);
  });

  it('refuses a function with more parameters than its signature provides', () => {
    expect(() => defineHandler((a: unknown, b: unknown) => [a, b], { params: ['a'] })).toThrow(TypeError);
    expect(() => defineHandler((a: unknown, rest: unknown, named: unknown) => [a, rest, named], { params: ['a', '...r'], anyNamed: true })).not.toThrow();
  });
});
