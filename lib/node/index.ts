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
export { connectRs, connectRs$, type ConnectRsOptions } from './connectRs';
export { serveRs, type ServeRsOptions } from './serveRs';
export { connectWs, connectWs$, type ConnectWsOptions } from './connectWs';
export { serveWs, type ServeWsOptions } from './serveWs';
export type { ServerCostGroups } from './serverCostGroups';
export { defaultSessionFactory, type SessionFactory, type SessionFactoryOptions } from './SessionFactory';
export type { SessionServer, SessionServerCloseOptions } from './SessionServer';
export type { ServerCostStats, ServerStats } from './ServerStats';
export type { ProxyConnector } from './ProxyConnector';
export * from './socks';
export { connect$, nodeConnector, type NodeConnectOptions } from './connect$';
export * from './proxyProtocol';
export { MissingDependencyError } from './MissingDependencyError';
export {
  prometheusMetrics,
  type MetricsRegistry,
  type PrometheusMetrics,
  type PrometheusMetricsOptions,
  type ServerStatsSource,
} from './prometheusMetrics';
export { serveMetrics, type MetricsServer, type ServeMetricsOptions } from './serveMetrics';
export { ClusterError } from './ClusterError';
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
} from './serveCluster';
