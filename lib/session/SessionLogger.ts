/**
 * Where sessions write their log lines: any object with these four methods
 * (`console` is one).
 *
 * A session without a `logger` option uses the default logger
 * ({@link consoleLogger} unless {@link setDefaultLogger} chose another), each
 * line prefixed with the peer's address. The messages follow the reference's
 * log points; debug lines depend on the session's `verbosity`.
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
 * A {@link SessionLogger} that drops every line: for tests, or to silence
 * sessions (`setDefaultLogger(quietLogger)`).
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

/**
 * The default logger of sessions: `warn` and `error` lines to `console`, one
 * line each; `debug` and `info` are dropped.
 *
 * Only the message is written: context arguments (an exception, with its
 * stack) go to loggers of your own, so that one failure is one line here.
 * Works wherever `console` does, browsers included. Sessions using it as
 * their default put the peer's address in front of each line.
 *
 * ## Example
 * ```ts
 * import { consoleLogger } from 'rxrpcx';
 * consoleLogger.warn('[127.0.0.1:50001] exception handling IncomingRequest("add", [1]): TypeError: boom');
 * consoleLogger.info('not shown');
 * ```
 */
export const consoleLogger: SessionLogger = Object.freeze({
  debug: nothing,
  info: nothing,
  warn: (message: string): void => console.warn(message),
  error: (message: string): void => console.error(message),
});
