/**
 * socks — the SOCKS4 / SOCKS4a / SOCKS5 proxy client of `rxrpcx/node`:
 * protocol markers, credentials, the proxy with auto-detection, and its errors.
 *
 * @packageDocumentation
 */
export type { SOCKSAuth, SOCKSCredentials } from './SOCKSAuth.js';
export { SOCKSError, type SOCKSErrorCode, type SOCKSErrorContext } from './SOCKSError.js';
export { SOCKSFailure, type SOCKSFailureStage } from './SOCKSFailure.js';
export { defaultSOCKSProbe, type SOCKSProbe } from './SOCKSProbe.js';
export { SOCKS4, SOCKS4a, SOCKS5, SOCKS_PROTOCOLS, isSOCKSProtocol, type SOCKSProtocol } from './SOCKSProtocol.js';
export { SOCKSProtocolError, type SOCKSProtocolErrorReason } from './SOCKSProtocolError.js';
export {
  SOCKSProxy,
  type SOCKSAutoDetectOptions,
  type SOCKSConnectOptions,
  type SOCKSConnection,
  type SOCKSLookup,
} from './SOCKSProxy.js';
export { SOCKSRandomAuth } from './SOCKSRandomAuth.js';
export { SOCKSUserAuth } from './SOCKSUserAuth.js';
