import type { Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { TransportProxy } from '../../transport/Transport.js';
import { toNetAddress } from '../../transport/transportInternals.js';
import { NetAddress } from '../../util/NetAddress.js';
import { hostPort } from '../nodeInternals.js';
import type { SOCKSAuth, SOCKSCredentials } from './SOCKSAuth.js';
import type { SOCKSErrorContext } from './SOCKSError.js';
import { SOCKSFailure } from './SOCKSFailure.js';
import { defaultSOCKSProbe, type SOCKSProbe } from './SOCKSProbe.js';
import { SOCKS4a, SOCKS5, SOCKS_PROTOCOLS, isSOCKSProtocol, type SOCKSProtocol } from './SOCKSProtocol.js';
import { combineFailures, defaultLookup, resolveHost, socksHandshake, startTls } from './socksHandshakeInternals.js';
import { resolveProbe, validateCredentials, validateDestination } from './socksInternals.js';

/**
 * Resolves a host name to IP address texts: `family` 4 or 6 for one family,
 * 0 for both.
 *
 * ## Example
 * ```ts
 * import type { SOCKSLookup } from 'rxrpcx/node';
 * const hosts: SOCKSLookup = async (hostname) => (hostname === 'proxy.lan' ? ['192.0.2.10'] : []);
 * ```
 */
export type SOCKSLookup = (hostname: string, family: 0 | 4 | 6) => Promise<readonly string[]>;

/**
 * Options of {@link SOCKSProxy.createConnection}.
 *
 * ## Example
 * ```ts
 * import type { SOCKSConnectOptions } from 'rxrpcx/node';
 * const options: SOCKSConnectOptions = { tls: { servername: 'electrum.example.com' }, timeout: 20 };
 * ```
 */
export interface SOCKSConnectOptions {
  /**
   * Resolve the destination host here and try each address in turn, instead
   * of sending the host name for the proxy to resolve (only IPv4 addresses
   * for SOCKS4 and SOCKS4a). Leave it off for Tor: resolving locally leaks
   * the name to the local resolver. @default false
   */
  readonly resolve?: boolean;
  /**
   * Speak TLS to the destination over the proxied connection: `true` for the
   * defaults (system CAs, the host name checked), or `node:tls` options. The
   * server name is the `host` given, unless it is an IP address or `servername`
   * says otherwise. @default plain TCP
   */
  readonly tls?: ConnectionOptions | true;
  /**
   * Seconds allowed for each attempt — connecting to the proxy and its
   * handshake — and then again for the TLS handshake. A proxy that stalls is
   * dropped and its socket destroyed. `Infinity` for no limit. @default 30
   */
  readonly timeout?: number;
  /** Aborts the attempt. @default none */
  readonly signal?: AbortSignal;
  /** Drives the timeouts. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Resolves the proxy's host name, and the destination's with `resolve`. @default node:dns lookup */
  readonly lookup?: SOCKSLookup;
}

/**
 * What {@link SOCKSProxy.createConnection} resolves with: the connected
 * socket, the address reached through the proxy, and the proxy.
 *
 * The three fit a `SocketTransport` directly:
 * `new SocketTransport(socket, SessionKind.CLIENT, { remoteAddress, proxy })`.
 *
 * ## Example
 * ```ts
 * import { SOCKS5, SOCKSProxy, type SOCKSConnection } from 'rxrpcx/node';
 * const connection: SOCKSConnection = await new SOCKSProxy('127.0.0.1:9050', SOCKS5, null).createConnection('example.com', 80);
 * console.log(String(connection.remoteAddress), String(connection.proxy)); // example.com:80 SOCKS5 proxy at 127.0.0.1:9050, auth: none
 * ```
 */
export interface SOCKSConnection<S extends Socket = Socket> {
  /**
   * The socket, connected to the destination through the proxy (a TLSSocket
   * with `tls`). Nothing has been read past the handshake and no `'data'`
   * listener is attached: attach your own, or hand it to a transport.
   */
  readonly socket: S;
  /** The destination reached: as given, or the address that worked with `resolve`. */
  readonly remoteAddress: NetAddress;
  /** The proxy it went through. */
  readonly proxy: SOCKSProxy;
}

/**
 * Options of {@link SOCKSProxy.autoDetectAtAddress} and
 * {@link SOCKSProxy.autoDetectAtHost}.
 *
 * ## Example
 * ```ts
 * import type { SOCKSAutoDetectOptions } from 'rxrpcx/node';
 * const options: SOCKSAutoDetectOptions = { timeout: 2, probe: { ipv4: '203.0.113.7:50001', hostname: 'electrum.example.com:50001' } };
 * ```
 */
export interface SOCKSAutoDetectOptions {
  /**
   * Seconds allowed to test each protocol on each address; a test that takes
   * longer counts as "not detected". (The reference waits forever on a port
   * that accepts and stays silent.) @default 5
   */
  readonly timeout?: number;
  /** The destinations the suspected proxy is asked to connect to. @default defaultSOCKSProbe */
  readonly probe?: SOCKSProbe;
  /** Aborts detection: it then rejects instead of answering. @default none */
  readonly signal?: AbortSignal;
  /** Drives the timeouts. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Resolves a proxy host name, and the SOCKS5/SOCKS4 probe is never resolved. @default node:dns lookup */
  readonly lookup?: SOCKSLookup;
}

const DEFAULT_CONNECT_TIMEOUT = 30;
const DEFAULT_DETECT_TIMEOUT = 5;

function timeoutMs(seconds: number): number {
  if (typeof seconds !== 'number' || Number.isNaN(seconds)) throw new TypeError(`timeout must be a number of seconds: ${String(seconds)}`);
  return Math.max(0, seconds) * 1000;
}

function isAuth(value: unknown): value is SOCKSAuth {
  return typeof value === 'object' && value !== null && typeof (value as { credentials?: unknown }).credentials === 'function';
}

/**
 * A SOCKS proxy at an address, speaking SOCKS4, SOCKS4a or SOCKS5 —
 * aiorpcX's `SOCKSProxy`, with the handshakes done by the `socks` package.
 *
 * {@link createConnection} opens a connection to a destination through the
 * proxy; with `resolve` the destination's addresses are looked up here and
 * tried in turn, otherwise the proxy resolves the name. The request is checked
 * before any I/O (the destination must fit the protocol, SOCKS5 credentials
 * must be 1–255 bytes), and every reply is checked as strictly as the
 * reference does: a reply that breaks the protocol, or a proxy that closes
 * mid-handshake, is a {@link SOCKSProtocolError}; a refusal is a
 * {@link SOCKSFailure} carrying the reference's message and the reply code;
 * failing to reach the proxy, or a handshake that stalls past `timeout`, is a
 * `ConnectError` (the socket is destroyed). No error, and not `toString()`,
 * ever shows a password or username.
 *
 * It is a `TransportProxy`: sessions report it from `proxy()`. The static
 * {@link SOCKSProxy.autoDetectAtAddress} and {@link SOCKSProxy.autoDetectAtHost}
 * find out whether, and which, SOCKS proxy listens somewhere.
 *
 * ## Example
 * ```ts
 * import { SOCKS5, SOCKSProxy, SOCKSRandomAuth } from 'rxrpcx/node';
 * const tor = new SOCKSProxy('127.0.0.1:9050', SOCKS5, new SOCKSRandomAuth());
 * const { socket, remoteAddress } = await tor.createConnection('electrum.example.com', 50002, { tls: true });
 * console.log(`${remoteAddress} via ${tor}`); // electrum.example.com:50002 via SOCKS5 proxy at 127.0.0.1:9050, auth: username
 * socket.end();
 * ```
 */
export class SOCKSProxy implements TransportProxy {
  /** The proxy's address. */
  readonly address: NetAddress;
  /** The protocol spoken to it. */
  readonly protocol: SOCKSProtocol;
  // Private, so that no enumerable field, inspect or JSON reaches credentials a custom auth may hold.
  readonly #auth: SOCKSAuth | null;
  /**
   * The proxy's address as actually connected to (its IP when `address` is a
   * host name), set by every successful connection; `undefined` before.
   */
  peername: NetAddress | undefined = undefined;

  /**
   * @param address - the proxy's address, as a NetAddress or `host:port` text
   * @param protocol - `SOCKS4`, `SOCKS4a` or `SOCKS5`
   * @param auth - credentials ({@link SOCKSUserAuth}, {@link SOCKSRandomAuth} …), or `null` for none
   * @throws AddressError if the address is invalid
   * @throws TypeError if the protocol or auth is not one
   */
  constructor(address: NetAddress | string, protocol: SOCKSProtocol, auth: SOCKSAuth | null = null) {
    this.address = address instanceof NetAddress ? address : NetAddress.fromString(address);
    if (!isSOCKSProtocol(protocol)) throw new TypeError(`not a SOCKS protocol: ${String(protocol)}`);
    if (auth !== null && auth !== undefined && !isAuth(auth)) throw new TypeError('auth must have a credentials() method, or be null');
    this.protocol = protocol;
    this.#auth = auth ?? null;
  }

  /** How to authenticate, or `null` for no authentication. */
  get auth(): SOCKSAuth | null {
    return this.#auth;
  }

  /**
   * Tries SOCKS5, SOCKS4a and SOCKS4, in that order, at `address` —
   * aiorpcX's `auto_detect_at_address`, with a timeout.
   *
   * Each protocol is tested by asking the proxy to connect to a probe
   * destination (see {@link SOCKSProbe}): success, or a {@link SOCKSFailure}
   * (the proxy answered in that protocol and refused), means detected. A
   * closed port, a listener that is not a SOCKS proxy, or one that says
   * nothing for `timeout` seconds, is not. A detected proxy is not
   * necessarily working: it may have no onward connectivity.
   *
   * ## Example
   * ```ts
   * import { SOCKSProxy, SOCKSRandomAuth } from 'rxrpcx/node';
   * const proxy = await SOCKSProxy.autoDetectAtAddress('127.0.0.1:9050', new SOCKSRandomAuth(), { timeout: 2 });
   * console.log(proxy ? String(proxy) : 'no proxy'); // SOCKS5 proxy at 127.0.0.1:9050, auth: username
   * ```
   *
   * @param address - where to look
   * @param auth - credentials to use, or `null`
   * @param options - timeout per protocol, probe, abort signal, scheduler, lookup
   * @returns the proxy found, or `null`
   */
  static async autoDetectAtAddress(address: NetAddress | string, auth: SOCKSAuth | null, options: SOCKSAutoDetectOptions = {}): Promise<SOCKSProxy | null> {
    const at = address instanceof NetAddress ? address : NetAddress.fromString(address);
    const probe = resolveProbe(options.probe ?? defaultSOCKSProbe);
    const connectOptions: SOCKSConnectOptions = {
      timeout: options.timeout ?? DEFAULT_DETECT_TIMEOUT,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    };
    for (const protocol of SOCKS_PROTOCOLS) {
      const proxy = new SOCKSProxy(at, protocol, auth);
      const target = protocol === SOCKS4a ? probe.hostname : probe.ipv4;
      try {
        const { socket } = await proxy.createConnection(target.host, target.port, connectOptions);
        socket.destroy();
        return proxy;
      } catch (error) {
        if (options.signal?.aborted) throw error;
        // A refusal in this protocol still means a proxy speaking it is there.
        if (error instanceof SOCKSFailure) return proxy;
      }
    }
    return null;
  }

  /**
   * Looks for a SOCKS proxy on `host` at each of `ports` in turn —
   * aiorpcX's `auto_detect_at_host`.
   *
   * ## Example
   * ```ts
   * import { SOCKSProxy } from 'rxrpcx/node';
   * // Tor's daemon, then Tor Browser's.
   * const tor = await SOCKSProxy.autoDetectAtHost('localhost', [9050, 9150], null);
   * ```
   *
   * @param host - the host to look on
   * @param ports - the ports to try, in order
   * @param auth - credentials to use, or `null`
   * @param options - as for {@link SOCKSProxy.autoDetectAtAddress}
   * @returns the first proxy found, or `null`
   */
  static async autoDetectAtHost(
    host: string,
    ports: Iterable<number | string>,
    auth: SOCKSAuth | null,
    options: SOCKSAutoDetectOptions = {},
  ): Promise<SOCKSProxy | null> {
    for (const port of ports) {
      const proxy = await SOCKSProxy.autoDetectAtAddress(new NetAddress(host, port), auth, options);
      if (proxy) return proxy;
    }
    return null;
  }

  /**
   * `'SOCKS5 proxy at 127.0.0.1:9050, auth: username'` — the protocol, the
   * address and whether there are credentials, never what they are.
   *
   * @returns the description
   */
  toString(): string {
    return `${this.protocol} proxy at ${this.address}, auth: ${this.#auth ? 'username' : 'none'}`;
  }

  /**
   * What `JSON.stringify` shows: the address, the protocol, whether there
   * are credentials (`'username'` or `'none'`, as in {@link toString}) and
   * the peer name — never the credentials or the auth object.
   *
   * @returns a plain description
   */
  toJSON(): {
    /** The proxy's address. */
    readonly address: NetAddress;
    /** The SOCKS version spoken. */
    readonly protocol: SOCKSProtocol;
    /** Whether there are credentials, never what they are. */
    readonly auth: 'username' | 'none';
    /** {@link SOCKSProxy.peername}: the proxy's address as last connected to, or undefined before. */
    readonly peername: NetAddress | undefined;
  } {
    return { address: this.address, protocol: this.protocol, auth: this.#auth ? 'username' : 'none', peername: this.peername };
  }

  /** What `util.inspect` (and so `console.log`) shows: the fields of {@link toJSON}. */
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (value: unknown, options?: object) => string): string {
    return `SOCKSProxy ${inspect(this.toJSON(), options)}`;
  }

  /**
   * Opens a connection to `host:port` through the proxy.
   *
   * The checks of the request come first, then (with `resolve`) the lookup of
   * `host`, then one attempt per destination address and proxy address until
   * one succeeds; each attempt uses fresh credentials from `auth`. When all
   * fail, the error is the first one if they all read the same, otherwise a
   * `ConnectError` listing them (the reference's rule). With `tls`, TLS is
   * started over the proxied connection. {@link peername} is set on success.
   *
   * ## Example
   * ```ts
   * import { SOCKS5, SOCKSProxy, SOCKSUserAuth } from 'rxrpcx/node';
   * const proxy = new SOCKSProxy('127.0.0.1:1080', SOCKS5, new SOCKSUserAuth('alice', 'correct horse'));
   * const { socket } = await proxy.createConnection('example.com', 80, { timeout: 10 });
   * socket.write('HEAD / HTTP/1.0\r\n\r\n');
   * socket.on('data', (chunk) => console.log(String(chunk)));
   * ```
   *
   * @param host - the destination host name or IP address
   * @param port - the destination port
   * @param options - resolve, TLS, timeout, abort signal, scheduler, lookup
   * @returns the socket, the address reached and this proxy
   */
  createConnection(host: string, port: number | string, options: SOCKSConnectOptions & { readonly tls: ConnectionOptions | true }): Promise<SOCKSConnection<TLSSocket>>;
  createConnection(host: string, port: number | string, options?: SOCKSConnectOptions): Promise<SOCKSConnection>;
  async createConnection(host: string, port: number | string, options: SOCKSConnectOptions = {}): Promise<SOCKSConnection> {
    const requested = new NetAddress(host, port);
    const ms = timeoutMs(options.timeout ?? DEFAULT_CONNECT_TIMEOUT);
    const scheduler = options.scheduler ?? asyncScheduler;
    const lookup = options.lookup ?? defaultLookup;
    const { signal } = options;
    const contextFor = (destination: NetAddress): SOCKSErrorContext => ({
      protocol: this.protocol,
      proxyAddress: this.address,
      target: destination.toString(),
    });
    const resolving = options.resolve === true && requested.hostKind === 'hostname';

    // Everything that can be checked is checked before any I/O, DNS included;
    // the credentials drawn for that serve the first attempt, later ones draw afresh.
    let drawn: SOCKSCredentials | null | undefined = this.#auth?.credentials() ?? null;
    const nextCredentials = (): SOCKSCredentials | null => {
      const credentials = drawn === undefined ? (this.#auth?.credentials() ?? null) : drawn;
      drawn = undefined;
      return credentials;
    };
    const invalid =
      validateCredentials(this.protocol, drawn, contextFor(requested)) ??
      (resolving ? undefined : validateDestination(this.protocol, requested, contextFor(requested)));
    if (invalid) throw invalid;

    const destinations = resolving
      ? (await resolveHost(lookup, requested.host, this.protocol === SOCKS5 ? 0 : 4, requested.toString())).map(
          (address) => new NetAddress(address, requested.port),
        )
      : [requested];
    const proxyIps = this.address.hostKind === 'hostname' ? await resolveHost(lookup, this.address.host, 0, this.address.toString()) : [this.address.host];

    const failures: Error[] = [];
    for (const destination of destinations) {
      const context = contextFor(destination);
      const invalidDestination = validateDestination(this.protocol, destination, context);
      if (invalidDestination) throw invalidDestination;
      let last: Error | undefined;
      for (const proxyIp of proxyIps) {
        // Fresh credentials for every attempt (SOCKSRandomAuth: a new Tor circuit each time).
        const credentials = nextCredentials();
        const invalidCredentials = validateCredentials(this.protocol, credentials, context);
        if (invalidCredentials) throw invalidCredentials;
        let socket: Socket;
        try {
          socket = await socksHandshake({ proxyIp, proxyPort: this.address.port, context, destination, credentials, timeoutMs: ms, scheduler, signal });
        } catch (error) {
          if (signal?.aborted) throw error;
          last = error instanceof Error ? error : new Error(String(error));
          continue;
        }
        this.peername = toNetAddress(socket.remoteAddress, socket.remotePort) ?? new NetAddress(proxyIp, this.address.port);
        const secured = options.tls === undefined ? socket : await startTls(socket, host, options.tls, hostPort(host, requested.port), ms, scheduler, signal);
        return { socket: secured, remoteAddress: destination, proxy: this };
      }
      failures.push(last!);
    }
    throw combineFailures(failures, requested.toString());
  }
}
