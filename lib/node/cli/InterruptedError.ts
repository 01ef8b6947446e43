/**
 * Ctrl-C (SIGINT) or SIGTERM arrived: the reason `main` aborts a command's
 * signal with. A command waiting for an answer exits with status 130.
 */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError' as const;
  /** Stable code: `'RXRPCX_ERR_INTERRUPTED'`. */
  readonly code = 'RXRPCX_ERR_INTERRUPTED' as const;

  /** @param signal - the signal that arrived */
  constructor(readonly signal: NodeJS.Signals = 'SIGINT') {
    super(`interrupted (${signal})`);
  }
}
