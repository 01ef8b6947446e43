import type { SchedulerLike } from 'rxjs';
import type { ConnectionOptions } from 'node:tls';
import type { Socket } from 'node:net';
import type { TransportProxy } from '../transport/Transport.js';
import type { NetAddress } from '../util/NetAddress.js';

/**
 * A proxy `connectRs` can dial through: `SOCKSProxy` is one.
 *
 * ## Example
 * ```ts
 * import { SOCKSProxy, SOCKS5, connectRs } from 'rxrpcx/node';
 * const proxy = new SOCKSProxy('127.0.0.1:9050', SOCKS5, undefined);
 * const session = await connectRs('example.onion', 50001, { proxy });
 * ```
 */
export interface ProxyConnector extends TransportProxy {
  /** Opens a connection to `host:port` through the proxy. */
  createConnection(
    host: string,
    port: number,
    options?: {
      /** Speak TLS to the destination over the proxied connection: `true` for the defaults, or `node:tls` options. @default plain TCP */
      readonly tls?: ConnectionOptions | true;
      /** Seconds allowed for the proxy's connection and handshake, and again for the TLS handshake. */
      readonly timeout?: number;
      /** Drives the timeouts. @default asyncScheduler */
      readonly scheduler?: SchedulerLike;
      /** Aborts the attempt. @default none */
      readonly signal?: AbortSignal;
    },
  ): Promise<{
    /** The connected socket (TLS when asked for), the proxy's handshake done: bytes now go to `host:port`. */
    readonly socket: Socket;
    /** The destination, `host:port` (what a transport's `remoteAddress()` should report). */
    readonly remoteAddress: NetAddress;
  }>;
}
