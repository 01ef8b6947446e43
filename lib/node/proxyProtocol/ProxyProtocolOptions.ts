/**
 * The PROXY protocol settings of a listener (`proxyProtocol` of
 * `listenSockets`, `listenWebSockets`, `serveRs` and `serveWs`); `true`
 * means all the defaults.
 *
 * With the PROXY protocol on, the port belongs to the balancers: a
 * connection from an address not in `trusted` is closed at once, unread, and
 * one from a trusted address must open with a v1 or v2 header within
 * `timeout` seconds, or it is closed. Either way the reason goes to the
 * listener's `onError` (or, without one, to the default logger as a `warn`
 * line) and no session is made.
 *
 * ## Example
 * ```ts
 * import type { ProxyProtocolOptions } from 'rxrpcx/node';
 * const options: ProxyProtocolOptions = { trusted: ['10.0.0.5', '10.0.0.6', '::1'], timeout: 3 };
 * ```
 */
export interface ProxyProtocolOptions {
  /**
   * The balancers' IP addresses (IPv4 or IPv6 text, compared exactly; an
   * IPv4-mapped IPv6 peer matches its IPv4 form). Nothing else may connect.
   * @default ['127.0.0.1', '::1'] (a balancer on the same machine)
   */
  readonly trusted?: readonly string[];
  /** Seconds a trusted connection has to send its whole header. @default 5 */
  readonly timeout?: number;
}
