/**
 * A command line the CLI cannot run: an unknown flag, a missing argument, a
 * value out of range, an unreadable file. Exits with status 2 and points at
 * `--help`.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError' as const;
  /** Stable code: `'RXRPCX_ERR_USAGE'`. */
  readonly code = 'RXRPCX_ERR_USAGE' as const;

  /**
   * @param message - what is wrong, in words
   * @param options - `cause`: the underlying error (e.g. from `util.parseArgs`)
   */
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
  }
}
