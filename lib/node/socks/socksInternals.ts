/**
 * The sans-I/O half of the SOCKS client: request validation, and a reader
 * that checks the proxy's replies byte for byte against the reference's rules
 * and says how many bytes each reply still needs. No sockets here.
 */
import { NetAddress } from '../../util/NetAddress.js';
import type { SOCKSCredentials } from './SOCKSAuth.js';
import type { SOCKSError, SOCKSErrorContext } from './SOCKSError.js';
import { SOCKSFailure } from './SOCKSFailure.js';
import type { SOCKSProbe } from './SOCKSProbe.js';
import { SOCKS4, SOCKS4a, SOCKS5, type SOCKSProtocol } from './SOCKSProtocol.js';
import { SOCKSProtocolError } from './SOCKSProtocolError.js';

/** SOCKS4 reply codes (http://ftp.icm.edu.pl/packages/socks/socks4/SOCKS4.protocol). */
const SOCKS4_REPLY_CODES: ReadonlyMap<number, string> = new Map([
  [90, 'request granted'],
  [91, 'request rejected or failed'],
  [92, 'request rejected because SOCKS server cannot connect to identd on the client'],
  [93, 'request rejected because the client program and identd report different user-ids'],
]);

/** SOCKS5 reply codes (RFC 1928 §6). */
const SOCKS5_ERROR_CODES: ReadonlyMap<number, string> = new Map([
  [1, 'general SOCKS server failure'],
  [2, 'connection not allowed by ruleset'],
  [3, 'network unreachable'],
  [4, 'host unreachable'],
  [5, 'connection refused'],
  [6, 'TTL expired'],
  [7, 'command not supported'],
  [8, 'address type not supported'],
]);

const SOCKS4_GRANTED = 90;
/** SOCKS5 authentication methods: none, and username/password (RFC 1929). */
export const SOCKS5_NO_AUTH = 0;
export const SOCKS5_USER_PASS = 2;

const utf8 = new TextEncoder();

/**
 * Python's `repr()` of a `bytes` value: `b'\x05\xff'`, printable ASCII as is,
 * so messages read like the reference's.
 */
export function bytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let text = '';
  for (const byte of bytes) {
    if (byte === 0x5c) text += '\\\\';
    else if (byte === 0x09) text += '\\t';
    else if (byte === 0x0a) text += '\\n';
    else if (byte === 0x0d) text += '\\r';
    else if (byte === quote.charCodeAt(0)) text += `\\${quote}`;
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `b${quote}${text}${quote}`;
}

/**
 * The reference's destination check, before any I/O: SOCKS4 carries only an
 * IPv4 address, SOCKS4a an IPv4 address or a host name.
 */
export function validateDestination(protocol: SOCKSProtocol, destination: NetAddress, context: SOCKSErrorContext): SOCKSProtocolError | undefined {
  const kind = destination.hostKind;
  if (protocol === SOCKS4 && kind !== 'ipv4') {
    return new SOCKSProtocolError(`SOCKS4 requires an IPv4 address: ${destination.host}`, 'destination', context);
  }
  if (protocol === SOCKS4a && kind === 'ipv6') {
    return new SOCKSProtocolError(`SOCKS4a requires an IPv4 address or host name: ${destination.host}`, 'destination', context);
  }
  return undefined;
}

/**
 * The reference's credential check, before any I/O: SOCKS5 sends a username
 * and a password of 1–255 bytes each. A SOCKS4 user id is NUL-terminated, so
 * it must not contain a NUL.
 */
export function validateCredentials(protocol: SOCKSProtocol, credentials: SOCKSCredentials | null, context: SOCKSErrorContext): SOCKSProtocolError | undefined {
  if (credentials === null) return undefined;
  if (typeof credentials !== 'object' || typeof credentials.username !== 'string' || typeof credentials.password !== 'string') {
    return new SOCKSProtocolError('SOCKS credentials must be a username and a password string', 'credentials', context);
  }
  if (protocol === SOCKS5) {
    // The reference names the username here; rxrpcx never puts credentials in a message.
    const userBytes = utf8.encode(credentials.username).length;
    if (userBytes < 1 || userBytes > 255) {
      return new SOCKSProtocolError(`username has invalid length ${userBytes}`, 'credentials', context);
    }
    const passwordBytes = utf8.encode(credentials.password).length;
    if (passwordBytes < 1 || passwordBytes > 255) {
      return new SOCKSProtocolError(`password has invalid length ${passwordBytes}`, 'credentials', context);
    }
  } else if (credentials.username.includes('\0')) {
    return new SOCKSProtocolError('username contains a NUL character', 'credentials', context);
  }
  return undefined;
}

/** The SOCKS5 authentication methods offered: none, plus username/password when there are credentials. */
export function offeredMethods(credentials: SOCKSCredentials | null): readonly number[] {
  return credentials === null ? [SOCKS5_NO_AUTH] : [SOCKS5_NO_AUTH, SOCKS5_USER_PASS];
}

type ReaderState = 'socks4-reply' | 'methods' | 'auth' | 'connect-header' | 'connect-address' | 'granted' | 'failed';

/**
 * Reads the proxy's replies for one handshake, in order, and judges each the
 * way the reference does.
 *
 * {@link wanted} is how many more bytes the current reply needs — never more,
 * so bytes past the handshake (the destination already talking) are left for
 * the caller. {@link feed} takes at most that many and returns `undefined`
 * while all is well, or the error the handshake ends with; {@link granted}
 * turns true once the last reply has been accepted.
 */
export class SOCKSReplyReader {
  private state: ReaderState;
  private buffer = new Uint8Array(0);
  private need: number;
  private readonly name: SOCKSProtocol;

  constructor(
    protocol: SOCKSProtocol,
    private readonly methods: readonly number[],
    private readonly context: SOCKSErrorContext,
  ) {
    this.name = protocol;
    if (protocol === SOCKS5) {
      this.state = 'methods';
      this.need = 2;
    } else {
      this.state = 'socks4-reply';
      this.need = 8;
    }
  }

  /** Bytes still needed to complete the current reply; 0 once granted or failed. */
  wanted(): number {
    return this.state === 'granted' || this.state === 'failed' ? 0 : this.need - this.buffer.length;
  }

  /** Whether every reply has been received and accepted. */
  get granted(): boolean {
    return this.state === 'granted';
  }

  /**
   * Takes the next bytes of the proxy's replies (no more than {@link wanted}).
   *
   * @returns the error the handshake fails with, or `undefined`
   */
  feed(bytes: Uint8Array): SOCKSError | undefined {
    if (bytes.length > this.wanted()) throw new RangeError('SOCKSReplyReader fed more than it wanted');
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer);
    joined.set(bytes, this.buffer.length);
    this.buffer = joined;
    if (this.buffer.length < this.need) return undefined;
    const reply = this.buffer;
    this.buffer = new Uint8Array(0);
    const error = this.judge(reply);
    if (error) this.state = 'failed';
    return error;
  }

  private judge(data: Uint8Array): SOCKSError | undefined {
    switch (this.state) {
      case 'socks4-reply':
        return this.judgeSocks4(data);
      case 'methods':
        return this.judgeMethods(data);
      case 'auth':
        return this.judgeAuth(data);
      case 'connect-header':
        return this.judgeConnectHeader(data);
      case 'connect-address':
        this.state = 'granted';
        return undefined;
      default:
        throw new Error(`SOCKSReplyReader: no reply expected in state ${this.state}`);
    }
  }

  private protocolError(message: string, reply: Uint8Array): SOCKSProtocolError {
    return new SOCKSProtocolError(message, 'reply', this.context, { reply });
  }

  private judgeSocks4(data: Uint8Array): SOCKSError | undefined {
    if (data[0] !== 0) return this.protocolError(`invalid ${this.name} proxy response: ${bytesRepr(data)}`, data);
    const code = data[1]!;
    if (code !== SOCKS4_GRANTED) {
      const text = SOCKS4_REPLY_CODES.get(code) ?? `unknown ${this.name} reply code ${code}`;
      return new SOCKSFailure(`${this.name} proxy request failed: ${text}`, 'request', code, this.context);
    }
    this.state = 'granted';
    return undefined;
  }

  private judgeMethods(data: Uint8Array): SOCKSError | undefined {
    if (data[0] !== 5) return this.protocolError(`invalid SOCKS5 proxy response: ${bytesRepr(data)}`, data);
    const method = data[1]!;
    if (!this.methods.includes(method)) {
      return new SOCKSFailure('SOCKS5 proxy rejected authentication methods', 'methods', method, this.context);
    }
    if (method === SOCKS5_USER_PASS) {
      this.state = 'auth';
      this.need = 2;
    } else {
      this.state = 'connect-header';
      this.need = 5;
    }
    return undefined;
  }

  private judgeAuth(data: Uint8Array): SOCKSError | undefined {
    if (data[0] !== 1) return this.protocolError(`invalid SOCKS5 proxy auth response: ${bytesRepr(data)}`, data);
    const status = data[1]!;
    if (status !== 0) return new SOCKSFailure(`SOCKS5 proxy auth failure code: ${status}`, 'auth', status, this.context);
    this.state = 'connect-header';
    this.need = 5;
    return undefined;
  }

  private judgeConnectHeader(data: Uint8Array): SOCKSError | undefined {
    const addressType = data[3]!;
    if (data[0] !== 5 || data[2] !== 0 || ![1, 3, 4].includes(addressType)) {
      return this.protocolError(`invalid SOCKS5 proxy response: ${bytesRepr(data)}`, data);
    }
    const code = data[1]!;
    if (code !== 0) {
      return new SOCKSFailure(SOCKS5_ERROR_CODES.get(code) ?? `unknown SOCKS5 error code: ${code}`, 'request', code, this.context);
    }
    // The bound address after the 5 bytes read: the rest of an IPv4 or IPv6
    // address, or a host name of the length in byte 4; then the port.
    const rest = addressType === 1 ? 3 : addressType === 3 ? data[4]! : 15;
    this.state = 'connect-address';
    this.need = rest + 2;
    return undefined;
  }
}

/**
 * Parses and checks a probe.
 *
 * @throws AddressError for an unparsable address, TypeError for one of the wrong kind
 */
export function resolveProbe(probe: SOCKSProbe): { readonly ipv4: NetAddress; readonly hostname: NetAddress } {
  const ipv4 = probe.ipv4 instanceof NetAddress ? probe.ipv4 : NetAddress.fromString(probe.ipv4);
  const hostname = probe.hostname instanceof NetAddress ? probe.hostname : NetAddress.fromString(probe.hostname);
  if (ipv4.hostKind !== 'ipv4') throw new TypeError(`probe.ipv4 must be an IPv4 address: ${ipv4}`);
  if (hostname.hostKind === 'ipv6') throw new TypeError(`probe.hostname must be a host name or an IPv4 address: ${hostname}`);
  return { ipv4, hostname };
}
