/**
 * The JSON-RPC layer: items, errors and codes, the protocol classes, the
 * per-connection state machine and handler invocation.
 *
 * @packageDocumentation
 */
export { Request, type RequestArgs } from './Request';
export { Notification } from './Notification';
export { IncomingRequest, type Responder } from './IncomingRequest';
export { Batch, type BatchItem } from './Batch';
export { Response } from './Response';
export { RPCError, type RPCErrorJSON, type RPCErrorOptions } from './RPCError';
export { ProtocolError, type ProtocolErrorOptions } from './ProtocolError';
export { ConnectionError } from './ConnectionError';
export { ReplyAndDisconnect } from './ReplyAndDisconnect';
export {
  JSONRPC,
  type BatchMessageItem,
  type JSONRPCProtocol,
  type MessageItem,
  type NotificationMessageItem,
  type RequestMessageItem,
  type ResponseMessageItem,
} from './JSONRPC';
export { JSONRPCv1 } from './JSONRPCv1';
export { JSONRPCv2 } from './JSONRPCv2';
export { JSONRPCLoose } from './JSONRPCLoose';
export { JSONRPCAutoDetect, type DetectedProtocol } from './JSONRPCAutoDetect';
export { JSONRPCConnection, type JSONRPCConnectionOptions, type ReceivedMessage } from './JSONRPCConnection';
export { defineHandler, type HandlerSignature, type RPCHandler, type SignatureInfo } from './defineHandler';
export { handlerInvocation } from './handlerInvocation';
export {
  type CallArgs,
  type HandlerResult,
  type MethodContract,
  type MethodHandler,
  type MethodHandlers,
  type MethodName,
  type MethodSpec,
  type NotificationArgs,
  type NotificationOf,
  type ParamsOf,
  type RequestResult,
  type ResultOf,
  type ResultOverride,
  type UntypedContract,
} from './MethodContract';
