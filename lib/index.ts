/**
 * rxrpcx — the browser-safe core entry.
 *
 * Everything here runs in Node and in a browser: it never imports `node:*`,
 * `ws` or `socks`. Sockets, TLS, WebSocket servers and SOCKS live in
 * `rxrpcx/node`.
 *
 * Times — timeouts, delays, intervals, `forceAfter` — are in seconds, as in
 * aiorpcX, not in milliseconds as in RxJS and `ws` (a scheduler's `now()`
 * stays in milliseconds, as RxJS defines it).
 *
 * @packageDocumentation
 * @module rxrpcx
 */
export * from './util/index.js';
export * from './framing/index.js';
export * from './jsonrpc/index.js';
export * from './tasks/index.js';
export * from './session/index.js';
export * from './transport/index.js';
export * from './client/index.js';
