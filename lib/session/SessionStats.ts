/**
 * A snapshot of a session's statistics and cost, as `session.stats()` returns
 * it and `session.stats$` emits it. Times are seconds on the session's
 * scheduler clock (`scheduler.now() / 1000`), like the reference's
 * `time.time()` values.
 *
 * ## Example
 * ```ts
 * import { RPCSession, memoryTransportPair, type SessionStats } from 'rxrpcx';
 * const [transport] = memoryTransportPair();
 * const session = new RPCSession(transport);
 * const stats: SessionStats = session.stats();
 * console.log(stats.sendCount, stats.cost);
 * ```
 */
export interface SessionStats {
  /** When the session was made. */
  readonly startTime: number;
  /** Errors counted (protocol errors, bad frames, failed handlers). */
  readonly errors: number;
  /** Messages sent. */
  readonly sendCount: number;
  /** Bytes sent, before framing. */
  readonly sendSize: number;
  /** When the last message was sent. */
  readonly lastSend: number;
  /** Messages received. */
  readonly recvCount: number;
  /** Bytes received, framing included. */
  readonly recvSize: number;
  /** When the last message was received. */
  readonly lastRecv: number;
  /** The session's resource-usage cost. */
  readonly cost: number;
  /** How many incoming requests may run at once now. */
  readonly incomingConcurrency: number;
  /** Incoming requests received and not yet answered. */
  readonly unansweredRequests: number;
  /** Bytes written but not yet taken by the transport's peer. */
  readonly bufferedAmount: number;
}
