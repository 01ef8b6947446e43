/**
 * The three parts of a service string, `protocol://host:port` — what a
 * default function is asked for when a part is missing.
 *
 * aiorpcX's `ServicePart` IntEnum (`PROTOCOL`, `HOST`, `PORT`), here as string
 * literals so a default function can `switch` on readable values.
 *
 * ## Example
 * ```ts
 * import { NetAddress, ServicePart } from 'rxrpcx';
 * const address = NetAddress.fromString('example.com', {
 *   defaultFunc: (part) => (part === ServicePart.PORT ? 50002 : 'localhost'),
 * });
 * console.log(String(address)); // 'example.com:50002'
 * ```
 */
export const ServicePart = {
  /** `'protocol'`: the scheme before `://`. */
  PROTOCOL: 'protocol',
  /** `'host'`: the host name or IP address. */
  HOST: 'host',
  /** `'port'`: the port number. */
  PORT: 'port',
} as const;

/**
 * `'protocol'`, `'host'` or `'port'`.
 *
 * ## Example
 * ```ts
 * import { ServicePart } from 'rxrpcx';
 * const part: ServicePart = ServicePart.PORT; // 'port'
 * ```
 */
export type ServicePart = (typeof ServicePart)[keyof typeof ServicePart];
