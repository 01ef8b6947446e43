export { SessionBase } from './SessionBase.js';
export { RPCSession, type RPCMethod, type RPCMethodTable, type RPCSessionConfig } from './RPCSession.js';
export { incomingCalls, type IncomingCall } from './incomingCalls.js';
export { MessageSession, type MessageSessionConfig } from './MessageSession.js';
export { BatchRequest, type BatchSender } from './BatchRequest.js';
export { BatchError } from './BatchError.js';
export { wireCancellation, type WireCancellation, type WireCancellationOptions } from './wireCancellation.js';
export {
  sessionDefaults,
  rpcSessionDefaults,
  type SessionOptions,
  type RPCSessionOptions,
  type RequestOptions,
  type SessionDefaults,
  type RPCSessionDefaults,
} from './SessionOptions.js';
export type { SessionStats } from './SessionStats.js';
export { consoleLogger, quietLogger, type SessionLogger } from './SessionLogger.js';
export { setDefaultLogger } from './setDefaultLogger.js';
export { CostGroups, type CostGroupKey, type CostGroupsOptions } from './CostGroups.js';
