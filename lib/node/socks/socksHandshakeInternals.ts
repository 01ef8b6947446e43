/**
 * The I/O half of the SOCKS client. Mainly one attempt — a TCP connection to
 * one proxy address and one handshake for one destination — with the `socks`
 * package writing the requests and {@link SOCKSReplyReader} gating the
 * replies; also the lookups, TLS over the proxied socket, and the rule for
 * reporting several failed attempts.
 *
 * The proxy's bytes reach `socks` only through a shim stream, and only as
 * many as the current reply needs: so every reply is checked by the reference's
 * rules before `socks` acts on it, and bytes the destination sends right after
 * the last reply stay in the socket's own buffer for whoever reads it next.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { SchedulerLike } from 'rxjs';
import { SocksClient, type SocksClientOptions } from 'socks';
import { ConnectError } from '../../transport/ConnectError.js';
import { connectAttempt, connectFailureOf, messageOf } from '../../transport/transportInternals.js';
import type { NetAddress } from '../../util/NetAddress.js';
import { hostPort } from '../nodeInternals.js';
import type { SOCKSCredentials } from './SOCKSAuth.js';
import type { SOCKSErrorContext } from './SOCKSError.js';
import { SOCKS5 } from './SOCKSProtocol.js';
import type { SOCKSLookup } from './SOCKSProxy.js';
import { SOCKSProtocolError } from './SOCKSProtocolError.js';
import { SOCKSReplyReader, offeredMethods } from './socksInternals.js';

/** The longest delay `setTimeout` accepts (about 24.8 days); `socks` gets no more. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One handshake attempt. */
export interface HandshakeAttempt {
  /** The proxy's IP address to dial (already resolved). */
  readonly proxyIp: string;
  readonly proxyPort: number;
  /** Protocol, configured proxy address and destination, for errors. */
  readonly context: SOCKSErrorContext;
  readonly destination: NetAddress;
  readonly credentials: SOCKSCredentials | null;
  /** Milliseconds for the TCP connect and the handshake together; `Infinity` for no limit. */
  readonly timeoutMs: number;
  readonly scheduler: SchedulerLike;
  readonly signal: AbortSignal | undefined;
}

/**
 * Connects to the proxy and asks it for the destination.
 *
 * Resolves with the socket once the proxy has granted the request: not
 * flowing (no `'data'` listener, nothing read past the handshake), ready for
 * a transport or a TLS wrap. Rejects with a `ConnectError` when the proxy
 * cannot be reached, the attempt times out or is aborted, and with a
 * `SOCKSError` when the handshake fails; the socket is destroyed then.
 */
export function socksHandshake(attempt: HandshakeAttempt): Promise<Socket> {
  const { context, destination, credentials, proxyIp, proxyPort } = attempt;
  const protocol = context.protocol;
  const proxyText = hostPort(proxyIp, proxyPort);

  let connected = false;
  const phase = (): string => (connected ? `${protocol} handshake with proxy at ${proxyText}` : `connect to ${protocol} proxy at ${proxyText}`);
  const limits = { signal: attempt.signal, timeout: attempt.timeoutMs / 1000, scheduler: attempt.scheduler };

  return connectAttempt<Socket>(proxyText, limits, phase, (outcome) => {
    const raw = netConnect({ host: proxyIp, port: proxyPort });
    raw.setNoDelay(true);
    const methods = offeredMethods(protocol === SOCKS5 ? credentials : null);
    const reader = new SOCKSReplyReader(protocol, methods, context);
    let shim: Duplex | undefined;

    const stopListening = (): void => {
      raw.off('connect', onConnect);
      raw.off('readable', pump);
      raw.off('end', onEnd);
      raw.off('close', onClose);
      raw.off('error', onError);
    };
    const { fail } = outcome;

    function onConnect(): void {
      connected = true;
      shim = new Duplex({
        read() {
          // Bytes are pushed by pump() as the reader admits them.
        },
        write(chunk: Buffer, _encoding, callback) {
          if (raw.destroyed) callback();
          else raw.write(chunk, () => callback());
        },
      });
      // socks reports its own failures through the promise; the shim's stream errors are ours.
      shim.on('error', () => undefined);
      const options: SocksClientOptions = {
        command: 'connect',
        destination: { host: destination.host, port: destination.port },
        proxy: {
          host: proxyIp,
          port: proxyPort,
          type: protocol === SOCKS5 ? 5 : 4,
          ...(credentials === null ? {} : protocol === SOCKS5 ? { userId: credentials.username, password: credentials.password } : { userId: credentials.username }),
        },
        existing_socket: shim,
        timeout: Math.min(attempt.timeoutMs, MAX_TIMER_MS),
      };
      SocksClient.createConnection(options).then(onEstablished, onSocksError);
      raw.on('readable', pump);
    }

    /** Moves the proxy's bytes to socks, no more than the current reply needs. */
    function pump(): void {
      while (!outcome.settled && reader.wanted() > 0) {
        const chunk = raw.read() as Buffer | null;
        if (chunk === null) return;
        let offset = 0;
        while (offset < chunk.length && reader.wanted() > 0) {
          const part = chunk.subarray(offset, offset + reader.wanted());
          offset += part.length;
          const error = reader.feed(part);
          if (error) {
            fail(error);
            return;
          }
          try {
            shim!.push(part);
          } catch (thrown) {
            // socks builds its next request as it reads a reply; it must not throw out of our event handler.
            fail(new SOCKSProtocolError(`${protocol} handshake failed: ${messageOf(thrown)}`, 'reply', context));
            return;
          }
        }
        if (offset < chunk.length) raw.unshift(chunk.subarray(offset));
      }
      // Handshake replies complete: stop reading, leave the rest in the socket.
      raw.off('readable', pump);
    }

    function onEstablished(): void {
      if (outcome.settled) return;
      if (!reader.granted) {
        fail(new SOCKSProtocolError(`${protocol} handshake ended early`, 'reply', context));
        return;
      }
      stopListening();
      outcome.succeed(raw);
    }

    function onSocksError(error: unknown): void {
      if (outcome.settled) return;
      const message = messageOf(error);
      if (message === 'Proxy connection timed out') {
        fail(new ConnectError('timeout', proxyText, `${phase()} timed out after ${attempt.timeoutMs / 1000}s`));
        return;
      }
      // Never attach socks' error: it carries the options, password included.
      fail(new SOCKSProtocolError(`${protocol} handshake failed: ${message}`, 'reply', context));
    }

    // Once the last reply is in, an end or error belongs to the connection
    // to the destination: the socket is handed over and its reader sees them.
    function onEnd(): void {
      if (reader.granted) return;
      fail(new SOCKSProtocolError('EOF received', 'closed', context));
    }

    function onClose(): void {
      if (reader.granted) return;
      fail(new SOCKSProtocolError('connection closed during the handshake', 'closed', context));
    }

    function onError(error: Error): void {
      if (reader.granted) return;
      if (connected) {
        fail(new SOCKSProtocolError(`connection lost during the handshake: ${error.message}`, 'closed', context, { cause: error }));
      } else {
        fail(new ConnectError(connectFailureOf(error), proxyText, `${phase()} failed: ${error.message}`, { cause: error }));
      }
    }

    raw.once('connect', onConnect);
    raw.on('end', onEnd);
    raw.on('close', onClose);
    raw.on('error', onError);
    return () => {
      stopListening();
      // The socket is dead; a late error from it has nowhere to go.
      raw.on('error', () => undefined);
      raw.destroy();
      shim?.destroy();
    };
  });
}

/** `node:dns` lookup of every address, in the resolver's order. */
export const defaultLookup: SOCKSLookup = async (hostname, family) => {
  const found = await dnsLookup(hostname, { all: true, family, verbatim: true });
  return found.map((entry) => entry.address);
};

/** Errors of attempts that all failed, as one: the reference's rule (the first if all read the same). */
export function combineFailures(errors: readonly Error[], target: string): Error {
  const texts = [...new Set(errors.map((error) => `${error.name}: ${error.message}`))];
  if (texts.length === 1) return errors[0]!;
  return new ConnectError('network', target, `multiple exceptions: ${texts.join(', ')}`, { cause: new AggregateError(errors) });
}

/** The addresses of `host`, or a `ConnectError` (dns) naming `what` was being resolved for. */
export async function resolveHost(lookup: SOCKSLookup, host: string, family: 0 | 4 | 6, what: string): Promise<readonly string[]> {
  let found: readonly string[];
  try {
    found = await lookup(host, family);
  } catch (error) {
    throw new ConnectError(connectFailureOf(error, 'dns'), what, `cannot resolve ${host}: ${messageOf(error)}`, { cause: error });
  }
  if (found.length === 0) throw new ConnectError('dns', what, `cannot resolve ${host}: no ${family === 4 ? 'IPv4 ' : ''}address`);
  return found;
}

/** Puts TLS on a proxied socket; destroys it on failure. */
export function startTls(
  socket: Socket,
  host: string,
  tls: ConnectionOptions | true,
  target: string,
  ms: number,
  scheduler: SchedulerLike,
  signal: AbortSignal | undefined,
): Promise<TLSSocket> {
  const options = tls === true ? {} : tls;
  const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
  // An attempt aborted before it starts never dials: the proxied socket is ours to destroy.
  if (signal?.aborted === true) socket.destroy();
  return connectAttempt<TLSSocket>(target, { signal, timeout: ms / 1000, scheduler }, () => `TLS handshake with ${target}`, (attempt) => {
    const secure = tlsConnect({ ...options, host, socket, ...(servername === undefined ? {} : { servername }) });
    const stopListening = (): void => {
      secure.off('secureConnect', onSecure);
      secure.off('error', onError);
    };
    function onSecure(): void {
      stopListening();
      attempt.succeed(secure);
    }
    function onError(error: Error): void {
      attempt.fail(new ConnectError(connectFailureOf(error, 'tls'), target, `TLS handshake with ${target} failed: ${error.message}`, { cause: error }));
    }
    secure.once('secureConnect', onSecure);
    secure.on('error', onError);
    return () => {
      stopListening();
      secure.on('error', () => undefined);
      secure.destroy();
      socket.destroy();
    };
  });
}
