/**
 * isRetryable with the errors Node connections really raise: SOCKS failures
 * are known by their code in the core (which cannot import `rxrpcx/node`).
 */
import { ConnectError, ConnectionError, NetAddress, isRetryable } from 'rxrpcx';
import { SOCKSFailure, SOCKSProtocolError, type SOCKSErrorContext } from 'rxrpcx/node';

const context: SOCKSErrorContext = { protocol: 'SOCKS5', proxyAddress: new NetAddress('127.0.0.1', 1080), target: '127.0.0.1:50001' };

describe('isRetryable', () => {
  it('retries connection failures that may pass, not the ones that will not', () => {
    expect(isRetryable(new ConnectError('refused', 'x', 'refused'))).toBe(true);
    expect(isRetryable(new ConnectionError('gone'))).toBe(true);
    expect(isRetryable(new ConnectError('tls', 'x', 'untrusted'))).toBe(false);
    expect(isRetryable(new Error('a bug'))).toBe(false);
  });

  it('retries a proxy that could not reach the server (the server may come back), unless the proxy forbids it', () => {
    expect(isRetryable(new SOCKSFailure('connection refused', 'request', 5, context))).toBe(true);
    expect(isRetryable(new SOCKSFailure('general SOCKS server failure', 'request', 1, context))).toBe(true);
    expect(isRetryable(new SOCKSFailure('host unreachable', 'request', 4, context))).toBe(true);
    expect(isRetryable(new SOCKSFailure('request rejected or failed', 'request', 91, { ...context, protocol: 'SOCKS4' }))).toBe(true);
    expect(isRetryable(new SOCKSFailure('connection not allowed by ruleset', 'request', 2, context))).toBe(false);
    expect(isRetryable(new SOCKSFailure('command not supported', 'request', 7, context))).toBe(false);
  });

  it('does not retry a proxy that refuses the credentials or does not speak SOCKS', () => {
    expect(isRetryable(new SOCKSFailure('SOCKS5 proxy auth failure code: 1', 'auth', 1, context))).toBe(false);
    expect(isRetryable(new SOCKSFailure('SOCKS5 proxy rejected authentication methods', 'methods', 255, context))).toBe(false);
    expect(isRetryable(new SOCKSProtocolError("invalid SOCKS5 proxy response: b'HTTP'", 'reply', context))).toBe(false);
  });
});
