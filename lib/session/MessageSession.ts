import { Observable, Subject } from 'rxjs';
import type { BinaryMessage } from '../framing/BinaryFramer.js';
import { BitcoinFramer } from '../framing/BitcoinFramer.js';
import type { FramerBase } from '../framing/FramerBase.js';
import { ProtocolError } from '../jsonrpc/ProtocolError.js';
import { ExcessiveSessionCostError } from '../tasks/ExcessiveSessionCostError.js';
import { TaskTimeout } from '../tasks/TaskTimeout.js';
import type { Transport } from '../transport/Transport.js';
import { exceptionLine } from './handlerFailureInternals.js';
import { SessionBase } from './SessionBase.js';
import type { SessionOptions } from './SessionOptions.js';

/**
 * The options of a {@link MessageSession}.
 *
 * ## Example
 * ```ts
 * import { BitcoinFramer, type MessageSessionConfig } from 'rxrpcx';
 * const config: MessageSessionConfig = { framer: new BitcoinFramer({ magic: 'f9beb4d9' }) };
 * ```
 */
export interface MessageSessionConfig extends SessionOptions {
  /** The framer. @default new BitcoinFramer() */
  readonly framer?: FramerBase<BinaryMessage>;
  /** Handles each incoming message, instead of overriding `handleMessage`. */
  readonly onMessage?: (message: BinaryMessage) => unknown;
}

/**
 * A session for protocols whose messages are not tied to responses, such as
 * the Bitcoin peer protocol: `(command, payload)` messages each way.
 *
 * aiorpcX's `MessageSession`. Each message goes to `handleMessage` under the
 * session's throttle (concurrency, cost delay, `processingTimeout`). A bad
 * checksum is counted and the message skipped; bad magic or an oversized
 * payload is counted and the session closed.
 *
 * ## Example
 * ```ts
 * import { MessageSession, memoryTransportPair } from 'rxrpcx';
 * const [a, b] = memoryTransportPair();
 * new MessageSession(b, { onMessage: (m) => console.log(m.command) }); // 'ping'
 * await new MessageSession(a).sendMessage({ command: 'ping', payload: new Uint8Array(8) });
 * ```
 */
export class MessageSession extends SessionBase<BinaryMessage, BinaryMessage> {
  readonly #onMessage: ((message: BinaryMessage) => unknown) | undefined;
  readonly #messages = new Subject<BinaryMessage>();

  /**
   * @param transport - the connection
   * @param config - tunables, framer, message handler, scheduler, logger
   */
  constructor(transport: Transport, config: MessageSessionConfig = {}) {
    super(transport, config);
    this.#onMessage = config.onMessage;
  }

  protected override defaultFramer(): FramerBase<BinaryMessage> {
    return new BitcoinFramer();
  }

  /** Every incoming message, as it arrives. */
  get messages$(): Observable<BinaryMessage> {
    return this.#messages.asObservable();
  }

  /**
   * Handles one incoming message; may return a Promise or an Observable,
   * which the throttle waits for. The default calls the `onMessage` option.
   */
  handleMessage(message: BinaryMessage): unknown {
    return this.#onMessage?.(message);
  }

  /** Sends a `(command, payload)` message; resolves when the transport has taken it. */
  sendMessage(message: BinaryMessage): Promise<void> {
    return this.send(message);
  }

  protected override receive(message: BinaryMessage): void {
    this.#messages.next(message);
    this.admit(message);
  }

  protected override handleItem(message: BinaryMessage): unknown {
    return this.handleMessage(message);
  }

  /** Counts and logs a failure; a message has no reply. Excessive cost disconnects. */
  protected override answerItem(message: BinaryMessage, failed: boolean, error: unknown): void {
    if (!failed) return;
    if (error instanceof ProtocolError) {
      this.logger.error(error.message);
      this.bumpErrors(error);
    } else if (error instanceof TaskTimeout) {
      this.logger.info(`incoming request timed out after ${error.seconds} secs`);
      this.bumpErrors();
    } else if (error instanceof ExcessiveSessionCostError) {
      this.onDisconnectDueToExcessiveSessionCost();
      void this.close();
    } else {
      this.logger.warn(exceptionLine(message.command, error), error);
      this.bumpErrors();
    }
  }

  protected override end(): void {
    if (this.ended) return;
    this.#messages.complete();
    super.end();
  }
}
