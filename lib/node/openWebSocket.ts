import type { IncomingMessage } from 'node:http';
import type { ConnectionOptions } from 'node:tls';
import type { SchedulerLike } from 'rxjs';
import { WebSocket } from 'ws';
import { ConnectError } from '../transport/ConnectError.js';
import { connectAttempt, connectFailureOf, describeUrl, errorCode, messageOf, toNetAddress, urlNetAddress } from '../transport/transportInternals.js';
import type { NetAddress } from '../util/NetAddress.js';

/**
 * The largest message accepted by default, in bytes: 1 MiB, the limit of the
 * `websockets` library aiorpcX runs on.
 *
 * ## Example
 * ```ts
 * import { DEFAULT_WS_MAX_PAYLOAD, listenWebSockets } from 'rxrpcx/node';
 * await listenWebSockets('127.0.0.1', 0, { maxPayload: 4 * DEFAULT_WS_MAX_PAYLOAD });
 * ```
 */
export const DEFAULT_WS_MAX_PAYLOAD = 1 << 20;

/**
 * Options of {@link openWebSocket}.
 *
 * ## Example
 * ```ts
 * import type { OpenWebSocketOptions } from 'rxrpcx/node';
 * const options: OpenWebSocketOptions = { timeout: 10, maxPayload: 4 << 20, tls: { servername: 'example.com' } };
 * ```
 */
export interface OpenWebSocketOptions {
  /** Seconds allowed for the TCP connect, TLS and the upgrade together. @default no limit beyond the OS's */
  readonly timeout?: number;
  /** Largest incoming message in bytes; a bigger one closes the connection with 1009. @default 1 MiB */
  readonly maxPayload?: number;
  /** `node:tls` options for `wss:` URLs (`ca`, `cert`, `key`, `rejectUnauthorized`, `servername` …). @default none */
  readonly tls?: ConnectionOptions;
  /** Subprotocols to offer. @default none */
  readonly protocols?: string | string[];
  /** Extra HTTP headers of the upgrade request. @default none */
  readonly headers?: Record<string, string>;
  /** Offer permessage-deflate compression. @default false */
  readonly perMessageDeflate?: boolean;
  /** Aborts the attempt. @default none */
  readonly signal?: AbortSignal;
  /** Drives the timeout. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * An open client WebSocket and the address of the server it reached.
 *
 * ## Example
 * ```ts
 * import { openWebSocket, type OpenedWebSocket } from 'rxrpcx/node';
 * const opened: OpenedWebSocket = await openWebSocket('ws://127.0.0.1:8080');
 * console.log(String(opened.remoteAddress)); // 127.0.0.1:8080
 * ```
 */
export interface OpenedWebSocket {
  /** The open WebSocket. */
  readonly socket: WebSocket;
  /** The server's IP address and port, from the socket the upgrade ran on (the URL's host and port if unreadable). */
  readonly remoteAddress: NetAddress | undefined;
}

/**
 * Opens a client WebSocket (`ws:` or `wss:`) with the `ws` package.
 *
 * Resolves once the upgrade has succeeded, with the socket (wrap it in a
 * {@link WsTransport} with `SessionKind.CLIENT`) and the server's address.
 * Fails with a {@link ConnectError} whose `reason` is `'refused'`, `'dns'`,
 * `'timeout'`, `'tls'`, `'handshake'` (the server answered the upgrade with
 * an HTTP status other than 101, or a malformed one), `'aborted'` or
 * `'network'`; `cause` is the `ws` or Node error. An invalid URL rejects
 * with the `SyntaxError` `ws` throws.
 *
 * ## Example
 * ```ts
 * import { SessionKind } from 'rxrpcx';
 * import { WsTransport, openWebSocket } from 'rxrpcx/node';
 * const { socket, remoteAddress } = await openWebSocket('wss://example.com/rpc', { timeout: 10 });
 * const transport = new WsTransport(socket, SessionKind.CLIENT, { remoteAddress });
 * ```
 *
 * @param url - the `ws:` or `wss:` URL
 * @param options - timeout, message size limit, TLS, subprotocols, headers, abort signal, scheduler
 * @returns the open WebSocket and the server's address
 */
export function openWebSocket(url: string, options: OpenWebSocketOptions = {}): Promise<OpenedWebSocket> {
  const target = describeUrl(url);
  return connectAttempt<OpenedWebSocket>(target, options, () => `WebSocket connect to ${target}`, (attempt) => {
    const socket = new WebSocket(url, options.protocols, {
      ...options.tls,
      maxPayload: options.maxPayload ?? DEFAULT_WS_MAX_PAYLOAD,
      perMessageDeflate: options.perMessageDeflate ?? false,
      ...(options.headers ? { headers: options.headers } : {}),
    });
    let remoteAddress: NetAddress | undefined;
    const onUpgrade = (response: IncomingMessage): void => {
      remoteAddress = toNetAddress(response.socket.remoteAddress, response.socket.remotePort);
    };
    const stopListening = (): void => {
      socket.off('upgrade', onUpgrade);
      socket.off('open', onOpen);
    };
    function onOpen(): void {
      stopListening();
      socket.off('error', onError);
      attempt.succeed({ socket, remoteAddress: remoteAddress ?? urlNetAddress(url) });
    }
    function onError(error: Error): void {
      // A ws handshake error has no code; a socket or TLS error has one.
      const reason = connectFailureOf(error, errorCode(error) === undefined ? 'handshake' : 'network');
      attempt.fail(new ConnectError(reason, target, `WebSocket connect to ${target} failed: ${messageOf(error)}`, { cause: error }));
    }
    socket.on('upgrade', onUpgrade);
    socket.on('open', onOpen);
    socket.on('error', onError);
    return () => {
      stopListening();
      // ws reports the end of an abandoned handshake later; the error listener stays to take it.
      socket.terminate();
    };
  });
}
