import { normaliseIPv6, parseIPv4 } from '../../util/ipInternals.js';
import { NetAddress } from '../../util/NetAddress.js';
import { ProxyProtocolError, type ProxyProtocolErrorReason } from './ProxyProtocolError.js';

/**
 * The longest v1 (text) header, CRLF included, as the specification caps it.
 *
 * ## Example
 * ```ts
 * import { PROXY_V1_MAX_LENGTH } from 'rxrpcx/node';
 * console.log(PROXY_V1_MAX_LENGTH); // 107
 * ```
 */
export const PROXY_V1_MAX_LENGTH = 107;

/**
 * The largest address-and-TLV block a v2 header may declare (the 16 fixed
 * bytes come on top): room for every address family and the TLVs HAProxy
 * sends, while a bigger declared length is refused before it is buffered.
 *
 * ## Example
 * ```ts
 * import { PROXY_V2_MAX_LENGTH } from 'rxrpcx/node';
 * console.log(16 + PROXY_V2_MAX_LENGTH); // the most bytes a v2 header can hold us to
 * ```
 */
export const PROXY_V2_MAX_LENGTH = 4096;

/**
 * The protocol and address family a PROXY header announces. `'UNKNOWN'` (v1
 * `UNKNOWN`, v2 `AF_UNSPEC`) and `'UNIX'` carry no usable address: the
 * connection's own peer stands.
 *
 * ## Example
 * ```ts
 * import type { ProxyFamily } from 'rxrpcx/node';
 * const family: ProxyFamily = 'TCP6';
 * ```
 */
export type ProxyFamily = 'TCP4' | 'TCP6' | 'UDP4' | 'UDP6' | 'UNIX' | 'UNIX_DGRAM' | 'UNKNOWN';

/**
 * One type-length-value extension of a v2 header (ALPN, authority, unique
 * id, TLS details …), kept as received; rxrpcx interprets none of them.
 *
 * ## Example
 * ```ts
 * import type { ProxyTLV } from 'rxrpcx/node';
 * const authority: ProxyTLV = { type: 0x02, value: new TextEncoder().encode('example.org') };
 * ```
 */
export interface ProxyTLV {
  /** The type byte (`0x01` ALPN, `0x02` authority, `0x05` unique id, `0x20` SSL …). */
  readonly type: number;
  /** Its value (a copy, not a view of the connection's bytes). */
  readonly value: Uint8Array;
}

/**
 * A parsed PROXY protocol header: who the balancer says the client is.
 *
 * `command` `'LOCAL'` (v2 only: the balancer's own connection, e.g. a health
 * check) and the families without an address leave `source` and
 * `destination` undefined; then the connection's own addresses stand.
 *
 * ## Example
 * ```ts
 * import { parseProxyHeader } from 'rxrpcx/node';
 * const result = parseProxyHeader(new TextEncoder().encode('PROXY TCP4 192.0.2.7 127.0.0.1 51234 50001\r\n'));
 * if (result.status === 'complete') console.log(String(result.header.source)); // 192.0.2.7:51234
 * ```
 */
export interface ProxyHeader {
  /** 1 for the text form, 2 for the binary one. */
  readonly version: 1 | 2;
  /** `'PROXY'`: relayed for a client; `'LOCAL'`: the balancer's own connection. */
  readonly command: 'PROXY' | 'LOCAL';
  /** The announced family (`'UNKNOWN'` for LOCAL). */
  readonly family: ProxyFamily;
  /** The client's address and port, for the TCP and UDP families. */
  readonly source: NetAddress | undefined;
  /** The address and port the client connected to, at the balancer. */
  readonly destination: NetAddress | undefined;
  /** The v2 extensions, in order (always empty for v1). */
  readonly tlvs: readonly ProxyTLV[];
  /** How many bytes the header took. */
  readonly length: number;
}

/**
 * What {@link parseProxyHeader} makes of the bytes so far: not enough yet, a
 * header and the bytes after it, or the reason they are no header.
 *
 * ## Example
 * ```ts
 * import type { ProxyHeaderResult } from 'rxrpcx/node';
 * const describe = (result: ProxyHeaderResult): string =>
 *   result.status === 'complete' ? `${result.rest.length} bytes after it` : result.status === 'invalid' ? result.error.reason : 'more';
 * ```
 */
export type ProxyHeaderResult =
  | {
      /** More bytes are needed before the header can be read or refused. */
      readonly status: 'incomplete';
    }
  | {
      /** The header is whole and valid. */
      readonly status: 'complete';
      /** What the header says. */
      readonly header: ProxyHeader;
      /** The bytes after the header: the start of the proxied connection's own data. */
      readonly rest: Uint8Array;
    }
  | {
      /** The header is refused; the connection should be closed. */
      readonly status: 'invalid';
      /** Why, without any bytes of the header. */
      readonly error: ProxyProtocolError;
    };

const V1_PREFIX = [0x50, 0x52, 0x4f, 0x58, 0x59, 0x20]; // 'PROXY '
const V2_SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
const V2_FIXED = 16;
const CR = 0x0d;
const LF = 0x0a;
const PORT = /^[1-9][0-9]{0,4}$/;

const INCOMPLETE: ProxyHeaderResult = Object.freeze({ status: 'incomplete' });

/** v2 family bytes the specification allows, with their address block length. */
const V2_FAMILIES: ReadonlyMap<number, { readonly family: ProxyFamily; readonly addresses: number }> = new Map([
  [0x00, { family: 'UNKNOWN', addresses: 0 }],
  [0x11, { family: 'TCP4', addresses: 12 }],
  [0x12, { family: 'UDP4', addresses: 12 }],
  [0x21, { family: 'TCP6', addresses: 36 }],
  [0x22, { family: 'UDP6', addresses: 36 }],
  [0x31, { family: 'UNIX', addresses: 216 }],
  [0x32, { family: 'UNIX_DGRAM', addresses: 216 }],
] as const);

function invalid(reason: ProxyProtocolErrorReason, message: string): ProxyHeaderResult {
  return { status: 'invalid', error: new ProxyProtocolError(reason, `PROXY protocol: ${message}`) };
}

/** Whether the bytes there are, up to the signature's length, match it. */
function startsLike(bytes: Uint8Array, signature: readonly number[]): boolean {
  const n = Math.min(bytes.length, signature.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== signature[i]) return false;
  return true;
}

/**
 * Reads a PROXY protocol header (v1 text or v2 binary) from the start of the
 * bytes a connection has sent so far.
 *
 * Sans-I/O: give it everything received until it stops answering
 * `'incomplete'`. `'complete'` carries the header and `rest`, the bytes after
 * it (a view of the input), which belong to the protocol behind. Every limit
 * is checked as soon as it can be: bytes that cannot start a header fail on
 * the first one, a v1 line without its CRLF within 107 bytes and a v2 header
 * declaring more than {@link PROXY_V2_MAX_LENGTH} bytes fail before more is
 * awaited. It never throws: bad bytes give `'invalid'` with a
 * {@link ProxyProtocolError}. The v2 CRC32c extension is not verified.
 *
 * ## Example
 * ```ts
 * import { parseProxyHeader } from 'rxrpcx/node';
 * const bytes = new TextEncoder().encode('PROXY TCP6 2001:db8::1 ::1 40000 50001\r\n{"jsonrpc":"2.0"');
 * const result = parseProxyHeader(bytes);
 * if (result.status === 'complete') {
 *   console.log(result.header.version, String(result.header.source), result.rest.length); // 1 [2001:db8::1]:40000 16
 * }
 * parseProxyHeader(bytes.subarray(0, 10)).status; // 'incomplete'
 * ```
 *
 * @param bytes - what the connection has sent so far, from its first byte
 * @returns `'incomplete'`, `'complete'` with the header and the rest, or `'invalid'` with the error
 */
export function parseProxyHeader(bytes: Uint8Array): ProxyHeaderResult {
  if (bytes.length === 0) return INCOMPLETE;
  if (bytes[0] === V1_PREFIX[0]) return parseV1(bytes);
  if (bytes[0] === V2_SIGNATURE[0]) return parseV2(bytes);
  return invalid('missing', 'the connection did not start with a PROXY header');
}

function parseV1(bytes: Uint8Array): ProxyHeaderResult {
  if (!startsLike(bytes, V1_PREFIX)) return invalid('missing', 'the connection did not start with a PROXY header');
  // The CR may sit at most at PROXY_V1_MAX_LENGTH - 2, its LF right after.
  const scanEnd = Math.min(bytes.length, PROXY_V1_MAX_LENGTH - 1);
  let cr = -1;
  for (let i = V1_PREFIX.length; i < scanEnd; i++) {
    const byte = bytes[i]!;
    if (byte === CR) {
      cr = i;
      break;
    }
    if (byte < 0x20 || byte > 0x7e) return invalid('malformed', 'a v1 header holds a byte that is not printable ASCII');
  }
  if (cr === -1) {
    return bytes.length >= PROXY_V1_MAX_LENGTH - 1
      ? invalid('oversized', `no CRLF within the ${PROXY_V1_MAX_LENGTH} bytes of a v1 header`)
      : INCOMPLETE;
  }
  if (cr + 1 >= bytes.length) return INCOMPLETE;
  if (bytes[cr + 1] !== LF) return invalid('malformed', 'a v1 header ends with CR without LF');
  let line = '';
  for (let i = V1_PREFIX.length; i < cr; i++) line += String.fromCharCode(bytes[i]!);
  const length = cr + 2;
  const fields = line.split(' ');
  const protocol = fields[0];
  if (protocol === 'UNKNOWN') {
    // The rest of an UNKNOWN line is to be ignored.
    return complete({ version: 1, command: 'PROXY', family: 'UNKNOWN', source: undefined, destination: undefined, tlvs: [], length }, bytes);
  }
  if (protocol !== 'TCP4' && protocol !== 'TCP6') return invalid('malformed', 'a v1 header names no known protocol (TCP4, TCP6, UNKNOWN)');
  if (fields.length !== 5) return invalid('malformed', 'a v1 header needs two addresses and two ports, one space apart');
  const source = v1Address(protocol, fields[1]!, fields[3]!);
  const destination = v1Address(protocol, fields[2]!, fields[4]!);
  if (!source || !destination) return invalid('malformed', `a v1 header holds an invalid ${protocol} address or port`);
  return complete({ version: 1, command: 'PROXY', family: protocol, source, destination, tlvs: [], length }, bytes);
}

function v1Address(protocol: 'TCP4' | 'TCP6', host: string, port: string): NetAddress | undefined {
  if (!PORT.test(port) || Number(port) > 65535) return undefined;
  if (protocol === 'TCP4') return parseIPv4(host) ? new NetAddress(host, Number(port)) : undefined;
  // An IPv6 address, not an IPv4 one nor one with a zone.
  if (host.includes('%') || !host.includes(':')) return undefined;
  const text = normaliseIPv6(host);
  return text === undefined ? undefined : new NetAddress(text, Number(port));
}

function parseV2(bytes: Uint8Array): ProxyHeaderResult {
  if (!startsLike(bytes, V2_SIGNATURE)) return invalid('missing', 'the connection did not start with a PROXY header');
  if (bytes.length > 12) {
    const versionCommand = bytes[12]!;
    if (versionCommand >> 4 !== 2) return invalid('malformed', `a v2 header of version ${versionCommand >> 4}`);
    if ((versionCommand & 0x0f) > 1) return invalid('malformed', `a v2 header with the unknown command ${versionCommand & 0x0f}`);
  }
  if (bytes.length < V2_FIXED) return INCOMPLETE;
  const declared = (bytes[14]! << 8) | bytes[15]!;
  if (declared > PROXY_V2_MAX_LENGTH) return invalid('oversized', `a v2 header declares ${declared} bytes, more than ${PROXY_V2_MAX_LENGTH}`);
  const length = V2_FIXED + declared;
  if (bytes.length < length) return INCOMPLETE;
  if ((bytes[12]! & 0x0f) === 0) {
    // LOCAL: the block, family included, is to be ignored; the connection's own addresses stand.
    return complete({ version: 2, command: 'LOCAL', family: 'UNKNOWN', source: undefined, destination: undefined, tlvs: [], length }, bytes);
  }
  const kind = V2_FAMILIES.get(bytes[13]!);
  if (!kind) return invalid('malformed', `a v2 header with the unknown family byte 0x${bytes[13]!.toString(16).padStart(2, '0')}`);
  if (declared < kind.addresses) return invalid('malformed', `a v2 ${kind.family} header too short for its addresses`);
  const block = bytes.subarray(V2_FIXED, length);
  let source: NetAddress | undefined;
  let destination: NetAddress | undefined;
  if (kind.family === 'TCP4' || kind.family === 'UDP4' || kind.family === 'TCP6' || kind.family === 'UDP6') {
    const size = kind.addresses === 12 ? 4 : 16;
    const sourcePort = (block[2 * size]! << 8) | block[2 * size + 1]!;
    const destinationPort = (block[2 * size + 2]! << 8) | block[2 * size + 3]!;
    if (sourcePort === 0 || destinationPort === 0) return invalid('malformed', `a v2 ${kind.family} header with port 0`);
    source = new NetAddress(ipText(block.subarray(0, size)), sourcePort);
    destination = new NetAddress(ipText(block.subarray(size, 2 * size)), destinationPort);
  }
  const tlvs: ProxyTLV[] = [];
  for (let at = kind.addresses; at < declared; ) {
    if (declared - at < 3) return invalid('malformed', 'a v2 header ends inside a TLV');
    const size = (block[at + 1]! << 8) | block[at + 2]!;
    if (declared - at - 3 < size) return invalid('malformed', 'a v2 TLV runs past the header');
    tlvs.push({ type: block[at]!, value: block.slice(at + 3, at + 3 + size) });
    at += 3 + size;
  }
  return complete({ version: 2, command: 'PROXY', family: kind.family, source, destination, tlvs, length }, bytes);
}

/** Text of a 4- or 16-byte address, in NetAddress's canonical form. */
function ipText(raw: Uint8Array): string {
  if (raw.length === 4) return raw.join('.');
  const hextets: string[] = [];
  for (let i = 0; i < 16; i += 2) hextets.push(((raw[i]! << 8) | raw[i + 1]!).toString(16));
  return normaliseIPv6(hextets.join(':'))!;
}

function complete(header: ProxyHeader, bytes: Uint8Array): ProxyHeaderResult {
  return { status: 'complete', header, rest: bytes.subarray(header.length) };
}
