/**
 * The client for apps: `connect$`, a reconnecting `RPCClient` with
 * keep-alive and subscriptions that survive reconnections.
 *
 * @packageDocumentation
 */
export { RPCClient, type ClientRequestOptions } from './RPCClient';
export { connect$, browserWebSocketConnector, type ConnectOptions } from './connect$';
export type { ClientOptions, ConnectContext, Connector, KeepAliveOptions, ReconnectOptions } from './ClientOptions';
export type { ClientState, ClosedState, ConnectingState, OpenState, ReconnectingState } from './ClientState';
export { NotConnectedError, type NotConnectedReason } from './NotConnectedError';
export type { SubscriptionEvent, SubscriptionOptions } from './SubscriptionOptions';
export { isRetryable } from './isRetryable';
export { browserWakeUps, type WakeUpEventSource, type WakeUpTargets } from './browserWakeUps';
