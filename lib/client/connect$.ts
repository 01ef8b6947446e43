import type { MethodContract, UntypedContract } from '../jsonrpc/MethodContract.js';
import { ConnectError } from '../transport/ConnectError.js';
import { openBrowserWebSocket, type WebSocketConstructor } from '../transport/openBrowserWebSocket.js';
import { urlNetAddress } from '../transport/transportInternals.js';
import type { ClientOptions, Connector } from './ClientOptions.js';
import { RPCClient } from './RPCClient.js';

/**
 * Options of the core {@link connect$}: a client's options and the
 * WebSocket's.
 *
 * ## Example
 *
 * ```ts
 * import { connect$, type ConnectOptions } from 'rxrpcx';
 *
 * const options: ConnectOptions = { protocols: 'jsonrpc', maxBacklog: 8 * 1024 * 1024, connectTimeout: 10 };
 * const client = connect$('wss://example.org/rpc', options);
 * ```
 */
export interface ConnectOptions extends ClientOptions {
  /** The WebSocket class. @default globalThis.WebSocket (pass the `ws` package's in Node, or use `connect$` from `rxrpcx/node`) */
  readonly WebSocket?: WebSocketConstructor;
  /** WebSocket subprotocols to offer. @default none */
  readonly protocols?: string | string[];
  /** Bytes of incoming messages held while reading is paused (each counted 128 bytes more than its length, what a small one costs), beyond which the connection is aborted. @default 4 MiB */
  readonly maxBacklog?: number;
}

/**
 * A client for apps ({@link RPCClient}) over the browser's WebSocket: one URL
 * (`ws://` or `wss://`) or a list to rotate through. It connects at once,
 * keeps one live session, reconnects by its policy, and carries requests,
 * notifications and subscriptions across reconnections. The same function
 * in `rxrpcx/node` also takes `tcp://` and `tls://` URLs and SOCKS proxies.
 *
 * ## Example
 *
 * ```ts
 * import { connect$ } from 'rxrpcx';
 *
 * const client = connect$('wss://electrum.example.org:50004', { keepAlive: { method: 'server.ping', interval: 30 } });
 * client.state$.subscribe((state) => console.log(state.status));
 * console.log(await client.sendRequest('server.version', ['web', '1.4']));
 * ```
 *
 * @typeParam C - the method contract calls are checked against
 * @param endpoints - one URL or a list, tried in turn
 * @param options - see {@link ConnectOptions}
 * @returns the client, already connecting
 */
export function connect$<C extends MethodContract = UntypedContract>(endpoints: string | readonly string[], options: ConnectOptions = {}): RPCClient<C> {
  return new RPCClient<C>(endpoints, { ...options, connector: options.connector ?? browserWebSocketConnector(options) });
}

/**
 * The connector behind the core {@link connect$}: `ws://` and `wss://` URLs
 * on the standard WebSocket API.
 *
 * ## Example
 *
 * ```ts
 * import { RPCClient, browserWebSocketConnector } from 'rxrpcx';
 *
 * const client = new RPCClient('wss://example.org/rpc', { connector: browserWebSocketConnector({ protocols: 'jsonrpc' }) });
 * ```
 *
 * @param options - the WebSocket class, subprotocols and backlog
 * @returns a connector
 */
export function browserWebSocketConnector(options: Pick<ConnectOptions, 'WebSocket' | 'protocols' | 'maxBacklog'> = {}): Connector {
  return (endpoint, context) => {
    if (!/^wss?:\/\//i.test(endpoint)) {
      return Promise.reject(
        new ConnectError('unsupported', endpoint, `${endpoint}: rxrpcx connects to ws:// and wss:// URLs here; connect$ from 'rxrpcx/node' also takes tcp:// and tls://`),
      );
    }
    const remoteAddress = urlNetAddress(endpoint);
    return openBrowserWebSocket(endpoint, {
      ...(options.WebSocket === undefined ? {} : { WebSocket: options.WebSocket }),
      ...(options.protocols === undefined ? {} : { protocols: options.protocols }),
      ...(options.maxBacklog === undefined ? {} : { maxBacklog: options.maxBacklog }),
      // The page cannot see the peer's socket address: sessions log and report the URL's.
      ...(remoteAddress === undefined ? {} : { remoteAddress }),
      timeout: context.timeout,
      signal: context.signal,
      scheduler: context.scheduler,
    });
  };
}
