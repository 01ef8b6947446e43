/**
 * socks — the SOCKS4 / SOCKS4a / SOCKS5 proxy client of `rxrpcx/node`:
 * protocol markers, credentials, the proxy with auto-detection, and its errors.
 *
 * @packageDocumentation
 */
export type { SOCKSAuth, SOCKSCredentials } from './SOCKSAuth';
export { SOCKSError, type SOCKSErrorCode, type SOCKSErrorContext } from './SOCKSError';
export { SOCKSFailure, type SOCKSFailureStage } from './SOCKSFailure';
export { defaultSOCKSProbe, type SOCKSProbe } from './SOCKSProbe';
export { SOCKS4, SOCKS4a, SOCKS5, SOCKS_PROTOCOLS, isSOCKSProtocol, type SOCKSProtocol } from './SOCKSProtocol';
export { SOCKSProtocolError, type SOCKSProtocolErrorReason } from './SOCKSProtocolError';
export {
  SOCKSProxy,
  type SOCKSAutoDetectOptions,
  type SOCKSConnectOptions,
  type SOCKSConnection,
  type SOCKSLookup,
} from './SOCKSProxy';
export { SOCKSRandomAuth } from './SOCKSRandomAuth';
export { SOCKSUserAuth } from './SOCKSUserAuth';
