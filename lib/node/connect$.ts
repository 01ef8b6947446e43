import type { ConnectionOptions } from 'node:tls';
import type { ClientOptions, Connector } from '../client/ClientOptions.js';
import { RPCClient } from '../client/RPCClient.js';
import type { MethodContract, UntypedContract } from '../jsonrpc/MethodContract.js';
import { ConnectError } from '../transport/ConnectError.js';
import { openRsTransport } from './connectRs.js';
import { openWsTransport } from './connectWs.js';
import type { ProxyConnector } from './ProxyConnector.js';

/**
 * Options of the Node {@link connect$}: a client's options, and how to reach
 * `tcp://`, `tls://`, `ws://` and `wss://` endpoints.
 *
 * ## Example
 *
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { SOCKSProxy, connect$, type NodeConnectOptions } from 'rxrpcx/node';
 *
 * const options: NodeConnectOptions = {
 *   tls: { ca: readFileSync('ca.pem') },
 *   proxy: new SOCKSProxy('127.0.0.1:9050', 'SOCKS5'),
 * };
 * const client = connect$('tls://electrum.example.org:50002', options);
 * ```
 */
export interface NodeConnectOptions extends ClientOptions {
  /** `tcp://` and `tls://` connections go through it (a `ws://` endpoint with a proxy fails with `ConnectError` `unsupported` rather than bypass it). @default none */
  readonly proxy?: ProxyConnector;
  /** TLS options for `tls://` and `wss://`. @default the system CAs and a host name check */
  readonly tls?: ConnectionOptions;
  /** WebSocket: the largest message, in bytes. @default 1 MiB */
  readonly maxPayload?: number;
  /** WebSocket: seconds between pings (0: none). @default 0 */
  readonly pingInterval?: number;
  /** WebSocket: extra HTTP headers of the upgrade request. @default none */
  readonly headers?: Record<string, string>;
}

/**
 * A client for apps ({@link RPCClient}) from Node: the core `connect$`
 * with `tcp://host:port` and `tls://host:port` (newline-framed JSON-RPC, as
 * ElectrumX serves it), `ws://` and `wss://` on the `ws` package, and SOCKS
 * proxies. It connects at once, keeps one live session, reconnects by its
 * policy, and carries requests, notifications and subscriptions across
 * reconnections.
 *
 * ## Example
 *
 * ```ts
 * import { connect$ } from 'rxrpcx/node';
 *
 * const client = connect$(['tls://electrum.example.org:50002', 'tcp://backup.example.org:50001'], {
 *   keepAlive: { method: 'server.ping', interval: 60 },
 * });
 * client.subscription$('blockchain.headers.subscribe').subscribe((event) => console.log(event));
 * ```
 *
 * @typeParam C - the method contract calls are checked against
 * @param endpoints - one URL or a list, tried in turn
 * @param options - see {@link NodeConnectOptions}
 * @returns the client, already connecting
 */
export function connect$<C extends MethodContract = UntypedContract>(endpoints: string | readonly string[], options: NodeConnectOptions = {}): RPCClient<C> {
  return new RPCClient<C>(endpoints, { ...options, connector: options.connector ?? nodeConnector(options) });
}

/**
 * The connector behind the Node {@link connect$}: `tcp://`, `tls://`,
 * `ws://` and `wss://` URLs.
 *
 * ## Example
 *
 * ```ts
 * import { RPCClient } from 'rxrpcx';
 * import { nodeConnector } from 'rxrpcx/node';
 *
 * const client = new RPCClient('tcp://127.0.0.1:50001', { connector: nodeConnector({}) });
 * ```
 *
 * @param options - proxy, TLS and WebSocket options
 * @returns a connector
 */
export function nodeConnector(options: Pick<NodeConnectOptions, 'proxy' | 'tls' | 'maxPayload' | 'pingInterval' | 'headers'>): Connector {
  return (endpoint, context) => {
    const common = { timeout: context.timeout, scheduler: context.scheduler, signal: context.signal };
    const scheme = /^([a-z]+):\/\//i.exec(endpoint)?.[1]?.toLowerCase();
    if (scheme === 'ws' || scheme === 'wss') {
      if (options.proxy !== undefined) return Promise.reject(unsupported(endpoint, 'WebSocket endpoints do not go through a proxy'));
      return openWsTransport(endpoint, { ...options, ...common, ...(scheme === 'wss' && options.tls ? { tls: options.tls } : {}) });
    }
    if (scheme === 'tcp' || scheme === 'tls') {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        return Promise.reject(unsupported(endpoint, 'not a URL'));
      }
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
      const port = Number(url.port);
      if (host === '' || url.port === '') return Promise.reject(unsupported(endpoint, `${scheme}:// needs a host and a port`));
      return openRsTransport(host, port, {
        ...common,
        ...(options.proxy ? { proxy: options.proxy } : {}),
        ...(scheme === 'tls' ? { tls: options.tls ?? true } : {}),
      });
    }
    return Promise.reject(unsupported(endpoint, 'connect$ takes tcp://, tls://, ws:// and wss:// URLs'));
  };
}

function unsupported(endpoint: string, why: string): ConnectError {
  return new ConnectError('unsupported', endpoint, `${endpoint}: ${why}`);
}
