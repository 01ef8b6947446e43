import { Batch, IncomingRequest, Notification, ProtocolError, Request, Response, RPCError } from '../../lib/jsonrpc';

describe.each([Request, Notification])('%p', (Item) => {
  it('holds a method and arguments, positional by default', () => {
    expect(new Item('m')).toMatchObject({ method: 'm', args: [] });
    expect(new Item('m', { a: 1 }).args).toEqual({ a: 1 });
    expect(String(new Item('m', [1]))).toBe(`${Item.name}("m", [1])`);
  });

  it.each([
    [5, [], -32601, 'method must be a string'],
    [null, [], -32601, 'method must be a string'],
    ['m', 'x', -32602, 'request arguments must be a list or a dictionary'],
    ['m', null, -32602, 'request arguments must be a list or a dictionary'],
    ['m', new Map(), -32602, 'request arguments must be a list or a dictionary'],
  ])('refuses method %p with args %p', (method, args, code, message) => {
    const attempt = () => new Item(method as string, args as never);
    expect(attempt).toThrow(ProtocolError);
    expect(attempt).toThrow(expect.objectContaining({ code, message }));
  });
});

describe('Batch', () => {
  it('holds requests and notifications, or responses, in order', () => {
    const items = [new Request('a'), new Notification('n')];
    const batch = new Batch(items);
    expect(batch.length).toBe(2);
    expect([...batch]).toEqual(items);
    expect(String(batch)).toBe('Batch(2 items)');
    expect(new Batch([new Response(1)]).length).toBe(1);
  });

  it('copies its items', () => {
    const items = [new Request('a')];
    const batch = new Batch(items);
    items.push(new Request('b'));
    expect(batch.length).toBe(1);
  });

  it.each([
    ['not an array', 'x', 'items must be a list'],
    ['empty', [], 'batch is empty'],
    ['mixed', [new Request('a'), new Response(1)], 'batch must be homogeneous'],
    ['foreign members', [1], 'batch must be homogeneous'],
  ])('refuses %s items', (_label, items, message) => {
    expect(() => new Batch(items as never)).toThrow(expect.objectContaining({ name: 'ProtocolError', code: -32600, message }));
  });
});

describe('Response', () => {
  it('holds a result, or an RPCError exposed as error', () => {
    expect(new Response(5)).toMatchObject({ result: 5, error: undefined });
    const error = new RPCError(1, 'x');
    expect(new Response(error).error).toBe(error);
  });
});

describe('IncomingRequest', () => {
  it('is a Request with an id and a one-shot reply', () => {
    const responder = jest.fn((result: unknown) => new TextEncoder().encode(String(result)));
    const request = new IncomingRequest('m', [1], 'id', responder);
    expect(request).toBeInstanceOf(Request);
    expect(request.id).toBe('id');
    expect(request.reply(3)).toEqual(new TextEncoder().encode('3'));
    expect(request.reply(4)).toBeUndefined();
    expect(responder).toHaveBeenCalledTimes(1);
  });
});

describe('item names in logs', () => {
  it('prints its kind by name even where a minifier has renamed the classes', () => {
    const names = [Request, Notification, IncomingRequest].map((kind) => Object.getOwnPropertyDescriptor(kind, 'name')!);
    try {
      for (const kind of [Request, Notification, IncomingRequest]) Object.defineProperty(kind, 'name', { value: 'O' });
      expect([String(new Request('m', [1])), String(new Notification('m')), String(new IncomingRequest('m', { a: 1 }, 7, () => undefined))]).toEqual([
        'Request("m", [1])',
        'Notification("m", [])',
        'IncomingRequest("m", {"a":1})',
      ]);
    } finally {
      [Request, Notification, IncomingRequest].forEach((kind, i) => Object.defineProperty(kind, 'name', names[i]!));
    }
  });
});
