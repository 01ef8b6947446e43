import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { defaultLogger } from '../../session/setDefaultLogger.js';
import { scheduleAfter } from '../../tasks/tasksInternals.js';
import { toNetAddress } from '../../transport/transportInternals.js';
import { AddressError } from '../../util/AddressError.js';
import { normaliseIPv6, parseIPv4 } from '../../util/ipInternals.js';
import { parseProxyHeader, type ProxyHeader } from './parseProxyHeader.js';
import { setProxyHeader } from './proxyHeaderOf.js';
import { ProxyProtocolError, type ProxyProtocolErrorReason } from './ProxyProtocolError.js';
import type { ProxyProtocolOptions } from './ProxyProtocolOptions.js';

/** The defaults of {@link ProxyProtocolOptions}. */
export const proxyProtocolDefaults = Object.freeze({ trusted: Object.freeze(['127.0.0.1', '::1']), timeout: 5 });

/** The PROXY protocol settings, checked. @internal */
export interface ProxySettings {
  /** Canonical IP texts (see {@link canonicalIp}). */
  readonly trusted: ReadonlySet<string>;
  readonly timeoutMs: number;
}

/**
 * IP text in the form trust is compared in: IPv4 dotted, IPv6 compressed and
 * lower case, an IPv4-mapped IPv6 address as its IPv4 form (how Node reports
 * IPv4 peers of a dual-stack socket). `undefined` when it is no IP address.
 */
export function canonicalIp(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (parseIPv4(text)) return text;
  if (!text.includes(':')) return undefined;
  const ipv6 = normaliseIPv6(text);
  if (ipv6 === undefined) return undefined;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ipv6);
  if (!mapped) return ipv6;
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/**
 * Checks the `proxyProtocol` option before any I/O: `undefined` when it is
 * off. Throws AddressError for a trusted entry that is no IP address, and
 * RangeError for a timeout that is not a positive number.
 */
export function resolveProxyProtocol(option: boolean | ProxyProtocolOptions | undefined): ProxySettings | undefined {
  if (option === undefined || option === false) return undefined;
  const { trusted = proxyProtocolDefaults.trusted, timeout = proxyProtocolDefaults.timeout } = option === true ? {} : option;
  if (!Array.isArray(trusted)) throw new TypeError('proxyProtocol.trusted must be an array of IP addresses');
  const canonical = new Set<string>();
  for (const entry of trusted as readonly unknown[]) {
    const ip = typeof entry === 'string' ? canonicalIp(entry) : undefined;
    if (ip === undefined) throw new AddressError(`proxyProtocol.trusted: not an IP address: ${String(entry)}`, 'host', entry);
    canonical.add(ip);
  }
  if (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout)) {
    throw new RangeError(`proxyProtocol.timeout must be a positive number of seconds: ${String(timeout)}`);
  }
  return { trusted: canonical, timeoutMs: timeout * 1000 };
}

/** Where a listener's refusals go: its `onError`, else a `warn` line on the default logger. */
export function proxyReporter(onError: ((error: Error) => void) | undefined): (error: ProxyProtocolError) => void {
  return onError ?? ((error) => defaultLogger().warn(error.message));
}

/** The listening side of a listener with the PROXY protocol on. @internal */
export interface ProxyFront {
  /** The server to listen with: it reads the headers, then hands each socket to the inner server. */
  readonly server: Server;
  /** Destroys the connections still owing their header (when the listener closes). */
  destroyPending(): void;
}

/**
 * Puts a header-reading TCP server in front of `inner` (a net, TLS, HTTP or
 * HTTPS server that does not listen itself): each connection from a trusted
 * address is read up to the end of its header — before TLS, so TLS passthrough
 * works — and the bytes after it are put back; then the socket goes to
 * `inner` as its `'connection'`. Refusals are reported and close the
 * connection; a trusted connection that closes before sending any byte (a
 * TCP health check) is let go silently.
 *
 * `flowing`: whether `inner` expects the socket flowing as a fresh one is (an
 * HTTP server does); the header reader leaves it paused, which a TLS server
 * (that takes over the handle) and a SocketTransport want.
 */
export function proxyFront(
  inner: Server,
  settings: ProxySettings,
  options: { readonly scheduler?: SchedulerLike; readonly report: (error: ProxyProtocolError) => void; readonly flowing: boolean },
): ProxyFront {
  const scheduler = options.scheduler ?? asyncScheduler;
  const pending = new Set<Socket>();
  // A TLS socket shares its raw socket's peer, which is how its header is found (see trackHandshakes).
  const byPeer = new Map<string, ProxyHeader>();
  const peerKey = (socket: Socket): string => `${socket.remoteAddress}|${socket.remotePort}`;
  inner.prependListener('secureConnection', (socket: TLSSocket) => {
    const key = peerKey(socket);
    const header = byPeer.get(key);
    if (header === undefined) return;
    byPeer.delete(key);
    setProxyHeader(socket, header);
  });

  const server = createNetServer({ allowHalfOpen: false, noDelay: true }, (socket) => {
    const peer = toNetAddress(socket.remoteAddress, socket.remotePort);
    const refuse = (reason: ProxyProtocolErrorReason, detail: string): void => {
      socket.destroy();
      options.report(new ProxyProtocolError(reason, `PROXY protocol: ${detail}; closed the connection from ${peer}`, peer));
    };
    if (!peer) {
      socket.destroy();
      return;
    }
    if (!settings.trusted.has(canonicalIp(socket.remoteAddress) ?? '')) {
      refuse('untrusted', 'not a trusted balancer');
      return;
    }
    pending.add(socket);
    readHeader(socket, settings.timeoutMs, scheduler, {
      header: (header, rest) => {
        pending.delete(socket);
        setProxyHeader(socket, header);
        const key = peerKey(socket);
        byPeer.set(key, header);
        socket.once('close', () => {
          if (byPeer.get(key) === header) byPeer.delete(key);
        });
        if (rest.length > 0) socket.unshift(Buffer.from(rest.buffer, rest.byteOffset, rest.byteLength));
        inner.emit('connection', socket);
        if (options.flowing) socket.resume();
      },
      refused: (error) => {
        pending.delete(socket);
        refuse(error.reason, error.message.replace(/^PROXY protocol: /, ''));
      },
      gone: () => pending.delete(socket),
    });
  });
  return {
    server,
    destroyPending: () => {
      for (const socket of pending) socket.destroy();
      pending.clear();
    },
  };
}

/**
 * Reads `socket` until its PROXY header is complete (then it is paused and
 * the header and the bytes after it are handed on), invalid, late, or the
 * socket closes. Exactly one of the three outcomes is called.
 */
function readHeader(
  socket: Socket,
  timeoutMs: number,
  scheduler: SchedulerLike,
  outcome: {
    readonly header: (header: ProxyHeader, rest: Uint8Array) => void;
    readonly refused: (error: ProxyProtocolError) => void;
    readonly gone: () => void;
  },
): void {
  let buffered: Uint8Array = new Uint8Array(0);
  const stop = (): void => {
    timer.unsubscribe();
    socket.off('data', onData);
    socket.off('close', onClose);
    socket.off('error', ignore);
  };
  const onData = (chunk: Buffer): void => {
    // The parser settles within PROXY_V2_MAX_LENGTH + 16 bytes, so this stays small.
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const result = parseProxyHeader(buffered);
    if (result.status === 'incomplete') return;
    socket.pause();
    stop();
    if (result.status === 'complete') outcome.header(result.header, result.rest);
    else outcome.refused(result.error);
  };
  const onClose = (): void => {
    stop();
    if (buffered.length === 0) outcome.gone();
    else outcome.refused(new ProxyProtocolError('truncated', 'PROXY protocol: the connection closed in the middle of its header'));
  };
  // The close that follows an error is what counts.
  const ignore = (): void => undefined;
  const timer = scheduleAfter(scheduler, timeoutMs / 1000, () => {
    stop();
    outcome.refused(new ProxyProtocolError('timeout', `PROXY protocol: no complete header within ${timeoutMs / 1000} s`));
  });
  socket.on('data', onData);
  socket.on('close', onClose);
  socket.on('error', ignore);
}
