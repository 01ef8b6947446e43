import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import { StreamTransport } from '../transport/streamTransportInternals.js';
import { messageOf } from '../transport/transportInternals.js';

/** Bytes a closing transport keeps for an absent or paused reader before it aborts. */
const CLOSING_BACKLOG_LIMIT = 1 << 20;

/**
 * The socket events Node's sockets have and the browser's WebSocket does
 * not (a socket that pauses, fails with a reason, ends half-way, and takes
 * text), for {@link SocketTransport} (TCP/TLS) and {@link WsTransport} (`ws`).
 * A subclass reports them through `received`, `lost` and `peerEnded`, on
 * top of what every {@link StreamTransport} reports.
 *
 * Internal, not re-exported.
 */
export abstract class NodeStreamTransport extends StreamTransport {
  /**
   * `write` for text sent UTF-8 encoded, where the socket takes strings
   * itself (cheaper than encoding first); see `textWriting`.
   */
  writeText(text: string): Promise<void> {
    return this.writeData(text);
  }

  /**
   * Bytes from the socket. Once closing, the socket reads regardless (to see
   * the peer's end), so an absent or paused reader may hold only 1 MiB before
   * the transport aborts.
   */
  protected received(chunk: Uint8Array): void {
    this.channel.push(chunk);
    if (this.isClosing() && this.channel.backlogSize() > CLOSING_BACKLOG_LIMIT) this.abort();
  }

  /**
   * A socket error: records the failure (the first one wins) and rejects
   * waiting writes; returns the failure. `incoming` errors at `closedDown`,
   * or at once if the subclass ends the channel with it (a socket that
   * closes right after its error; `ws` still runs a closing handshake).
   */
  protected lost(error: unknown): ConnectionError {
    const failure = (this.failure ??= new ConnectionError(`connection lost: ${messageOf(error)}`, { cause: error }));
    this.closingBegan(failure);
    return failure;
  }

  /** The peer ended in order, after all its data: `incoming` completes behind its backlog. */
  protected peerEnded(): void {
    this.closingBegan();
    this.channel.end();
  }
}
