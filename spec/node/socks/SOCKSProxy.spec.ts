/**
 * The public surface without I/O: markers, credentials, the proxy's
 * construction and description, the error classes, the loopback guard.
 */
import os = require('node:os');
import { inspect } from 'node:util';
import { NetAddress, type TransportProxy } from 'rxrpcx';
import {
  SOCKS4,
  SOCKS4a,
  SOCKS5,
  SOCKS_PROTOCOLS,
  SOCKSError,
  SOCKSFailure,
  SOCKSProtocolError,
  SOCKSProxy,
  SOCKSRandomAuth,
  SOCKSUserAuth,
  isSOCKSProtocol,
  type SOCKSProtocol,
} from '../../../lib/node/socks';
import { assertLoopbackOnly, requireBinary } from './socksTestKit';

describe('protocol markers', () => {
  it('print as their names and come in detection order', () => {
    expect([String(SOCKS4), String(SOCKS4a), String(SOCKS5)]).toEqual(['SOCKS4', 'SOCKS4a', 'SOCKS5']);
    expect(SOCKS_PROTOCOLS).toEqual([SOCKS5, SOCKS4a, SOCKS4]);
    expect(Object.isFrozen(SOCKS_PROTOCOLS)).toBe(true);
    expect(isSOCKSProtocol('SOCKS4a')).toBe(true);
    expect(isSOCKSProtocol('socks5')).toBe(false);
    expect(isSOCKSProtocol(5)).toBe(false);
  });
});

describe('SOCKSUserAuth', () => {
  it('answers the same credentials every time and never shows them', () => {
    const auth = new SOCKSUserAuth('alice', 's3cret-pw');
    expect(auth.username).toBe('alice');
    expect(auth.password).toBe('s3cret-pw');
    expect(auth.credentials()).toEqual({ username: 'alice', password: 's3cret-pw' });
    expect(auth.credentials()).toEqual(auth.credentials());
    expect(inspect(auth, { showHidden: true, depth: Infinity })).not.toContain('s3cret-pw');
    expect(JSON.stringify(auth)).toBe('{"username":"<redacted>","password":"<redacted>"}');
    expect(inspect(auth, { showHidden: true, depth: Infinity })).not.toContain('alice');
  });

  it('takes strings only', () => {
    expect(() => new SOCKSUserAuth(1 as unknown as string, 'p')).toThrow(TypeError);
    expect(() => new SOCKSUserAuth('u', null as unknown as string)).toThrow(TypeError);
  });
});

describe('SOCKSRandomAuth', () => {
  it('draws a fresh 32-byte hex username and password on every call', () => {
    const auth = new SOCKSRandomAuth();
    const drawn = Array.from({ length: 20 }, () => auth.credentials());
    for (const { username, password } of drawn) {
      expect(username).toMatch(/^[0-9a-f]{64}$/);
      expect(password).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(drawn.flatMap(({ username, password }) => [username, password])).size).toBe(40);
  });
});

describe('SOCKSProxy', () => {
  it('takes a NetAddress or address text, and describes itself like the reference, without credentials', () => {
    const proxy = new SOCKSProxy('localhost:9050', SOCKS5, new SOCKSUserAuth('alice', 'pw-never-shown'));
    expect(proxy.address).toEqual(new NetAddress('localhost', 9050));
    expect(proxy.protocol).toBe(SOCKS5);
    expect(proxy.peername).toBeUndefined();
    expect(String(proxy)).toBe('SOCKS5 proxy at localhost:9050, auth: username');
    expect(inspect(proxy, { showHidden: true, depth: Infinity })).not.toContain('pw-never-shown');
    expect(String(new SOCKSProxy(new NetAddress('::1', 1080), SOCKS4a, null))).toBe('SOCKS4a proxy at [::1]:1080, auth: none');
    expect(String(new SOCKSProxy('127.0.0.1:1080', SOCKS4, new SOCKSRandomAuth()))).toBe('SOCKS4 proxy at 127.0.0.1:1080, auth: username');
  });

  it('is a TransportProxy', () => {
    const proxy: TransportProxy = new SOCKSProxy('127.0.0.1:9050', SOCKS5, null);
    expect(proxy.address).toEqual(new NetAddress('127.0.0.1', 9050));
    expect(proxy.toString()).toBe('SOCKS5 proxy at 127.0.0.1:9050, auth: none');
  });

  it('refuses a bad address, protocol or auth at construction', () => {
    expect(() => new SOCKSProxy('127.0.0.1', SOCKS5, null)).toThrow(expect.objectContaining({ name: 'AddressError' }));
    expect(() => new SOCKSProxy('127.0.0.1:1080', 'SOCKS6' as SOCKSProtocol, null)).toThrow(TypeError);
    expect(() => new SOCKSProxy('127.0.0.1:1080', SOCKS5, { username: 'u', password: 'p' } as unknown as SOCKSUserAuth)).toThrow(TypeError);
    expect(new SOCKSProxy('127.0.0.1:1080', SOCKS5).auth).toBeNull();
  });

  it('rejects (never throws) from createConnection, a bad timeout included', async () => {
    const proxy = new SOCKSProxy('127.0.0.1:9', SOCKS5, null);
    const pending = proxy.createConnection('example.com', 80, { timeout: Number.NaN });
    await expect(pending).rejects.toThrow(TypeError);
  });
});

describe('errors', () => {
  const context = { protocol: SOCKS5, proxyAddress: new NetAddress('127.0.0.1', 1080), target: 'example.com:80' } as const;

  it('have literal names, stable codes and structured fields', () => {
    const failure = new SOCKSFailure('connection refused', 'request', 5, context);
    expect(failure).toBeInstanceOf(SOCKSError);
    expect(failure).toBeInstanceOf(Error);
    expect(failure).toMatchObject({ name: 'SOCKSFailure', code: 'RXRPCX_ERR_SOCKS_FAILURE', stage: 'request', replyCode: 5, ...context });
    expect(String(failure)).toBe('SOCKSFailure: connection refused');

    const cause = new Error('read ECONNRESET');
    const protocolError = new SOCKSProtocolError('EOF received', 'closed', context, { cause });
    expect(protocolError).toBeInstanceOf(SOCKSError);
    expect(protocolError).toMatchObject({ name: 'SOCKSProtocolError', code: 'RXRPCX_ERR_SOCKS_PROTOCOL', reason: 'closed', reply: undefined, cause });
    expect(new SOCKSProtocolError('x', 'reply', context)).not.toHaveProperty('cause');
  });

  it('copy the reply bytes they keep', () => {
    const reply = Uint8Array.from([4, 0]);
    const error = new SOCKSProtocolError("invalid SOCKS5 proxy response: b'\\x04\\x00'", 'reply', context, { reply });
    reply[0] = 9;
    expect(error.reply).toEqual(Uint8Array.from([4, 0]));
  });
});

describe('the suite\'s own guards', () => {
  afterEach(() => jest.restoreAllMocks());

  it('passes with only loopback, and names the npm script otherwise', () => {
    jest.spyOn(os, 'networkInterfaces').mockReturnValue({ lo: [] });
    expect(() => assertLoopbackOnly()).not.toThrow();
    jest.spyOn(os, 'networkInterfaces').mockReturnValue({ lo: [], eth0: [] });
    expect(() => assertLoopbackOnly()).toThrow('run the SOCKS suite via `npm run test:socks` (inside a loopback-only network namespace)');
  });

  it('fails, saying how to install, when a proxy binary is missing', () => {
    expect(() => requireBinary('rxrpcx-no-such-proxy')).toThrow('rxrpcx-no-such-proxy is not installed; the SOCKS suite needs real proxies: apt-get install -y microsocks dante-server');
    expect(requireBinary('microsocks')).toMatch(/microsocks$/);
    expect(requireBinary('danted')).toMatch(/danted$/);
  });
});
