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
  /**
   * Traffic detail, written only as the session's `verbosity` asks (bytes
   * received at 2, each message sent at 4, failed writes at 1).
   */
  debug(message: string, ...context: unknown[]): void;
  /** Routine events worth a line: a request timing out, concurrency changing with cost. */
  info(message: string, ...context: unknown[]): void;
  /**
   * Something went wrong and the session carries on: a handler threw (the
   * exception is the context argument), a notification could not be sent, a
   * stalled write is aborted.
   */
  warn(message: string, ...context: unknown[]): void;
  /** Something went wrong that ends the session, or a hook of yours failed (`connectionLost`, a cost group key). */
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
export const quietLogger: SessionLogger = /* @__PURE__ */ Object.freeze({
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
export const consoleLogger: SessionLogger = /* @__PURE__ */ Object.freeze({
  debug: nothing,
  info: nothing,
  warn: (message: string): void => console.warn(message),
  error: (message: string): void => console.error(message),
});
