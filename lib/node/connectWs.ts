import type { ConnectionOptions } from 'node:tls';
import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import type { RPCSession } from '../session/RPCSession.js';
import type { SessionBase } from '../session/SessionBase.js';
import { SessionKind } from '../transport/SessionKind.js';
import { sessionObservable, startSession, factoryOptions } from './nodeInternals.js';
import { DEFAULT_WS_MAX_PAYLOAD, openWebSocket } from './openWebSocket.js';
import { defaultSessionFactory, type SessionFactory } from './SessionFactory.js';
import { WsTransport } from './WsTransport.js';

/**
 * Options of {@link connectWs}.
 *
 * ## Example
 * ```ts
 * import type { ConnectWsOptions } from 'rxrpcx/node';
 * const options: ConnectWsOptions = { maxPayload: 4_000_000, pingInterval: 30 };
 * ```
 */
export interface ConnectWsOptions<S extends SessionBase<Uint8Array> = RPCSession> {
  /** Makes the session. @default a plain RPCSession */
  readonly sessionFactory?: SessionFactory<S>;
  /** The largest message accepted, in bytes (ws's `maxPayload`). @default 1 MiB */
  readonly maxPayload?: number;
  /** Seconds between pings; a peer that misses a pong is closed. 0: no pings. @default 0 */
  readonly pingInterval?: number;
  /** TLS options for `wss:` URLs. */
  readonly tls?: ConnectionOptions;
  /** Extra HTTP headers for the upgrade request. */
  readonly headers?: Record<string, string>;
  /** Seconds to connect and upgrade. @default 30 */
  readonly timeout?: number;
  /** Drives timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Connects to a WebSocket JSON-RPC server and resolves with the session:
 * aiorpcX's `connect_ws`. One message per frame, text when it is UTF-8.
 *
 * ## Example
 * ```ts
 * import { connectWs } from 'rxrpcx/node';
 * const session = await connectWs('ws://127.0.0.1:50003');
 * console.log(await session.sendRequest('server.ping'));
 * await session.close();
 * ```
 *
 * @param uri - `ws://` or `wss://` URL
 * @param options - session factory, payload limit, keepalive, TLS, timeout
 * @returns the connected, started session
 */
export async function connectWs<S extends SessionBase<Uint8Array> = RPCSession>(
  uri: string,
  options: ConnectWsOptions<S> = {},
): Promise<S> {
  const transport = await openWsTransport(uri, options);
  const factory = (options.sessionFactory ?? defaultSessionFactory) as SessionFactory<S>;
  return startSession(transport, () => factory(transport, factoryOptions(options)));
}

/** The transport half of connectWs (also connect$'s for `ws://` and `wss://`). */
export async function openWsTransport(
  uri: string,
  options: Pick<ConnectWsOptions<SessionBase<Uint8Array>>, 'maxPayload' | 'pingInterval' | 'tls' | 'headers' | 'timeout' | 'scheduler'> & {
    readonly signal?: AbortSignal;
  },
): Promise<WsTransport> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const { socket, remoteAddress } = await openWebSocket(uri, {
    maxPayload: options.maxPayload ?? DEFAULT_WS_MAX_PAYLOAD,
    tls: options.tls,
    headers: options.headers,
    timeout: options.timeout ?? 30,
    scheduler,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return new WsTransport(socket, SessionKind.CLIENT, { scheduler, remoteAddress, pingInterval: options.pingInterval ?? 0 });
}

/**
 * {@link connectWs} as an Observable: subscribing connects and emits the
 * session, unsubscribing closes it; it completes when the session closes.
 *
 * ## Example
 * ```ts
 * import { switchMap } from 'rxjs';
 * import { connectWs$ } from 'rxrpcx/node';
 * connectWs$('ws://127.0.0.1:50003').pipe(switchMap((s) => s.request('server.ping'))).subscribe();
 * ```
 */
export function connectWs$<S extends SessionBase<Uint8Array> = RPCSession>(uri: string, options: ConnectWsOptions<S> = {}): Observable<S> {
  return sessionObservable(() => connectWs(uri, options));
}
