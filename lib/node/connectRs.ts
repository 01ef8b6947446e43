import type { ConnectionOptions } from 'node:tls';
import { asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import type { FramerBase } from '../framing/FramerBase.js';
import type { RPCSession } from '../session/RPCSession.js';
import type { SessionBase } from '../session/SessionBase.js';
import { SessionKind } from '../transport/SessionKind.js';
import { sessionObservable, startSession, factoryOptions } from './nodeInternals.js';
import { openSocket } from './openSocket.js';
import type { ProxyConnector } from './ProxyConnector.js';
import { defaultSessionFactory, type SessionFactory } from './SessionFactory.js';
import { SocketTransport } from './SocketTransport.js';

/**
 * Options of {@link connectRs}.
 *
 * ## Example
 * ```ts
 * import { RPCSession } from 'rxrpcx';
 * import type { ConnectRsOptions } from 'rxrpcx/node';
 * const options: ConnectRsOptions<RPCSession> = { tls: true, timeout: 10 };
 * ```
 */
export interface ConnectRsOptions<S extends SessionBase<M>, M = Uint8Array> {
  /** Makes the session. @default a plain RPCSession */
  readonly sessionFactory?: SessionFactory<S, M>;
  /** The framer, handed to the factory. @default the session's own (newline for RPC) */
  readonly framer?: FramerBase<M>;
  /** Dial through this proxy (a `SOCKSProxy`). @default direct */
  readonly proxy?: ProxyConnector;
  /** TLS: `true` for the defaults (system CAs, host name checked), or `node:tls` options. @default plain TCP */
  readonly tls?: ConnectionOptions | true;
  /** Seconds to connect (and finish the TLS handshake). @default 30 */
  readonly timeout?: number;
  /** Drives the connect timeout and the transport's timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Connects over TCP (or TLS, or through a proxy) and resolves with the
 * session: aiorpcX's `connect_rs`.
 *
 * Fails with a `ConnectError` (refused, DNS, timeout, TLS) or a SOCKS error.
 * Close the session when done; {@link connectRs$} does that for you.
 *
 * ## Example
 * ```ts
 * import { connectRs } from 'rxrpcx/node';
 * const session = await connectRs('127.0.0.1', 50001);
 * console.log(await session.sendRequest('server.version', ['demo', '1.4']));
 * await session.close();
 * ```
 *
 * @param host - the server's host name or address
 * @param port - its port
 * @param options - session factory, framer, TLS, proxy, timeout
 * @returns the connected, started session
 */
export function connectRs(host: string, port: number, options?: ConnectRsOptions<RPCSession>): Promise<RPCSession>;
export function connectRs<S extends SessionBase<M>, M = Uint8Array>(
  host: string,
  port: number,
  options: ConnectRsOptions<S, M> & { readonly sessionFactory: SessionFactory<S, M> },
): Promise<S>;
export async function connectRs<S extends SessionBase<M>, M>(
  host: string,
  port: number,
  options: ConnectRsOptions<S, M> = {},
): Promise<S> {
  const transport = await openRsTransport(host, port, options);
  const factory = (options.sessionFactory ?? defaultSessionFactory) as SessionFactory<S, M>;
  return startSession(transport, () => factory(transport, factoryOptions(options)));
}

/** The transport half of connectRs (also connect$'s for `tcp://` and `tls://`): a socket, through the proxy if one is given. */
export async function openRsTransport(
  host: string,
  port: number,
  options: Pick<ConnectRsOptions<SessionBase<unknown>, unknown>, 'proxy' | 'tls' | 'timeout' | 'scheduler'> & { readonly signal?: AbortSignal },
): Promise<SocketTransport> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const timeout = options.timeout ?? 30;
  if (options.proxy) {
    // The signal too: a client that gives the attempt up (close(), a wake-up) ends the handshake with the proxy now.
    const connection = await options.proxy.createConnection(host, port, { tls: options.tls, timeout, scheduler, ...(options.signal ? { signal: options.signal } : {}) });
    return new SocketTransport(connection.socket, SessionKind.CLIENT, { scheduler, proxy: options.proxy, remoteAddress: connection.remoteAddress });
  }
  const socket = await openSocket(host, port, { tls: options.tls, timeout, scheduler, ...(options.signal ? { signal: options.signal } : {}) });
  return new SocketTransport(socket, SessionKind.CLIENT, { scheduler });
}

/**
 * {@link connectRs} as an Observable: subscribing connects and emits the
 * session; unsubscribing closes it. The Observable completes when the session
 * closes, so `switchMap` and `retry` compose reconnection.
 *
 * ## Example
 * ```ts
 * import { switchMap } from 'rxjs';
 * import { connectRs$ } from 'rxrpcx/node';
 * connectRs$('127.0.0.1', 50001)
 *   .pipe(switchMap((session) => session.request('server.banner')))
 *   .subscribe((banner) => console.log(banner));
 * ```
 */
export function connectRs$(host: string, port: number, options?: ConnectRsOptions<RPCSession>): Observable<RPCSession>;
export function connectRs$<S extends SessionBase<M>, M = Uint8Array>(
  host: string,
  port: number,
  options: ConnectRsOptions<S, M> & { readonly sessionFactory: SessionFactory<S, M> },
): Observable<S>;
export function connectRs$<S extends SessionBase<M>, M>(host: string, port: number, options: ConnectRsOptions<S, M> = {}): Observable<S> {
  return sessionObservable(() => connectRs(host, port, options as ConnectRsOptions<S, M> & { sessionFactory: SessionFactory<S, M> }));
}
