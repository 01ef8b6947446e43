export { SessionKind } from './SessionKind';
export type { CloseOptions, Transport, TransportProxy } from './Transport';
export { MemoryTransport, memoryTransportPair, type MemoryTransportOptions } from './memoryTransportPair';
export { ConnectError, type ConnectFailure } from './ConnectError';
export {
  BrowserWebSocketTransport,
  type BrowserWebSocketTransportOptions,
  type WebSocketEventLike,
  type WebSocketLike,
} from './BrowserWebSocketTransport';
export { openBrowserWebSocket, type OpenBrowserWebSocketOptions, type WebSocketConstructor } from './openBrowserWebSocket';
