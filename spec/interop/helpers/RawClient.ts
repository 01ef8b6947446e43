/**
 * A raw TCP client for the differential tests: it writes exact bytes and
 * reads newline-delimited replies, parsed as the reference's JSON (NaN and
 * Infinity included), with the text kept.
 */
import { connect, type Socket } from 'node:net';
import { decodeJSONMessage } from '../../../lib/jsonrpc/jsonrpcInternals';
import { unlessSettled, within } from '../../helpers/deadline';

export interface RawReply {
  readonly text: string;
  /** The parsed reply; undefined if it was not JSON. */
  readonly value: unknown;
}

/** Bound on any wait here: a failing test fails in this time rather than hang. */
const WAIT_MS = 15_000;

export class RawClient {
  readonly replies: RawReply[] = [];
  /** Resolves when the server has closed the connection (or it failed). */
  readonly closed: Promise<void>;
  #closed = false;
  readonly #socket: Socket;
  readonly #listeners = new Set<() => void>();

  private constructor(socket: Socket) {
    this.#socket = socket;
    let pending: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
        pending.push(chunk.subarray(start, newline));
        const line = Buffer.concat(pending);
        pending = [];
        start = newline + 1;
        const decoded = decodeJSONMessage(line);
        this.replies.push({ text: line.toString('utf8'), value: decoded.ok ? decoded.value : undefined });
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
      this.#notify();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#closed = true;
        this.#notify();
        resolve();
      }),
    );
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Writes bytes; resolves once the socket has taken them. */
  write(bytes: Uint8Array | string): Promise<void> {
    return new Promise((resolve) => {
      if (this.#socket.destroyed || this.#socket.writableEnded) {
        resolve();
        return;
      }
      this.#socket.write(bytes, () => resolve());
    });
  }

  /**
   * Resolves 'reply' once a reply matches, 'closed' if the connection ends
   * first, or 'stop' when `stop` resolves first; rejects after a bound.
   */
  waitFor(matches: (reply: RawReply) => boolean, stop?: Promise<unknown>): Promise<'reply' | 'closed' | 'stop'> {
    let check = (): void => undefined;
    const outcome = new Promise<'reply' | 'closed' | 'stop'>((resolve) => {
      check = (): void => {
        if (this.replies.some(matches)) resolve('reply');
        else if (this.#closed) resolve('closed');
      };
      this.#listeners.add(check);
      stop?.then(() => resolve('stop'), () => undefined);
      check();
    });
    return within(outcome, WAIT_MS, () => `no matching reply within ${WAIT_MS} ms; got ${this.replies.length} replies`).finally(() =>
      this.#listeners.delete(check),
    );
  }

  /** Ends our side and resolves once the server has closed too, every byte it sent read. */
  async end(): Promise<void> {
    if (!this.#closed) {
      this.#socket.end();
      await unlessSettled(this.closed, WAIT_MS, () => this.#socket.destroy());
    }
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
