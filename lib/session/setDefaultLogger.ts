import type { NetAddress } from '../util/NetAddress.js';
import { consoleLogger, type SessionLogger } from './SessionLogger.js';

let current: SessionLogger = consoleLogger;

/**
 * Sets the logger of every session made from now on without a `logger`
 * option, and of every client without one: one call for a whole program.
 *
 * It starts as {@link consoleLogger} (`warn` and `error` to `console`).
 * Sessions take the default when they are made, and put the peer's address in
 * front of each line (`[127.0.0.1:50001] exception handling …`); sessions
 * already made, and those given a `logger`, keep theirs. Pass
 * {@link quietLogger} to silence them.
 *
 * ## Example
 * ```ts
 * import { RPCSession, memoryTransportPair, quietLogger, setDefaultLogger } from 'rxrpcx';
 * // Everything, info included, to stderr with a timestamp:
 * const stamp = (line: string) => console.error(`${new Date().toISOString()} ${line}`);
 * setDefaultLogger({ debug: () => {}, info: stamp, warn: stamp, error: stamp });
 * // Or silence, e.g. in a test setup file, and back:
 * const previous = setDefaultLogger(quietLogger);
 * const [transport] = memoryTransportPair();
 * const session = new RPCSession(transport); // silent
 * setDefaultLogger(previous);
 * ```
 *
 * @param logger - the new default
 * @returns the default it replaces
 * @throws TypeError if `logger` lacks one of the four methods
 */
export function setDefaultLogger(logger: SessionLogger): SessionLogger {
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (typeof (logger as Partial<SessionLogger> | null)?.[level] !== 'function') throw new TypeError(`a SessionLogger needs a ${level}() method`);
  }
  const previous = current;
  current = logger;
  return previous;
}

/** The default logger now (internal: sessions and clients read it when made). */
export function defaultLogger(): SessionLogger {
  return current;
}

/** `logger` with the peer's address, read at each line, in front of every message: `[host:port] message`. */
export function peerLogger(logger: SessionLogger, peer: () => NetAddress | undefined): SessionLogger {
  const prefixed =
    (write: SessionLogger['warn']) =>
    (message: string, ...context: unknown[]): void => {
      const address = peer();
      write.call(logger, address === undefined ? message : `[${address.toString()}] ${message}`, ...context);
    };
  return { debug: prefixed(logger.debug), info: prefixed(logger.info), warn: prefixed(logger.warn), error: prefixed(logger.error) };
}
