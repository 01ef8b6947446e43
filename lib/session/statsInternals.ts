import { Observable, Subject } from 'rxjs';
import { slot } from '../util/slotInternals.js';

/**
 * A session's traffic counters, in the reference's names, and the signal
 * that they changed. Times are seconds on the session's clock.
 *
 * Internal to the session layer.
 */
export class SessionCounters {
  errors = 0;
  sendCount = 0;
  sendSize = 0;
  lastSend: number;
  recvCount = 0;
  recvSize = 0;
  lastRecv: number;
  /** Incoming requests received (batch members each count). */
  requests = 0;
  /** Incoming notifications received (batch members each count). */
  notifications = 0;
  /** Error replies sent, by JSON-RPC code; made with the first. */
  errorReplies: Map<number, number> | undefined;
  /** True once the session has refused its peer at the hard cost limit (it then disconnects). */
  costDisconnect = false;
  /** Made when the first watcher comes. */
  #changed: Subject<void> | undefined;
  #ended = false;

  constructor(readonly startTime: number) {
    this.lastSend = startTime;
    this.lastRecv = startTime;
  }

  /** An error reply with `code` was sent. */
  errorReply(code: number): void {
    const replies = (this.errorReplies ??= new Map());
    replies.set(code, (replies.get(code) ?? 0) + 1);
  }

  /** Something a snapshot shows has changed. */
  changed(): void {
    if (this.#changed?.observed === true) this.#changed.next();
  }

  /** Snapshots made by `snapshot`: one at subscription, one per change; completes at `end`. */
  watch<S>(snapshot: () => S): Observable<S> {
    return new Observable<S>((subscriber) => {
      subscriber.next(snapshot());
      if (this.#ended) {
        subscriber.complete();
        return undefined;
      }
      return (this.#changed ??= new Subject<void>()).subscribe({
        next: () => subscriber.next(snapshot()),
        complete: () => subscriber.complete(),
      });
    });
  }

  /** The session has ended: watchers complete. */
  end(): void {
    this.#ended = true;
    this.#changed?.complete();
  }
}

/** Bound once, by `SessionBase`'s static block. */
export const sessionCounters = slot<(session: object) => SessionCounters>('SessionBase');

/**
 * A session's own counters, for the parts outside `SessionBase` that count
 * (RPCSession, a server's statistics): read once and kept, not per message.
 */
export function countersOf(session: object): SessionCounters {
  return sessionCounters.get()(session);
}
