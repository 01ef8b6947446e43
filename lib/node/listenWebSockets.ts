import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { TlsOptions } from 'node:tls';
import type { Observable, SchedulerLike } from 'rxjs';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import { toNetAddress } from '../transport/transportInternals.js';
import type { NetAddress } from '../util/NetAddress.js';
import { ArrivalStream, startListening, trackHandshakes } from './nodeInternals.js';
import { DEFAULT_WS_MAX_PAYLOAD } from './openWebSocket.js';
import { proxyHeaderOf } from './proxyProtocol/proxyHeaderOf.js';
import { proxyFront, proxyReporter, resolveProxyProtocol } from './proxyProtocol/proxyProtocolInternals.js';
import type { ProxyProtocolOptions } from './proxyProtocol/ProxyProtocolOptions.js';

/**
 * Options of {@link listenWebSockets}.
 *
 * ## Example
 * ```ts
 * import type { ListenWebSocketsOptions } from 'rxrpcx/node';
 * const options: ListenWebSocketsOptions = { maxPayload: 4 << 20, backlog: 100 };
 * ```
 */
export interface ListenWebSocketsOptions {
  /** Largest incoming message in bytes; a bigger one closes that connection with 1009. @default 1 MiB */
  readonly maxPayload?: number;
  /** Serve `wss:` with these `node:tls` server options (`key`, `cert`, …). @default plain `ws:` */
  readonly tls?: TlsOptions;
  /** Length of the queue of connections not yet accepted. @default Node's (511) */
  readonly backlog?: number;
  /** Accept permessage-deflate compression when a client offers it. @default false */
  readonly perMessageDeflate?: boolean;
  /** Called with errors that do not stop the server (failed TLS handshakes, accept errors, refused PROXY headers). @default ignored (PROXY refusals: a `warn` line on the default logger) */
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
 * A WebSocket a client opened, as {@link listenWebSockets} hands it out.
 *
 * ## Example
 * ```ts
 * import { SessionKind } from 'rxrpcx';
 * import { WsTransport, type AcceptedWebSocket } from 'rxrpcx/node';
 * const wrap = ({ socket, remoteAddress }: AcceptedWebSocket) => new WsTransport(socket, SessionKind.SERVER, { remoteAddress });
 * ```
 */
export interface AcceptedWebSocket {
  /** The open WebSocket. */
  readonly socket: WebSocket;
  /** The client's IP address and port (behind a balancer with the PROXY protocol: the header's source). */
  readonly remoteAddress: NetAddress | undefined;
  /** The upgrade request (path, headers). */
  readonly request: IncomingMessage;
}

/**
 * A listening WebSocket server, as {@link listenWebSockets} returns it.
 *
 * ## Example
 * ```ts
 * import { listenWebSockets } from 'rxrpcx/node';
 * const listener = await listenWebSockets('127.0.0.1', 0);
 * console.log(`ws://${listener.address}`);
 * await listener.close();
 * ```
 */
export interface WebSocketListener {
  /** Where the server listens (the real port when 0 was asked for). */
  readonly address: NetAddress;
  /**
   * The accepted WebSockets, for one subscriber; completes when the listener
   * closes. One that arrives while nobody subscribes is terminated, not queued.
   */
  readonly connections: Observable<AcceptedWebSocket>;
  /** Stops listening and completes `connections`; WebSockets already handed out stay open. */
  close(): Promise<void>;
}

/**
 * Listens for WebSocket connections on `host:port`, any path, with the `ws` package.
 *
 * Resolves once the server listens (`port` 0 picks a free port), or fails
 * with a {@link ListenError}. Plain HTTP requests get `426 Upgrade Required`.
 * Wrap each accepted socket in a {@link WsTransport} with `SessionKind.SERVER`
 * and the given `remoteAddress`.
 *
 * ## Example
 * ```ts
 * import { SessionKind } from 'rxrpcx';
 * import { WsTransport, listenWebSockets } from 'rxrpcx/node';
 * const listener = await listenWebSockets('127.0.0.1', 0, { maxPayload: 1 << 20 });
 * listener.connections.subscribe(({ socket, remoteAddress }) => {
 *   const transport = new WsTransport(socket, SessionKind.SERVER, { remoteAddress });
 *   transport.incoming.subscribe((message) => void transport.write(message)); // echo
 * });
 * ```
 *
 * @param host - the address to listen on; `undefined` for every interface
 * @param port - the port, or 0 for any free one
 * @param options - message size limit, TLS, backlog, compression, a sink for non-fatal errors
 * @returns the listener
 */
export async function listenWebSockets(host: string | undefined, port: number, options: ListenWebSocketsOptions = {}): Promise<WebSocketListener> {
  const proxied = resolveProxyProtocol(options.proxyProtocol);
  const onError = options.onError ?? (() => undefined);
  const arrivals = new ArrivalStream<AcceptedWebSocket>(({ socket }) => socket.terminate());
  let destroyHandshaking = (): void => undefined;
  let server: HttpServer;
  if (options.tls) {
    const httpsServer = createHttpsServer(options.tls);
    destroyHandshaking = trackHandshakes(httpsServer);
    httpsServer.on('tlsClientError', (error: Error) => onError(error));
    server = httpsServer;
  } else {
    server = createHttpServer();
  }
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: options.maxPayload ?? DEFAULT_WS_MAX_PAYLOAD,
    perMessageDeflate: options.perMessageDeflate ?? false,
  });
  server.on('request', (_request, response) => {
    response.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close', Upgrade: 'websocket' });
    response.end('Upgrade Required');
  });
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const remoteAddress = proxyHeaderOf(socket)?.source ?? toNetAddress(socket.remoteAddress, socket.remotePort);
    wss.handleUpgrade(request, socket, head, (ws) => arrivals.push({ socket: ws, remoteAddress, request }));
  });

  const stop = (): void => {
    // Upgraded sockets are no longer the HTTP server's; idle keep-alive ones are.
    server.closeIdleConnections();
    destroyHandshaking();
    wss.close();
  };
  if (!proxied) return startListening(server, host, port, { backlog: options.backlog, onError }, arrivals, stop);
  const front = proxyFront(server, proxied, { scheduler: options.scheduler, report: proxyReporter(options.onError), flowing: !options.tls });
  // The HTTP server never listens itself; 'listening' starts its connection tracking (header and request timeouts).
  server.emit('listening');
  return startListening(front.server, host, port, { backlog: options.backlog, onError }, arrivals, () => {
    front.destroyPending();
    stop();
    // Stops that tracking.
    server.close();
  });
}
