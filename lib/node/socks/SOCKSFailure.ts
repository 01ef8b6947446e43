import { SOCKSError, type SOCKSErrorContext } from './SOCKSError.js';

/**
 * Which answer of the proxy was a refusal.
 *
 * - `'methods'` — SOCKS5: none of the authentication methods offered is
 *   acceptable (`replyCode` is the method byte the proxy chose, usually 255).
 * - `'auth'` — SOCKS5: the username and password were rejected (`replyCode`
 *   is the RFC 1929 status).
 * - `'request'` — the connection to the destination was refused or failed
 *   (`replyCode` is the SOCKS4 code, 91–93, or the SOCKS5 one, 1–8).
 *
 * ## Example
 * ```ts
 * import type { SOCKSFailureStage } from 'rxrpcx/node';
 * const badCredentials = (stage: SOCKSFailureStage) => stage !== 'request';
 * ```
 */
export type SOCKSFailureStage = 'methods' | 'auth' | 'request';

/**
 * The proxy refused, or failed to make the connection — aiorpcX's
 * `SOCKSFailure`.
 *
 * The proxy followed the protocol and said no, so a SOCKS proxy is certainly
 * there. Messages are the reference's: for SOCKS4 and SOCKS4a
 * `'SOCKS4 proxy request failed: request rejected or failed'` (the four reply
 * codes' texts, or `unknown SOCKS4 reply code N`); for SOCKS5
 * `'SOCKS5 proxy rejected authentication methods'`,
 * `'SOCKS5 proxy auth failure code: 1'`, or the RFC 1928 reply text
 * (`'connection refused'`, `'host unreachable'` … or
 * `unknown SOCKS5 error code: N`).
 *
 * ## Example
 * ```ts
 * import { SOCKS5, SOCKSFailure, SOCKSProxy, SOCKSUserAuth } from 'rxrpcx/node';
 * try {
 *   await new SOCKSProxy('127.0.0.1:1080', SOCKS5, new SOCKSUserAuth('alice', 'wrong')).createConnection('example.com', 80);
 * } catch (error) {
 *   if (error instanceof SOCKSFailure) console.log(error.code, error.stage, error.replyCode, error.message);
 *   // RXRPCX_ERR_SOCKS_FAILURE auth 1 SOCKS5 proxy auth failure code: 1
 * }
 * ```
 */
export class SOCKSFailure extends SOCKSError {
  /** Always `'SOCKSFailure'`: a string that survives minification, unlike the class's own name. */
  override readonly name = 'SOCKSFailure' as const;
  readonly code = 'RXRPCX_ERR_SOCKS_FAILURE' as const;
  /** Which answer was the refusal. */
  readonly stage: SOCKSFailureStage;
  /** The code in the proxy's answer. */
  readonly replyCode: number;

  /**
   * @param message - the reference's message
   * @param stage - which answer was the refusal
   * @param replyCode - the code in that answer
   * @param context - proxy, protocol and destination
   */
  constructor(message: string, stage: SOCKSFailureStage, replyCode: number, context: SOCKSErrorContext) {
    super(message, context);
    this.stage = stage;
    this.replyCode = replyCode;
  }
}
