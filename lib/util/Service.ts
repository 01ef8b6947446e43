import { AddressError } from './AddressError.js';
import { NetAddress, type NetAddressDefaultFunc } from './NetAddress.js';
import { isPresent } from './pythonInternals.js';
import { ServicePart } from './ServicePart.js';
import { validateProtocol } from './validateProtocol.js';

/**
 * Supplies a missing part when parsing a service string.
 *
 * Called as `(protocol, part)`: `(null, 'protocol')` for the protocol, and
 * `(protocol, 'host')` / `(protocol, 'port')` for the address parts, where
 * `protocol` is the lowercased protocol — so defaults can differ per protocol.
 * `null`, `undefined`, `''` and `0` mean "no default". A lone item without
 * `://` is first offered as a protocol: `(item, 'host')` then
 * `(item, 'port')`, and if both answer, the item is taken as the protocol.
 *
 * ## Example
 * ```ts
 * import { Service, ServicePart, type ServiceDefaultFunc } from 'rxrpcx';
 * const ports: Record<string, number> = { tcp: 50001, ssl: 50002 };
 * const defaults: ServiceDefaultFunc = (protocol, part) => {
 *   if (part === ServicePart.PROTOCOL) return 'ssl';
 *   if (protocol === null || !(protocol in ports)) return null;
 *   return part === ServicePart.HOST ? 'localhost' : ports[protocol];
 * };
 * Service.fromString('tcp', { defaultFunc: defaults });         // tcp://localhost:50001
 * Service.fromString('example.com', { defaultFunc: defaults }); // ssl://example.com:50002
 * ```
 */
export type ServiceDefaultFunc = (protocol: string | null, part: ServicePart) => string | number | null | undefined;

/**
 * Options for {@link Service.fromString}.
 *
 * Only the default function: a service's defaults usually depend on the
 * protocol, which fixed values cannot express.
 *
 * ## Example
 * ```ts
 * import { Service, type ServiceFromStringOptions } from 'rxrpcx';
 * const options: ServiceFromStringOptions = { defaultFunc: (_protocol, part) => (part === 'port' ? 80 : null) };
 * Service.fromString('ws://example.com', options); // ws://example.com:80
 * ```
 */
export interface ServiceFromStringOptions {
  /** Asked for missing parts. @default none: every part is required */
  readonly defaultFunc?: ServiceDefaultFunc;
}

/**
 * A validated service: a protocol and a {@link NetAddress}, written
 * `protocol://host:port`.
 *
 * aiorpcX's `Service`. The protocol is checked with {@link validateProtocol}
 * and stored lowercased; the address is a `NetAddress` or a string parsed
 * into one. Two services are {@link Service.equals | equal} when protocol and
 * address are.
 *
 * ## Example
 * ```ts
 * import { Service, ServicePart } from 'rxrpcx';
 * const service = Service.fromString('SSL://[::1]:50002');
 * console.log(service.protocol, service.host, service.port); // ssl ::1 50002
 * console.log(String(service));                              // ssl://[::1]:50002
 *
 * const ports: Record<string, number> = { tcp: 50001, ssl: 50002 };
 * const withDefaults = Service.fromString('example.com', {
 *   defaultFunc: (protocol, part) =>
 *     part === ServicePart.PROTOCOL ? 'tcp' : part === ServicePart.PORT ? ports[protocol ?? ''] : null,
 * });
 * console.log(String(withDefaults)); // tcp://example.com:50001
 * ```
 */
export class Service {
  /** The protocol, lowercased. */
  readonly protocol: string;
  /** The network address. */
  readonly address: NetAddress;

  /**
   * @param protocol - the protocol name, any case
   * @param address - a `NetAddress`, or an address string with host and port
   * @throws AddressError if the protocol or the address is invalid (the protocol is checked first)
   */
  constructor(protocol: string, address: NetAddress | string) {
    this.protocol = validateProtocol(protocol);
    this.address = address instanceof NetAddress ? address : NetAddress.fromString(address);
  }

  /** The address's host, in canonical text form. */
  get host(): string {
    return this.address.host;
  }

  /** The address's port. */
  get port(): number {
    return this.address.port;
  }

  /**
   * Parses `protocol://address`, or — with a default function — a string
   * missing some parts.
   *
   * Without `://` the string is one item, read the reference's way: if the
   * default function has both a host and a port for the item taken as a
   * protocol, it is the protocol (`'tcp'` → `tcp://<default host>:<default
   * port>`); otherwise it is the address and the protocol is the default
   * (`'example.com'` → `<default protocol>://example.com:<default port>`).
   * The address is then parsed with {@link NetAddress.fromString}, its
   * defaults asked of the function with the lowercased protocol; the
   * address is checked before the protocol.
   *
   * @param text - the service string
   * @param options - the default function, if any
   * @returns the service
   * @throws AddressError if a part is missing or invalid (`'invalid service string: …'` when there is no protocol)
   * @throws TypeError if `text` is not a string, or a default has the wrong type
   */
  static fromString(text: string, options?: ServiceFromStringOptions): Service {
    if (typeof text !== 'string') throw new TypeError(`service must be a string: ${String(text)}`);
    const defaultFunc = options?.defaultFunc;

    let protocol: unknown;
    let address: string;
    const separator = text.indexOf('://');
    if (separator !== -1) {
      protocol = text.slice(0, separator);
      address = text.slice(separator + 3);
    } else {
      address = text;
      if (defaultFunc !== undefined) {
        if (isPresent(defaultFunc(text, ServicePart.HOST)) && isPresent(defaultFunc(text, ServicePart.PORT))) {
          protocol = text;
          address = '';
        } else {
          protocol = defaultFunc(null, ServicePart.PROTOCOL);
        }
      }
      if (!isPresent(protocol)) throw new AddressError(`invalid service string: ${text}`, 'service', text);
    }
    if (typeof protocol !== 'string') throw new TypeError(`protocol must be a string: ${String(protocol)}`);

    let addressDefaults: NetAddressDefaultFunc | undefined;
    if (defaultFunc !== undefined) {
      const lowered = protocol.toLowerCase();
      addressDefaults = (part) => defaultFunc(lowered, part);
    }
    const netAddress = NetAddress.fromString(address, addressDefaults && { defaultFunc: addressDefaults });
    return new Service(protocol, netAddress);
  }

  /**
   * Whether `other` is the same service: same protocol and equal address.
   *
   * @param other - the service to compare with
   * @returns `true` if protocol and address are equal
   */
  equals(other: Service): boolean {
    return other instanceof Service && this.protocol === other.protocol && this.address.equals(other.address);
  }

  /**
   * The service as `protocol://host:port` (`[host]` for IPv6).
   *
   * @returns the service string
   */
  toString(): string {
    return `${this.protocol}://${this.address.toString()}`;
  }
}
