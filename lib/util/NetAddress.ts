import { AddressError } from './AddressError.js';
import { classifyHost, type HostKind } from './classifyHost.js';
import { isPresent } from './pythonInternals.js';
import { ServicePart } from './ServicePart.js';
import { validatePort } from './validatePort.js';

/**
 * Supplies a missing host or port when parsing an address string.
 *
 * Called with `ServicePart.HOST` or `ServicePart.PORT`, only for a part that
 * is missing; `null`, `undefined`, `''` and `0` mean "no default either".
 * A host must be a string; a port may be a number or a digit string.
 *
 * ## Example
 * ```ts
 * import { NetAddress, ServicePart, type NetAddressDefaultFunc } from 'rxrpcx';
 * const defaults: NetAddressDefaultFunc = (part) => (part === ServicePart.HOST ? 'localhost' : 50001);
 * NetAddress.fromString(':8000', { defaultFunc: defaults }); // localhost:8000
 * ```
 */
export type NetAddressDefaultFunc = (part: typeof ServicePart.HOST | typeof ServicePart.PORT) => string | number | null | undefined;

/**
 * Defaults for {@link NetAddress.fromString}: either fixed values or a
 * function, not both.
 *
 * Giving neither (or `{}`) means no defaults: both parts are required.
 * Giving one fixed value means the other part is still required:
 * `fromString('example.com', { defaultHost: 'localhost' })` fails.
 *
 * ## Example
 * ```ts
 * import { NetAddress, type NetAddressFromStringOptions } from 'rxrpcx';
 * const options: NetAddressFromStringOptions = { defaultHost: 'localhost', defaultPort: 50001 };
 * NetAddress.fromString('', options); // localhost:50001
 * ```
 */
export type NetAddressFromStringOptions =
  | {
      /** Host to use when the string has none. @default none */
      readonly defaultHost?: string | null;
      /** Port to use when the string has none. @default none */
      readonly defaultPort?: number | string | null;
      /** Not with `defaultHost` or `defaultPort`: give a `defaultFunc` or those, not both. */
      readonly defaultFunc?: undefined;
    }
  | {
      /** Asked for each missing part. */
      readonly defaultFunc: NetAddressDefaultFunc;
      /** Not with `defaultFunc`, which answers for the host. */
      readonly defaultHost?: undefined;
      /** Not with `defaultFunc`, which answers for the port. */
      readonly defaultPort?: undefined;
    };

/**
 * Splits `host:port`, `[ipv6]:port`, `[ipv6]` or `host` into its two texts,
 * either possibly empty; nothing is validated here.
 */
function splitAddress(text: string): [host: string, port: string] {
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end !== -1) {
      if (end + 1 === text.length) return [text.slice(1, end), ''];
      if (text[end + 1] === ':') return [text.slice(1, end), text.slice(end + 2)];
    }
  }
  const colon = text.indexOf(':');
  if (colon === -1) return [text, ''];
  return [text.slice(0, colon), text.slice(colon + 1)];
}

function defaultFuncOf(options: NetAddressFromStringOptions | undefined): NetAddressDefaultFunc | undefined {
  if (options === undefined) return undefined;
  if (options.defaultFunc !== undefined) return options.defaultFunc;
  const { defaultHost, defaultPort } = options;
  if (defaultHost === undefined && defaultPort === undefined) return undefined;
  return NetAddress.defaultHostAndPort(defaultHost ?? null, defaultPort ?? null);
}

/**
 * A validated network address: a host (host name, IPv4 or IPv6) and a port.
 *
 * aiorpcX's `NetAddress`. The host is classified with {@link classifyHost}
 * and kept in canonical text form, the port checked with
 * {@link validatePort}. `toString()` gives `host:port`, with brackets around
 * an IPv6 host (`'[::1]:50001'`), and {@link NetAddress.fromString} reads that
 * form back. Two addresses are {@link NetAddress.equals | equal} when host and
 * port are; host names compare case-sensitively, as in the reference.
 *
 * ## Example
 * ```ts
 * import { NetAddress } from 'rxrpcx';
 * const address = new NetAddress('::1', '50001');
 * console.log(address.hostKind, address.port, String(address)); // ipv6 50001 [::1]:50001
 * NetAddress.fromString('[::1]:50001').equals(address);          // true
 * NetAddress.fromString('example.com', { defaultPort: 50002 });  // example.com:50002
 * ```
 */
export class NetAddress {
  /** The host in canonical text form, without brackets. */
  readonly host: string;
  /** Whether the host is a host name, an IPv4 or an IPv6 address. */
  readonly hostKind: HostKind;
  /** The port, 1–65535. */
  readonly port: number;

  /**
   * @param host - a host name, or IPv4 or IPv6 address text (no brackets)
   * @param port - a port number or digit string
   * @throws AddressError if the host or the port is invalid (the host is checked first)
   * @throws TypeError if the host is not a string or the port neither a string nor an integer
   */
  constructor(host: string, port: number | string) {
    const classified = classifyHost(host);
    this.host = classified.host;
    this.hostKind = classified.kind;
    this.port = validatePort(port);
  }

  /**
   * Parses `host:port`, `[ipv6]:port`, or — with defaults — `host`, `[ipv6]`,
   * `:port` or `''`.
   *
   * Without defaults both parts are required, and a missing one fails the
   * host or port check. With defaults (fixed values, or a function asked only
   * for the missing parts, host first), a part still missing afterwards gives
   * `'invalid address string: …'`. An IPv6 host needs its brackets here,
   * since the first colon otherwise ends the host.
   *
   * @param text - the address string
   * @param options - defaults for a missing host or port
   * @returns the address
   * @throws AddressError if the string, the host or the port is invalid
   * @throws TypeError if `text` is not a string, or a default has the wrong type
   */
  static fromString(text: string, options?: NetAddressFromStringOptions): NetAddress {
    if (typeof text !== 'string') throw new TypeError(`address must be a string: ${String(text)}`);
    const [hostText, portText] = splitAddress(text);
    const defaultFunc = defaultFuncOf(options);
    if (defaultFunc === undefined) return new NetAddress(hostText, portText);

    const host = hostText !== '' ? hostText : defaultFunc(ServicePart.HOST);
    const port = portText !== '' ? portText : defaultFunc(ServicePart.PORT);
    if (!isPresent(host) || !isPresent(port)) {
      throw new AddressError(`invalid address string: ${text}`, 'address', text);
    }
    // A default of the wrong type reaches the checks below and is a TypeError there.
    return new NetAddress(host as string, port as number | string);
  }

  /**
   * A default function answering `host` for the host and `port` for the
   * port — `NetAddress.default_host_and_port`.
   *
   * @param host - the default host, or `null` for none
   * @param port - the default port, or `null` for none
   * @returns a function for `fromString`'s `defaultFunc`
   */
  static defaultHostAndPort(host: string | null, port: number | string | null): NetAddressDefaultFunc {
    return (part) => (part === ServicePart.HOST ? host : port);
  }

  /**
   * A default function supplying only a host.
   *
   * @param host - the default host
   * @returns a function for `fromString`'s `defaultFunc`
   */
  static defaultHost(host: string): NetAddressDefaultFunc {
    return NetAddress.defaultHostAndPort(host, null);
  }

  /**
   * A default function supplying only a port.
   *
   * @param port - the default port
   * @returns a function for `fromString`'s `defaultFunc`
   */
  static defaultPort(port: number | string): NetAddressDefaultFunc {
    return NetAddress.defaultHostAndPort(null, port);
  }

  /**
   * Whether `other` is the same address: same host text and same port.
   *
   * @param other - the address to compare with
   * @returns `true` if host and port are equal
   */
  equals(other: NetAddress): boolean {
    return other instanceof NetAddress && this.hostKind === other.hostKind && this.host === other.host && this.port === other.port;
  }

  /**
   * The address as `host:port`, or `[host]:port` for IPv6.
   *
   * @returns the address string
   */
  toString(): string {
    return this.hostKind === 'ipv6' ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }
}
