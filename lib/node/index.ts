/**
 * rxrpcx/node — the Node entry: everything in the core plus TCP/TLS,
 * WebSocket and SOCKS transports.
 *
 * @packageDocumentation
 */
export * from '../index';
