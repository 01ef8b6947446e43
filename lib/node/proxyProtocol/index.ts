/**
 * proxyProtocol — the PROXY protocol (v1 and v2) of `rxrpcx/node`'s
 * listeners: the sans-I/O header parser, its error, the options, and the
 * header a listener read for a socket.
 *
 * @packageDocumentation
 */
export {
  PROXY_V1_MAX_LENGTH,
  PROXY_V2_MAX_LENGTH,
  parseProxyHeader,
  type ProxyFamily,
  type ProxyHeader,
  type ProxyHeaderResult,
  type ProxyTLV,
} from './parseProxyHeader.js';
export { ProxyProtocolError, type ProxyProtocolErrorReason } from './ProxyProtocolError.js';
export type { ProxyProtocolOptions } from './ProxyProtocolOptions.js';
export { proxyHeaderOf } from './proxyHeaderOf.js';
