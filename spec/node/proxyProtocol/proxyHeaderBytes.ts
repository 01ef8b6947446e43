/**
 * Builders of PROXY protocol headers for the specs: v1 lines and v2 binary
 * headers, valid or broken on purpose.
 */
import { isIPv4 } from 'node:net';

export type Endpoint = readonly [ip: string, port: number];

/** A v1 line. */
export function v1(protocol: 'TCP4' | 'TCP6', source: Endpoint, destination: Endpoint): Uint8Array {
  return new TextEncoder().encode(`PROXY ${protocol} ${source[0]} ${destination[0]} ${source[1]} ${destination[1]}\r\n`);
}

export interface V2Spec {
  /** The high nibble of byte 13. @default 0x20 */
  readonly version?: number;
  /** Its low nibble is the command (0 LOCAL, 1 PROXY). @default 0x21 */
  readonly command?: number;
  /** Byte 14. */
  readonly family: number;
  readonly source?: Endpoint;
  readonly destination?: Endpoint;
  /** Bytes after the addresses (or the whole block without them). */
  readonly raw?: Uint8Array;
  readonly tlvs?: readonly (readonly [type: number, value: Uint8Array])[];
  /** The length field, instead of the block's real length. */
  readonly declared?: number;
}

const SIGNATURE = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];

function ipBytes(ip: string): number[] {
  if (isIPv4(ip)) return ip.split('.').map(Number);
  const [head = '', tail = ''] = ip.split('::');
  const groups = (part: string): number[] => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const left = groups(head);
  const right = groups(tail);
  const all = ip.includes('::') ? [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right] : left;
  return all.flatMap((h) => [h >> 8, h & 0xff]);
}

/** A v2 header. */
export function v2(spec: V2Spec): Uint8Array {
  const block: number[] = [];
  if (spec.source && spec.destination) {
    block.push(...ipBytes(spec.source[0]), ...ipBytes(spec.destination[0]));
    block.push(spec.source[1] >> 8, spec.source[1] & 0xff, spec.destination[1] >> 8, spec.destination[1] & 0xff);
  }
  if (spec.raw) block.push(...spec.raw);
  for (const [type, value] of spec.tlvs ?? []) block.push(type, value.length >> 8, value.length & 0xff, ...value);
  const declared = spec.declared ?? block.length;
  const verCmd = (spec.version ?? 0x20) | ((spec.command ?? 0x21) & 0x0f);
  return new Uint8Array([...SIGNATURE, verCmd, spec.family, declared >> 8, declared & 0xff, ...block]);
}
