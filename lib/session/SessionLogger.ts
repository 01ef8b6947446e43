/**
 * Where sessions write their log lines: any object with these four methods
 * (`console` is one).
 *
 * Sessions are quiet by default ({@link quietLogger}). The messages follow the
 * reference's log points; debug lines depend on the session's `verbosity`.
 *
 * ## Example
 * ```ts
 * import { RPCSession, memoryTransportPair } from 'rxrpcx';
 * const [transport] = memoryTransportPair();
 * const session = new RPCSession(transport, { logger: console, verbosity: 2 });
 * ```
 */
export interface SessionLogger {
  debug(message: string, ...context: unknown[]): void;
  info(message: string, ...context: unknown[]): void;
  warn(message: string, ...context: unknown[]): void;
  error(message: string, ...context: unknown[]): void;
}

const nothing = (): void => undefined;

/**
 * The default {@link SessionLogger}: drops every line.
 *
 * ## Example
 * ```ts
 * import { quietLogger } from 'rxrpcx';
 * quietLogger.info('never shown');
 * ```
 */
export const quietLogger: SessionLogger = Object.freeze({
  debug: nothing,
  info: nothing,
  warn: nothing,
  error: nothing,
});
