import type { NetAddress } from '../../util/NetAddress.js';
import type { SOCKSProtocol } from './SOCKSProtocol.js';

/**
 * The stable codes of the SOCKS errors, one per error class.
 *
 * ## Example
 * ```ts
 * import type { SOCKSErrorCode } from 'rxrpcx/node';
 * const proxyIsThere: SOCKSErrorCode[] = ['RXRPCX_ERR_SOCKS_FAILURE'];
 * ```
 */
export type SOCKSErrorCode = 'RXRPCX_ERR_SOCKS_PROTOCOL' | 'RXRPCX_ERR_SOCKS_FAILURE';

/**
 * Where a SOCKS error happened: which proxy, speaking which protocol, asked
 * for which destination. Never any credentials.
 *
 * ## Example
 * ```ts
 * import { NetAddress } from 'rxrpcx';
 * import type { SOCKSErrorContext } from 'rxrpcx/node';
 * const context: SOCKSErrorContext = { protocol: 'SOCKS5', proxyAddress: new NetAddress('127.0.0.1', 9050), target: 'example.com:80' };
 * ```
 */
export interface SOCKSErrorContext {
  /** The protocol spoken to the proxy. */
  readonly protocol: SOCKSProtocol;
  /** The proxy's address, as configured. */
  readonly proxyAddress: NetAddress;
  /** The destination asked for, `host:port` (`[v6]:port`). */
  readonly target: string;
}

/**
 * The base class of SOCKS errors — aiorpcX's `SOCKSError`.
 *
 * Every error raised is one of its two subclasses:
 * {@link SOCKSProtocolError} (the proxy did not follow the protocol, closed
 * the connection mid-handshake, or the request cannot be expressed in the
 * protocol) and {@link SOCKSFailure} (the proxy answered properly but refused:
 * authentication rejected, or the connection to the destination not made).
 * A `SOCKSFailure` means a SOCKS proxy is there; auto-detection relies on it.
 * Failing to reach the proxy at all is a `ConnectError`, not a `SOCKSError`.
 * No SOCKS error carries a password or a username.
 *
 * ## Example
 * ```ts
 * import { SOCKS5, SOCKSError, SOCKSProxy } from 'rxrpcx/node';
 * try {
 *   await new SOCKSProxy('127.0.0.1:9050', SOCKS5, null).createConnection('example.com', 80);
 * } catch (error) {
 *   if (error instanceof SOCKSError) console.error(error.code, error.protocol, String(error.proxyAddress), error.message);
 * }
 * ```
 */
export abstract class SOCKSError extends Error implements SOCKSErrorContext {
  /** The concrete class's name, `'SOCKSProtocolError'` or `'SOCKSFailure'`: a string that survives minification, unlike the class's own name. */
  abstract override readonly name: 'SOCKSProtocolError' | 'SOCKSFailure';
  /** Stable code for programmatic checks. */
  abstract readonly code: SOCKSErrorCode;
  readonly protocol: SOCKSProtocol;
  readonly proxyAddress: NetAddress;
  readonly target: string;

  /**
   * @param message - what happened (the reference's text where it has one)
   * @param context - proxy, protocol and destination
   * @param options - the standard `cause`
   */
  constructor(message: string, context: SOCKSErrorContext, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.protocol = context.protocol;
    this.proxyAddress = context.proxyAddress;
    this.target = context.target;
  }
}
