import { Observable } from 'rxjs';
import type { FramingError } from '../framing/FramingError.js';
import type { CostMeter } from './costMeterInternals.js';
import type { SessionLogger } from './SessionLogger.js';
import { SessionCounters } from './statsInternals.js';

/** The session hooks the wiring calls (protected on the session). */
export interface SessionHooks {
  readonly logger: SessionLogger;
  readonly verbosity: number;
  now(): number;
  onFramingDrop(error: FramingError): void;
}

/**
 * A session's counters, and how its parts tell each other what happened: one
 * object per session (its methods are the framer's callbacks and the parts'
 * listeners, so wiring them makes no closures, and most of what they report
 * is counted here).
 */
export class Wiring extends SessionCounters {
  meter!: CostMeter;
  dispatcher!: { limitChanged(): void };
  readonly #session: SessionHooks;

  constructor(session: SessionHooks, startTime: number) {
    super(startTime);
    this.#session = session;
  }

  /** The cost meter recalculated: statistics changed, the incoming limit may have moved. */
  recalculated(): void {
    this.changed();
    this.dispatcher.limitChanged();
  }

  /** The writer handed `count` messages of `bytes` (unframed) to the transport. */
  sent(count: number, bytes: number): void {
    this.sendCount += count;
    this.sendSize += bytes;
    this.lastSend = this.#session.now();
    this.meter.bumpBytes(bytes);
    this.changed();
  }

  /** Bytes read from the transport, before framing. */
  onChunk(data: Uint8Array): void {
    if (this.#session.verbosity >= 2) this.#session.logger.debug(`received data of ${data.length} bytes`);
    this.recvSize += data.length;
    this.meter.bumpBytes(data.length);
  }

  /** A message the framer dropped. */
  onDrop(error: FramingError): void {
    this.#session.onFramingDrop(error);
  }
}

/** The deferred start: a plain function with the session as state, so scheduling makes no closure. */
export function startSession(this: unknown, session?: { start(): void }): void {
  session?.start();
}

/** Calls `wiring.onChunk` with each chunk on its way through (for framers of one's own). */
export function countChunks(wiring: Wiring): (source: Observable<Uint8Array>) => Observable<Uint8Array> {
  return (source) =>
    new Observable<Uint8Array>((subscriber) =>
      source.subscribe({
        next: (data) => {
          wiring.onChunk(data);
          subscriber.next(data);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
