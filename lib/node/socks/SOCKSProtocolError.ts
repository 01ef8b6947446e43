import { SOCKSError, type SOCKSErrorContext } from './SOCKSError.js';

/**
 * Why a {@link SOCKSProtocolError} was raised.
 *
 * - `'destination'` — the protocol cannot carry the destination (SOCKS4 needs
 *   an IPv4 address, SOCKS4a an IPv4 address or a host name); found before any I/O.
 * - `'credentials'` — SOCKS5 cannot send the username or password (each must
 *   be 1–255 bytes of UTF-8), or a SOCKS4 user id contains a NUL; before any I/O.
 * - `'reply'` — the proxy sent bytes the protocol does not allow.
 * - `'closed'` — the proxy ended or reset the connection mid-handshake.
 *
 * ## Example
 * ```ts
 * import type { SOCKSProtocolErrorReason } from 'rxrpcx/node';
 * const callersFault = (reason: SOCKSProtocolErrorReason) => reason === 'destination' || reason === 'credentials';
 * ```
 */
export type SOCKSProtocolErrorReason = 'destination' | 'credentials' | 'reply' | 'closed';

/**
 * The proxy did not follow the SOCKS protocol, or the request cannot be
 * expressed in it — aiorpcX's `SOCKSProtocolError`.
 *
 * Messages are the reference's: `'invalid SOCKS5 proxy response: b'…''` (with
 * the offending bytes in Python's notation, kept in {@link reply}),
 * `'EOF received'`, `'SOCKS4 requires an IPv4 address: ::1'`, `'password has
 * invalid length 0'` — except that a bad username's message does not repeat
 * the username.
 *
 * ## Example
 * ```ts
 * import { SOCKS4, SOCKSProtocolError, SOCKSProxy } from 'rxrpcx/node';
 * try {
 *   await new SOCKSProxy('127.0.0.1:1080', SOCKS4, null).createConnection('example.com', 80);
 * } catch (error) {
 *   if (error instanceof SOCKSProtocolError) console.log(error.code, error.reason, error.message);
 *   // RXRPCX_ERR_SOCKS_PROTOCOL destination SOCKS4 requires an IPv4 address: example.com
 * }
 * ```
 */
export class SOCKSProtocolError extends SOCKSError {
  /** Always `'SOCKSProtocolError'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'SOCKSProtocolError' as const;
  readonly code = 'RXRPCX_ERR_SOCKS_PROTOCOL' as const;
  /** What was wrong. */
  readonly reason: SOCKSProtocolErrorReason;
  /** For `'reply'`: the reply bytes the proxy sent that broke the protocol. */
  readonly reply: Uint8Array | undefined;

  /**
   * @param message - the reference's message
   * @param reason - what was wrong
   * @param context - proxy, protocol and destination
   * @param options - the offending reply bytes, and the standard `cause` (a socket error for `'closed'`)
   */
  constructor(
    message: string,
    reason: SOCKSProtocolErrorReason,
    context: SOCKSErrorContext,
    options: { readonly reply?: Uint8Array; readonly cause?: unknown } = {},
  ) {
    super(message, context, 'cause' in options ? { cause: options.cause } : undefined);
    this.reason = reason;
    this.reply = options.reply === undefined ? undefined : Uint8Array.from(options.reply);
  }
}
