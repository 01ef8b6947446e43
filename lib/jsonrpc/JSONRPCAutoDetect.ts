import { getOwn, hasOwn, isRecord } from './jsonrpcInternals.js';
import { JSONRPCLoose } from './JSONRPCLoose.js';
import { JSONRPCv1 } from './JSONRPCv1.js';
import { JSONRPCv2 } from './JSONRPCv2.js';
import { defineDetection } from './protocolInternals.js';

/**
 * The protocols auto-detection can settle on.
 *
 * ## Example
 * ```ts
 * import { JSONRPCAutoDetect, type DetectedProtocol } from 'rxrpcx';
 * const protocol: DetectedProtocol = JSONRPCAutoDetect.detectProtocol(new TextEncoder().encode('{"jsonrpc":"2.0","method":"ping"}'));
 * ```
 */
export type DetectedProtocol = typeof JSONRPCv1 | typeof JSONRPCv2 | typeof JSONRPCLoose;

/**
 * JSON-RPC 2.0 until the peer's first message shows which version it speaks.
 *
 * A `JSONRPCConnection` created with this class runs `detectProtocol` on each
 * received message until it settles on {@link JSONRPCv1}, {@link JSONRPCv2}
 * or {@link JSONRPCLoose}, then speaks that. Before that it sends 2.0.
 *
 * ## Example
 *
 * ```ts
 * import { JSONRPCAutoDetect, JSONRPCv1 } from 'rxrpcx';
 *
 * const bytes = new TextEncoder().encode('{"method":"ping","params":[],"id":null,"jsonrpc":"1.0"}');
 * JSONRPCAutoDetect.detectProtocol(bytes) === JSONRPCv1; // true
 * ```
 */
export abstract class JSONRPCAutoDetect extends JSONRPCv2 {
  /**
   * The protocol a message is written in: an explicit `"jsonrpc"` of `"2.0"`
   * or `"1.0"` decides; else both `"result"` and `"error"` mean 1.0; else
   * JSONRPCLoose. For a batch, a single protocol among the members wins,
   * else 2.0, then 1.0, then JSONRPCLoose.
   *
   * @param message - an unframed message
   * @returns the protocol class
   * @throws ProtocolError - PARSE_ERROR if the message is not UTF-8 JSON
   */
  static detectProtocol(message: Uint8Array): DetectedProtocol {
    const main = this.decodePayload(message);
    if (!Array.isArray(main)) return protocolForPayload(main);
    const parts = new Set(main.map(protocolForPayload));
    if (parts.size === 1) return [...parts][0] ?? JSONRPCLoose;
    if (parts.has(JSONRPCv2)) return JSONRPCv2;
    if (parts.has(JSONRPCv1)) return JSONRPCv1;
    return JSONRPCLoose; // also for an empty batch, which then errors
  }

  static {
    // A connection on exactly this class detects (a subclass is a fixed protocol).
    defineDetection(this, (message) => this.detectProtocol(message));
  }
}

function protocolForPayload(payload: unknown): DetectedProtocol {
  if (!isRecord(payload)) return JSONRPCLoose; // will error
  const version = getOwn(payload, 'jsonrpc');
  if (version === '2.0') return JSONRPCv2;
  if (version === '1.0') return JSONRPCv1;
  if (hasOwn(payload, 'result') && hasOwn(payload, 'error')) return JSONRPCv1;
  return JSONRPCLoose;
}
