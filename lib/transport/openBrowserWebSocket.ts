import { BrowserWebSocketTransport, type BrowserWebSocketTransportOptions, type WebSocketEventLike, type WebSocketLike } from './BrowserWebSocketTransport.js';
import { ConnectError } from './ConnectError.js';
import { connectAttempt, describeUrl, messageOf } from './transportInternals.js';

/**
 * A constructor of standard WebSockets: the browser's `WebSocket`, or another
 * implementation of the same API (the `ws` package's, in Node).
 *
 * ## Example
 * ```ts
 * import type { WebSocketConstructor } from 'rxrpcx';
 * const Native = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
 * ```
 */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/**
 * Options of {@link openBrowserWebSocket}.
 *
 * ## Example
 * ```ts
 * import type { OpenBrowserWebSocketOptions } from 'rxrpcx';
 * const options: OpenBrowserWebSocketOptions = { protocols: ['jsonrpc'], timeout: 10 };
 * ```
 */
export interface OpenBrowserWebSocketOptions extends BrowserWebSocketTransportOptions {
  /** The WebSocket implementation. @default globalThis.WebSocket */
  readonly WebSocket?: WebSocketConstructor;
  /** Subprotocols to offer. @default none */
  readonly protocols?: string | string[];
  /** Seconds allowed for the connection to open. @default no limit beyond the platform's */
  readonly timeout?: number;
  /** Aborts the attempt. @default none */
  readonly signal?: AbortSignal;
}

/**
 * Opens a WebSocket with the standard API and wraps it in a
 * {@link BrowserWebSocketTransport} once it is open.
 *
 * Browser-safe. Fails with a {@link ConnectError}: reason `'unsupported'`
 * when there is no WebSocket constructor (none given and none global),
 * `'timeout'`, `'aborted'`, or `'network'` when the connection fails (a
 * browser tells no more; another implementation's error is the `cause` — in
 * Node, `openWebSocket` from `rxrpcx/node` reads its code for a finer reason,
 * such as `'refused'`). An invalid URL rejects with the constructor's
 * `SyntaxError`.
 *
 * ## Example
 * ```ts
 * import { ConnectError, openBrowserWebSocket } from 'rxrpcx';
 * try {
 *   const transport = await openBrowserWebSocket('wss://example.com/rpc', { timeout: 10 });
 *   await transport.close();
 * } catch (error) {
 *   if (error instanceof ConnectError) console.error(error.reason);
 * }
 * ```
 *
 * @param url - the `ws:` or `wss:` URL
 * @param options - WebSocket constructor, subprotocols, timeout, abort signal, and the transport's options
 * @returns the transport, open
 */
export function openBrowserWebSocket(url: string, options: OpenBrowserWebSocketOptions = {}): Promise<BrowserWebSocketTransport> {
  const target = describeUrl(url);
  const Constructor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (Constructor === undefined) {
    return Promise.reject(new ConnectError('unsupported', target, 'no WebSocket constructor here: pass one as the WebSocket option'));
  }
  return connectAttempt<BrowserWebSocketTransport>(target, options, () => `WebSocket connect to ${target}`, (attempt) => {
    const socket = options.protocols === undefined ? new Constructor(url) : new Constructor(url, options.protocols);
    socket.binaryType = 'arraybuffer';
    const onOpen = (): void => {
      if (attempt.settled) return;
      socket.removeEventListener('open', onOpen);
      socket.removeEventListener('error', onError);
      socket.removeEventListener('close', onClose);
      attempt.succeed(new BrowserWebSocketTransport(socket, options));
    };
    const onError = (event: WebSocketEventLike): void => {
      const cause = event.error;
      const detail = cause === undefined ? '' : `: ${messageOf(cause)}`;
      attempt.fail(new ConnectError('network', target, `WebSocket connect to ${target} failed${detail}`, { cause }));
    };
    const onClose = (event: WebSocketEventLike): void => {
      attempt.fail(new ConnectError('network', target, `WebSocket connect to ${target} failed (close code ${event.code ?? 1006})`));
    };
    socket.addEventListener('open', onOpen);
    socket.addEventListener('error', onError);
    socket.addEventListener('close', onClose);
    // The listeners stay: the socket may still report its end, and some implementations throw on an unheard error.
    return () => socket.close();
  });
}
