/**
 * The JSON-RPC layer: items, errors and codes, the protocol classes, the
 * per-connection state machine and handler invocation.
 *
 * @packageDocumentation
 */
export { Request, type JSONRecord, type RequestArgs } from './Request.js';
export { Notification } from './Notification.js';
export { IncomingRequest, type Responder } from './IncomingRequest.js';
export { Batch, type BatchItem } from './Batch.js';
export { Response } from './Response.js';
export { RPCError, type RPCErrorJSON, type RPCErrorOptions } from './RPCError.js';
export { ProtocolError, type ProtocolErrorOptions } from './ProtocolError.js';
export { ConnectionError } from './ConnectionError.js';
export { ReplyAndDisconnect } from './ReplyAndDisconnect.js';
export {
  JSONRPC,
  type BatchMessageItem,
  type JSONRPCProtocol,
  type MessageItem,
  type NotificationMessageItem,
  type RequestMessageItem,
  type ResponseMessageItem,
} from './JSONRPC.js';
export { JSONRPCv1 } from './JSONRPCv1.js';
export { JSONRPCv2 } from './JSONRPCv2.js';
export { JSONRPCLoose } from './JSONRPCLoose.js';
export { JSONRPCAutoDetect, type DetectedProtocol } from './JSONRPCAutoDetect.js';
export { JSONRPCConnection, type JSONRPCConnectionOptions, type ReceivedMessage } from './JSONRPCConnection.js';
export { defineHandler, type HandlerSignature, type RPCHandler, type SignatureInfo } from './defineHandler.js';
export { handlerInvocation } from './handlerInvocation.js';
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
} from './MethodContract.js';
