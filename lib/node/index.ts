/**
 * rxrpcx/node — the Node entry: everything in the core plus TCP/TLS,
 * WebSocket and SOCKS transports.
 *
 * @packageDocumentation
 */
export * from '../index';
export { ListenError } from './ListenError';
export { SocketTransport, type SocketTransportOptions } from './SocketTransport';
export { WsTransport, type WsTransportOptions } from './WsTransport';
export { listenSockets, type ListenSocketsOptions, type SocketListener } from './listenSockets';
export { listenWebSockets, type AcceptedWebSocket, type ListenWebSocketsOptions, type WebSocketListener } from './listenWebSockets';
export { openSocket, type OpenSocketOptions } from './openSocket';
export { DEFAULT_WS_MAX_PAYLOAD, openWebSocket, type OpenWebSocketOptions, type OpenedWebSocket } from './openWebSocket';
