/**
 * The client for apps: `connect$`, a reconnecting `RPCClient` with
 * keep-alive and subscriptions that survive reconnections.
 *
 * @packageDocumentation
 */
export { RPCClient, type ClientRequestOptions } from './RPCClient.js';
export { connect$, browserWebSocketConnector, type ConnectOptions } from './connect$.js';
export type { ClientOptions, ConnectContext, Connector, KeepAliveOptions, ReconnectOptions } from './ClientOptions.js';
export type { ClientState, ClosedState, ConnectingState, OpenState, ReconnectingState } from './ClientState.js';
export { NotConnectedError, type NotConnectedReason } from './NotConnectedError.js';
export type { SubscriptionEvent, SubscriptionOptions } from './SubscriptionOptions.js';
export { isRetryable } from './isRetryable.js';
export { browserWakeUps, type WakeUpEventSource, type WakeUpTargets } from './browserWakeUps.js';
