/**
 * rxrpcx — the browser-safe core entry.
 *
 * Everything here runs in Node and in a browser: it never imports `node:*`,
 * `ws` or `socks`. Sockets, TLS, WebSocket servers and SOCKS live in
 * `rxrpcx/node`.
 *
 * @packageDocumentation
 */
export * from './util';
export * from './framing';
export * from './jsonrpc';
export * from './tasks';
export * from './session';
export * from './transport';
export * from './client';
