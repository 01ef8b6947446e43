import type { NetAddress } from '../../util/NetAddress.js';

/**
 * Why a connection was refused at its PROXY protocol header.
 *
 * - `'untrusted'`: the connection came from an address not in `trusted`
 *   (closed before anything is read);
 * - `'missing'`: its first bytes are not a PROXY header (v1 `PROXY ` or the
 *   v2 signature);
 * - `'malformed'`: the header breaks the format (a bad command, family,
 *   address, port or TLV);
 * - `'oversized'`: a v1 line longer than 107 bytes, or a v2 header declaring
 *   more than {@link PROXY_V2_MAX_LENGTH} bytes;
 * - `'truncated'`: the peer closed the connection in the middle of the header;
 * - `'timeout'`: no complete header within the timeout.
 *
 * ## Example
 * ```ts
 * import type { ProxyProtocolErrorReason } from 'rxrpcx/node';
 * const reason: ProxyProtocolErrorReason = 'timeout';
 * ```
 */
export type ProxyProtocolErrorReason = 'untrusted' | 'missing' | 'malformed' | 'oversized' | 'truncated' | 'timeout';

/**
 * A connection was refused because of its PROXY protocol header: it came
 * from an untrusted address, or its header was missing, malformed, too long,
 * cut short or too slow.
 *
 * {@link parseProxyHeader} returns it (never throws it) for bad bytes; a
 * listener with `proxyProtocol` reports it to `onError` (or, without one, as
 * a `warn` line on the default logger) and closes the connection, which then
 * never reaches a session. It holds no bytes of the header, only what was
 * wrong with them.
 *
 * ## Example
 * ```ts
 * import { parseProxyHeader } from 'rxrpcx/node';
 * const result = parseProxyHeader(new TextEncoder().encode('PROXY TCP4 1.2.3.4\r\n'));
 * if (result.status === 'invalid') console.log(result.error.code, result.error.reason); // RXRPCX_ERR_PROXY_PROTOCOL malformed
 * ```
 *
 * @param reason - what was wrong
 * @param message - a sentence saying so
 * @param peer - the address the connection came from (the balancer), when known
 */
export class ProxyProtocolError extends Error {
  /** Always `'ProxyProtocolError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'ProxyProtocolError' as const;
  /** Stable error code. */
  readonly code = 'RXRPCX_ERR_PROXY_PROTOCOL' as const;

  constructor(
    /** What was wrong, in a stable, switchable form. */
    readonly reason: ProxyProtocolErrorReason,
    message: string,
    /** The address the connection came from (the balancer), when known; `parseProxyHeader` leaves it out. */
    readonly peer?: NetAddress,
  ) {
    super(message);
  }
}
