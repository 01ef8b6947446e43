export { SessionBase } from './SessionBase';
export { RPCSession, type RPCMethod, type RPCMethodTable, type RPCSessionConfig, type IncomingCall } from './RPCSession';
export { MessageSession, type MessageSessionConfig } from './MessageSession';
export { BatchRequest, type BatchSender } from './BatchRequest';
export { BatchError } from './BatchError';
export {
  sessionDefaults,
  rpcSessionDefaults,
  type SessionOptions,
  type RPCSessionOptions,
  type RequestOptions,
  type SessionDefaults,
  type RPCSessionDefaults,
} from './SessionOptions';
export type { SessionStats } from './SessionStats';
export { consoleLogger, quietLogger, type SessionLogger } from './SessionLogger';
export { setDefaultLogger } from './setDefaultLogger';
export { CostGroups, type CostGroupKey, type CostGroupsOptions } from './CostGroups';
