import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { SchedulerLike } from 'rxjs';
import { ConnectError } from '../transport/ConnectError.js';
import { connectAttempt, connectFailureOf } from '../transport/transportInternals.js';
import { hostPort } from './nodeInternals.js';

/**
 * Options of {@link openSocket}.
 *
 * ## Example
 * ```ts
 * import type { OpenSocketOptions } from 'rxrpcx/node';
 * const options: OpenSocketOptions = { tls: { servername: 'electrum.example.com' }, timeout: 10 };
 * ```
 */
export interface OpenSocketOptions {
  /**
   * Speak TLS: `true` for the defaults (system CAs, host name checked), or
   * `node:tls` connection options (`ca`, `servername`, `rejectUnauthorized`,
   * a `socket` already connected through a proxy …). @default plain TCP
   */
  readonly tls?: ConnectionOptions | true;
  /** Seconds allowed for the TCP connect and any TLS handshake together. @default no limit beyond the OS's */
  readonly timeout?: number;
  /** Aborts the attempt. @default none */
  readonly signal?: AbortSignal;
  /** Drives the timeout. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Connects a TCP socket (or a TLS socket over it) to `host:port`.
 *
 * Resolves with the socket once it is connected — for TLS, once the handshake
 * has finished and the peer's certificate was accepted — ready to be wrapped
 * in a {@link SocketTransport}. `TCP_NODELAY` is set, as asyncio does for
 * aiorpcX. Fails with a {@link ConnectError} whose `reason` is `'refused'`,
 * `'dns'`, `'timeout'`, `'tls'`, `'aborted'` or `'network'` and whose
 * `cause` is Node's error; the socket is destroyed then, so nothing is left
 * open. Invalid arguments (a port out of range) reject with Node's own
 * `RangeError` or `TypeError`.
 *
 * ## Example
 * ```ts
 * import { ConnectError } from 'rxrpcx';
 * import { openSocket } from 'rxrpcx/node';
 * try {
 *   const socket = await openSocket('electrum.example.com', 50002, { tls: true, timeout: 10 });
 *   socket.end();
 * } catch (error) {
 *   if (error instanceof ConnectError && error.reason === 'tls') console.error('untrusted server');
 * }
 * ```
 *
 * @param host - host name or IP address
 * @param port - TCP port
 * @param options - TLS, timeout, abort signal and scheduler
 * @returns the connected socket
 */
export function openSocket(host: string, port: number, options: OpenSocketOptions & { readonly tls: ConnectionOptions | true }): Promise<TLSSocket>;
export function openSocket(host: string, port: number, options?: OpenSocketOptions): Promise<Socket>;
export function openSocket(host: string, port: number, options: OpenSocketOptions = {}): Promise<Socket> {
  const target = hostPort(host, port);
  const tls = options.tls;
  const useTls = tls !== undefined;
  // Over a given socket, TCP is already connected: only the TLS handshake is left.
  let tcpConnected = useTls && tls !== true && tls.socket !== undefined;
  const phase = (): string => (useTls && tcpConnected ? `TLS handshake with ${target}` : `connect to ${target}`);
  return connectAttempt<Socket>(target, options, phase, (attempt) => {
    let socket: Socket;
    if (useTls) {
      const tlsOptions = tls === true ? {} : tls;
      const servername = tlsOptions.servername ?? (isIP(host) === 0 ? host : undefined);
      socket = tlsConnect({ ...tlsOptions, host, port, ...(servername === undefined ? {} : { servername }) });
    } else {
      socket = netConnect({ host, port });
    }
    socket.setNoDelay(true);
    const connectedEvent = useTls ? 'secureConnect' : 'connect';
    const stopListening = (): void => {
      socket.off('connect', onTcpConnect);
      socket.off(connectedEvent, onConnected);
      socket.off('error', onError);
    };
    function onTcpConnect(): void {
      tcpConnected = true;
    }
    function onConnected(): void {
      stopListening();
      attempt.succeed(socket);
    }
    function onError(error: Error): void {
      const reason = connectFailureOf(error, useTls && tcpConnected ? 'tls' : 'network');
      const message = reason === 'tls' ? `${phase()} failed: ${error.message}` : error.message;
      attempt.fail(new ConnectError(reason, target, message, { cause: error }));
    }
    if (useTls) socket.once('connect', onTcpConnect);
    socket.once(connectedEvent, onConnected);
    socket.on('error', onError);
    return () => {
      stopListening();
      // The socket is dead; a late error from it has nowhere to go.
      socket.on('error', () => undefined);
      socket.destroy();
    };
  });
}
