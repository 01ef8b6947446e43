/**
 * Which side opened a connection: the client dialled, the server accepted.
 *
 * Nothing else differs between the two in the protocol; sessions use the kind
 * for defaults (a client session has no hard cost limit).
 *
 * ## Example
 * ```ts
 * import { SessionKind } from 'rxrpcx';
 * const kind: SessionKind = SessionKind.CLIENT; // 'client'
 * ```
 */
export const SessionKind = {
  /** `'client'`: this side dialled the connection. */
  CLIENT: 'client',
  /** `'server'`: this side accepted the connection. */
  SERVER: 'server',
} as const;

/**
 * `'client'` or `'server'`.
 *
 * ## Example
 * ```ts
 * import { SessionKind } from 'rxrpcx';
 * const kind: SessionKind = SessionKind.SERVER; // 'server'
 * ```
 */
export type SessionKind = (typeof SessionKind)[keyof typeof SessionKind];
