export { SessionKind } from './SessionKind.js';
export type { CloseOptions, Transport, TransportProxy } from './Transport.js';
export { MemoryTransport, memoryTransportPair, type MemoryTransportOptions } from './memoryTransportPair.js';
export { ConnectError, type ConnectFailure } from './ConnectError.js';
export {
  BrowserWebSocketTransport,
  type BrowserWebSocketTransportOptions,
  type WebSocketEventLike,
  type WebSocketLike,
} from './BrowserWebSocketTransport.js';
export { openBrowserWebSocket, type OpenBrowserWebSocketOptions, type WebSocketConstructor } from './openBrowserWebSocket.js';
