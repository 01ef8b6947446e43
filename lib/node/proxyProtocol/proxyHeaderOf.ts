import type { Socket } from 'node:net';
import type { ProxyHeader } from './parseProxyHeader.js';

const headers = new WeakMap<Socket, ProxyHeader>();

/**
 * The PROXY protocol header a listener read for this accepted socket, or
 * `undefined` (no `proxyProtocol`, or not one of its sockets).
 *
 * A `SocketTransport` reads it by itself (its `remoteAddress()` is the
 * header's `source` when there is one), and `listenWebSockets` puts the
 * source in `remoteAddress`; this is for the rest of the header: where the
 * client connected (`destination`), the version, the v2 TLVs.
 *
 * ## Example
 * ```ts
 * import { listenSockets, proxyHeaderOf } from 'rxrpcx/node';
 * const listener = await listenSockets('127.0.0.1', 0, { proxyProtocol: { trusted: ['127.0.0.1'] } });
 * listener.connections.subscribe((socket) => {
 *   const header = proxyHeaderOf(socket);
 *   console.log(String(header?.source), 'via', socket.remoteAddress, 'to', String(header?.destination));
 * });
 * ```
 *
 * @param socket - a socket a listener handed out (a TLS one included)
 * @returns its header, if it came with one
 */
export function proxyHeaderOf(socket: Socket): ProxyHeader | undefined {
  return headers.get(socket);
}

/** Ties a header to the socket that is handed out. @internal */
export function setProxyHeader(socket: Socket, header: ProxyHeader): void {
  headers.set(socket, header);
}
