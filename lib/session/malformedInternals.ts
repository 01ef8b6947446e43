import { IncomingRequest } from '../jsonrpc/IncomingRequest.js';
import type { JSONRPCProtocol } from '../jsonrpc/JSONRPC.js';
import { decodeJSONMessage } from '../jsonrpc/jsonrpcInternals.js';
import type { ProtocolError } from '../jsonrpc/ProtocolError.js';

/**
 * A malformed message, admitted like a request so that the hard cost limit
 * has one rule for everything the peer sends. It needs no handler: answered
 * as it is, it sends the error reply the protocol prepared (if any); refused
 * at the hard limit, it sends the refusal instead, with the id that reply
 * carried (`null` when it carried none, or was a batch's).
 *
 * Internal to the session layer.
 */
export class MalformedMessage extends IncomingRequest {
  /** The codes of the errors the prepared reply holds (for the statistics). */
  readonly codes: readonly number[];

  /**
   * @param protocol - the connection's protocol, for the refusal's wire form
   * @param reply - the prepared error reply, if the message calls for one
   * @param errors - the violations found; those with a reply of their own are in `reply`
   */
  constructor(protocol: JSONRPCProtocol, reply: Uint8Array | undefined, errors: readonly ProtocolError[] = []) {
    super('', [], null, (result) => (result === undefined ? reply : protocol.responseMessage(result, idOfReply(reply))));
    this.codes = reply === undefined ? [] : errors.filter((error) => error.replyBytes !== undefined).map((error) => error.code);
  }

  override toString(): string {
    return 'a malformed message';
  }
}

/** The id of a prepared single error reply (our own JSON); null otherwise. */
function idOfReply(reply: Uint8Array | undefined): unknown {
  if (reply === undefined) return null;
  const decoded = decodeJSONMessage(reply);
  const parsed = decoded.ok ? decoded.value : null;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  return (parsed as { id?: unknown }).id ?? null;
}
