import { ConnectionError, JSONRPC, ProtocolError, ReplyAndDisconnect, RPCError } from '../../lib/jsonrpc';

describe('RPCError', () => {
  it('has a numeric wire code, a message, a cost and a wire form', () => {
    const error = new RPCError(JSONRPC.INVALID_ARGS, 'bad height', { cost: 5 });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'RPCError', code: -32602, message: 'bad height', cost: 5 });
    expect(error.toJSON()).toEqual({ code: -32602, message: 'bad height' });
    expect(JSON.stringify(error)).toBe('{"code":-32602,"message":"bad height"}');
    expect(new RPCError(1, 'x').cost).toBe(0);
  });

  it('keeps a cause', () => {
    const cause = new Error('inner');
    expect(new RPCError(1, 'x', { cause }).cause).toBe(cause);
  });

  it('has the reference factories', () => {
    expect(RPCError.invalidArgs('a')).toMatchObject({ name: 'RPCError', code: -32602, message: 'a' });
    expect(RPCError.invalidRequest('r')).toMatchObject({ code: -32600, message: 'r' });
    expect(RPCError.emptyBatch()).toMatchObject({ code: -32600, message: 'batch is empty' });
    expect([RPCError.invalidArgs('a'), RPCError.invalidRequest('r'), RPCError.emptyBatch()].some((e) => e instanceof ProtocolError)).toBe(false);
  });

  it('makes the class they are called on, typed as such', () => {
    const typed: ProtocolError[] = [ProtocolError.invalidArgs('a'), ProtocolError.invalidRequest('r'), ProtocolError.emptyBatch()];
    expect(typed.map((e) => [e.name, e.code, e.inResponse])).toEqual([
      ['ProtocolError', -32602, false],
      ['ProtocolError', -32600, false],
      ['ProtocolError', -32600, false],
    ]);
  });
});

describe('ProtocolError', () => {
  it('is an RPCError carrying its reply or its response id', () => {
    const reply = new Uint8Array([1]);
    const error = new ProtocolError(-32700, 'invalid JSON', { replyBytes: reply });
    expect(error).toBeInstanceOf(RPCError);
    expect(error).toMatchObject({ name: 'ProtocolError', code: -32700, replyBytes: reply, inResponse: false, responseId: undefined });
    expect(new ProtocolError(-32600, 'x', { inResponse: true })).toMatchObject({ inResponse: true, responseId: null });
    expect(new ProtocolError(-32600, 'x', { inResponse: true, responseId: 3 }).responseId).toBe(3);
    expect(ProtocolError.invalidArgs('a')).toBeInstanceOf(ProtocolError);
    expect(ProtocolError.invalidRequest('a')).toBeInstanceOf(ProtocolError);
    expect(ProtocolError.emptyBatch()).toMatchObject({ name: 'ProtocolError', message: 'batch is empty' });
  });

  it('has a settable cost (the session charges parse errors more)', () => {
    const error = new ProtocolError(-32700, 'invalid JSON');
    error.cost = 1000;
    expect(error.cost).toBe(1000);
  });
});

describe('ConnectionError', () => {
  it('has a literal name and a stable code', () => {
    const error = new ConnectionError();
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ConnectionError', code: 'RXRPCX_ERR_CONNECTION' });
    expect(error.message).not.toBe('');
    expect(new ConnectionError('closed', { cause: 1 })).toMatchObject({ message: 'closed', cause: 1 });
  });
});

describe('ReplyAndDisconnect', () => {
  it('wraps the reply, a value or an RPCError', () => {
    const error = new RPCError(JSONRPC.EXCESSIVE_RESOURCE_USAGE, 'excessive resource usage');
    expect(new ReplyAndDisconnect(error)).toMatchObject({ name: 'ReplyAndDisconnect', code: 'RXRPCX_ERR_REPLY_AND_DISCONNECT', result: error });
    expect(new ReplyAndDisconnect({ bye: true }).result).toEqual({ bye: true });
    expect(new ReplyAndDisconnect(1)).not.toBeInstanceOf(RPCError);
  });
});
