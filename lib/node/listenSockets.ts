import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import type { Observable, SchedulerLike } from 'rxjs';
import type { NetAddress } from '../util/NetAddress.js';
import { ArrivalStream, startListening, trackHandshakes } from './nodeInternals.js';
import { proxyFront, proxyReporter, resolveProxyProtocol } from './proxyProtocol/proxyProtocolInternals.js';
import type { ProxyProtocolOptions } from './proxyProtocol/ProxyProtocolOptions.js';

/**
 * Options of {@link listenSockets}.
 *
 * ## Example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import type { ListenSocketsOptions } from 'rxrpcx/node';
 * const options: ListenSocketsOptions = { tls: { key: readFileSync('key.pem'), cert: readFileSync('cert.pem') }, backlog: 100 };
 * ```
 */
export interface ListenSocketsOptions {
  /** Serve TLS with these `node:tls` server options (`key`, `cert`, …). @default plain TCP */
  readonly tls?: TlsOptions;
  /** Length of the queue of connections not yet accepted. @default Node's (511) */
  readonly backlog?: number;
  /** Called with errors that do not stop the server: failed accepts, failed TLS handshakes, refused PROXY headers. @default ignored (PROXY refusals: a `warn` line on the default logger) */
  readonly onError?: (error: Error) => void;
  /**
   * Expect a PROXY protocol header (v1 or v2) from trusted balancers before
   * anything else, TLS included, and refuse every other connection; see
   * {@link ProxyProtocolOptions}. @default off
   */
  readonly proxyProtocol?: boolean | ProxyProtocolOptions;
  /** Drives the PROXY header timeout. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * A listening TCP or TLS server, as {@link listenSockets} returns it.
 *
 * ## Example
 * ```ts
 * import { listenSockets } from 'rxrpcx/node';
 * const listener = await listenSockets('127.0.0.1', 0);
 * console.log(`listening on ${listener.address}`);
 * await listener.close();
 * ```
 */
export interface SocketListener {
  /** Where the server listens (the real port when 0 was asked for). */
  readonly address: NetAddress;
  /**
   * The accepted connections (TLS ones after their handshake), for one
   * subscriber; completes when the listener closes. A connection that arrives
   * while nobody subscribes is destroyed, not queued.
   */
  readonly connections: Observable<Socket>;
  /**
   * Stops listening and completes `connections`. Connections already handed
   * out stay open — they belong to their subscriber — but any still in their
   * TLS handshake are destroyed.
   */
  close(): Promise<void>;
}

/**
 * Listens for TCP (or TLS) connections on `host:port`.
 *
 * Resolves once the server listens (`port` 0 picks a free port; read it from
 * `address`), and fails with a {@link ListenError} when it cannot. Accepted
 * sockets have `TCP_NODELAY` set and are never half-open; wrap each in a
 * {@link SocketTransport} with `SessionKind.SERVER`.
 *
 * ## Example
 * ```ts
 * import { SessionKind } from 'rxrpcx';
 * import { SocketTransport, listenSockets } from 'rxrpcx/node';
 * const listener = await listenSockets('127.0.0.1', 0);
 * listener.connections.subscribe((socket) => {
 *   const transport = new SocketTransport(socket, SessionKind.SERVER);
 *   transport.incoming.subscribe((chunk) => void transport.write(chunk)); // echo
 * });
 * ```
 *
 * @param host - the address to listen on; `undefined` for every interface
 * @param port - the port, or 0 for any free one
 * @param options - TLS, backlog and a sink for non-fatal errors
 * @returns the listener
 */
export async function listenSockets(host: string | undefined, port: number, options: ListenSocketsOptions = {}): Promise<SocketListener> {
  const proxied = resolveProxyProtocol(options.proxyProtocol);
  const onError = options.onError ?? (() => undefined);
  const arrivals = new ArrivalStream<Socket>((socket) => socket.destroy());
  let destroyHandshaking = (): void => undefined;
  let server: Server;
  if (options.tls) {
    const tlsServer = createTlsServer({ ...options.tls, allowHalfOpen: false, noDelay: true });
    destroyHandshaking = trackHandshakes(tlsServer);
    tlsServer.on('secureConnection', (socket: TLSSocket) => arrivals.push(socket));
    tlsServer.on('tlsClientError', (error: Error, socket: TLSSocket) => {
      socket.destroy();
      onError(error);
    });
    server = tlsServer;
  } else {
    server = createNetServer({ allowHalfOpen: false, noDelay: true }, (socket) => arrivals.push(socket));
  }

  if (!proxied) return startListening(server, host, port, { backlog: options.backlog, onError }, arrivals, destroyHandshaking);
  const front = proxyFront(server, proxied, { scheduler: options.scheduler, report: proxyReporter(options.onError), flowing: false });
  return startListening(front.server, host, port, { backlog: options.backlog, onError }, arrivals, () => {
    front.destroyPending();
    destroyHandshaking();
  });
}
