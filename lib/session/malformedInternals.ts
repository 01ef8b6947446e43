import { IncomingRequest } from '../jsonrpc/IncomingRequest';
import type { JSONRPCProtocol } from '../jsonrpc/JSONRPC';

const decoder = new TextDecoder();

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
  /**
   * @param protocol - the connection's protocol, for the refusal's wire form
   * @param reply - the prepared error reply, if the message calls for one
   */
  constructor(protocol: JSONRPCProtocol, reply: Uint8Array | undefined) {
    super('', [], null, (result) => (result === undefined ? reply : protocol.responseMessage(result, idOfReply(reply))));
  }

  override toString(): string {
    return 'a malformed message';
  }
}

/** The id of a prepared single error reply (our own JSON); null otherwise. */
function idOfReply(reply: Uint8Array | undefined): unknown {
  if (reply === undefined) return null;
  const parsed = JSON.parse(decoder.decode(reply)) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  return (parsed as { id?: unknown }).id ?? null;
}
