import { Observable, Subject } from 'rxjs';

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
  /** Made when the first watcher comes. */
  #changed: Subject<void> | undefined;
  #ended = false;

  constructor(readonly startTime: number) {
    this.lastSend = startTime;
    this.lastRecv = startTime;
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
