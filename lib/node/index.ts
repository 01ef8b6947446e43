/**
 * rxrpcx/node — the Node entry: everything in the core plus TCP/TLS,
 * WebSocket and SOCKS transports.
 *
 * Times are in seconds here too, as in aiorpcX (not milliseconds as in `ws`).
 *
 * @packageDocumentation
 * @module rxrpcx/node
 */
export * from '../index.js';
export { ListenError } from './ListenError.js';
export { SocketTransport, type SocketTransportOptions } from './SocketTransport.js';
export { WsTransport, type WsTransportOptions } from './WsTransport.js';
export { listenSockets, type ListenSocketsOptions, type SocketListener } from './listenSockets.js';
export { listenWebSockets, type AcceptedWebSocket, type ListenWebSocketsOptions, type WebSocketListener } from './listenWebSockets.js';
export { openSocket, type OpenSocketOptions } from './openSocket.js';
export { DEFAULT_WS_MAX_PAYLOAD, openWebSocket, type OpenWebSocketOptions, type OpenedWebSocket } from './openWebSocket.js';
export { connectRs, connectRs$, type ConnectRsOptions } from './connectRs.js';
export { serveRs, type ServeRsOptions } from './serveRs.js';
export { connectWs, connectWs$, type ConnectWsOptions } from './connectWs.js';
export { serveWs, type ServeWsOptions } from './serveWs.js';
export type { ServerCostGroups } from './serverCostGroups.js';
export { defaultSessionFactory, type SessionFactory, type SessionFactoryOptions } from './SessionFactory.js';
export type { SessionServer, SessionServerCloseOptions } from './SessionServer.js';
export type { ServerCostStats, ServerStats } from './ServerStats.js';
export type { ProxyConnector } from './ProxyConnector.js';
export * from './socks/index.js';
export { connect$, nodeConnector, type NodeConnectOptions } from './connect$.js';
export * from './proxyProtocol/index.js';
export { MissingDependencyError } from './MissingDependencyError.js';
export {
  prometheusMetrics,
  type MetricsRegistry,
  type PrometheusMetrics,
  type PrometheusMetricsOptions,
  type ServerStatsSource,
} from './prometheusMetrics.js';
export { serveMetrics, type MetricsServer, type ServeMetricsOptions } from './serveMetrics.js';
export { ClusterError } from './ClusterError.js';
export {
  serveCluster,
  type ClusterCloseOptions,
  type ClusterPrimary,
  type ClusterRestartOptions,
  type ClusterSessions,
  type ClusterWorker,
  type ClusterWorkerContext,
  type ClusterWorkerSessions,
  type ServeClusterOptions,
} from './serveCluster.js';
