import { BatchError, ConnectError, ConnectionError, ListenError, NotConnectedError, ProtocolError, RPCError, SOCKSError, TaskTimeout } from '../index.js';
import { InterruptedError } from './InterruptedError.js';
import { UsageError } from './UsageError.js';

/**
 * The exit statuses of `rxrpcx`, one per class of failure, so a shell script
 * can tell "the server said no" from "there was no server".
 *
 * | status | meaning |
 * |---|---|
 * | 0 | success (for `subscribe` and `serve`, also a Ctrl-C that ended them) |
 * | 1 | the server answered with a JSON-RPC error (`RPCError`; a batch with an error member) |
 * | 2 | usage: bad flags or arguments, an unreadable file or module (and any failure outside these classes) |
 * | 3 | no connection: refused, DNS, TLS, SOCKS, the connection was lost; `serve` could not listen; `proxy-detect` found no proxy |
 * | 4 | timeout: connecting or waiting for the answer took longer than `--timeout` |
 * | 5 | protocol error: the peer's reply broke JSON-RPC |
 * | 130 | interrupted (Ctrl-C) before the answer came |
 */
export const ExitCode = Object.freeze({
  OK: 0,
  RPC_ERROR: 1,
  USAGE: 2,
  CONNECT: 3,
  TIMEOUT: 4,
  PROTOCOL: 5,
  INTERRUPTED: 130,
} as const);

/** One of the {@link ExitCode} values. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit status for an error, by its class; a `NotConnectedError` from a
 * client that gave up is judged by its cause (the attempt's error).
 *
 * @param error - anything thrown or emitted
 * @returns the status to exit with
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof NotConnectedError) return error.cause === undefined ? ExitCode.CONNECT : exitCodeOf(error.cause);
  if (error instanceof UsageError) return ExitCode.USAGE;
  if (error instanceof InterruptedError) return ExitCode.INTERRUPTED;
  if (error instanceof TaskTimeout) return ExitCode.TIMEOUT;
  if (error instanceof ConnectError) return error.reason === 'timeout' ? ExitCode.TIMEOUT : error.reason === 'unsupported' ? ExitCode.USAGE : ExitCode.CONNECT;
  if (error instanceof SOCKSError || error instanceof ConnectionError || error instanceof ListenError) return ExitCode.CONNECT;
  // ProtocolError is an RPCError: test it first.
  if (error instanceof ProtocolError) return ExitCode.PROTOCOL;
  if (error instanceof RPCError || error instanceof BatchError) return ExitCode.RPC_ERROR;
  return ExitCode.USAGE;
}
