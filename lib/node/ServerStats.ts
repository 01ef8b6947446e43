/**
 * How the costs of a server's live sessions are spread: what tells an
 * operator whether a few peers are being throttled or everyone is.
 *
 * Quantiles are nearest-rank over the live sessions' `cost` (0 when none is
 * live). A session's cost is read as it stands, without the decay owed since
 * its last recalculation, as `session.cost` reads it.
 *
 * ## Example
 * ```ts
 * import { serveRs, type ServerCostStats } from 'rxrpcx/node';
 * const server = await serveRs(undefined, '127.0.0.1', 0);
 * const cost: ServerCostStats = server.stats().cost;
 * if (cost.overSoftLimit > 0) console.log(`${cost.overSoftLimit} sessions throttled, the worst at ${cost.max}`);
 * await server.close();
 * ```
 */
export interface ServerCostStats {
  /** Live sessions whose cost is above their `costSoftLimit` (being throttled). */
  readonly overSoftLimit: number;
  /** The median cost. */
  readonly p50: number;
  /** The 90th percentile. */
  readonly p90: number;
  /** The 99th percentile. */
  readonly p99: number;
  /** The highest cost. */
  readonly max: number;
}

/**
 * A snapshot of a server's statistics, as `server.stats()` returns it and
 * `server.stats$` emits it: its sessions' counters added up, those of the
 * sessions that have closed included (folded in as each closes, so nothing is
 * lost and the server keeps nothing per closed session).
 *
 * Totals count from the server's start. The rates are over the last window
 * of at least `statsInterval` seconds that has ended (0 until one has). Times
 * are seconds on the server's scheduler clock.
 *
 * ## Example
 * ```ts
 * import { JSONRPC } from 'rxrpcx';
 * import { serveRs, type ServerStats } from 'rxrpcx/node';
 * const server = await serveRs(undefined, '127.0.0.1', 0);
 * const stats: ServerStats = server.stats();
 * console.log(stats.sessionsOpen, stats.requestsPerSecond, stats.errorReplies[JSONRPC.METHOD_NOT_FOUND] ?? 0);
 * await server.close();
 * ```
 */
export interface ServerStats {
  /** When the snapshot was taken. */
  readonly time: number;
  /** Sessions live now. */
  readonly sessionsOpen: number;
  /** Sessions started since the server started. */
  readonly sessionsOpened: number;
  /** Incoming requests received (each member of a batch counts). */
  readonly requests: number;
  /** Incoming notifications received (each member of a batch counts). */
  readonly notifications: number;
  /** Requests per second over the last window. */
  readonly requestsPerSecond: number;
  /** Notifications per second over the last window. */
  readonly notificationsPerSecond: number;
  /** How long (seconds) the window of the rates was; 0 until one has ended. */
  readonly rateWindow: number;
  /**
   * Error replies sent, by JSON-RPC code (−32700 parse error, −32600 invalid
   * request, −32601 method not found, −32602 invalid params, −32603
   * internal error, −101 excessive resource usage, −102 server busy, and
   * the handlers' own codes). A code never sent is absent.
   */
  readonly errorReplies: Readonly<Record<number, number>>;
  /** Errors the sessions counted (protocol errors, bad frames, failed handlers: `session.errors`). */
  readonly errors: number;
  /** Messages received. */
  readonly messagesReceived: number;
  /** Messages sent. */
  readonly messagesSent: number;
  /** Bytes received, framing included. */
  readonly bytesReceived: number;
  /** Bytes sent, before framing (as `session.sendSize`). */
  readonly bytesSent: number;
  /** Sessions disconnected for excessive cost (they reached `costHardLimit`). */
  readonly costDisconnects: number;
  /** The spread of the live sessions' costs. */
  readonly cost: ServerCostStats;
}
