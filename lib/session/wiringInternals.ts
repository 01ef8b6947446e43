import { Observable } from 'rxjs';
import type { FramingError } from '../framing/FramingError.js';
import type { CostMeter } from './costMeterInternals.js';
import type { SessionLogger } from './SessionLogger.js';
import type { SessionCounters } from './statsInternals.js';

/** The session hooks the wiring calls (protected on the session). */
export interface SessionHooks {
  readonly logger: SessionLogger;
  readonly verbosity: number;
  now(): number;
  onFramingDrop(error: FramingError): void;
}

/**
 * How a session's parts tell each other what happened, in one object per
 * session (its methods are the framer's callbacks and the parts' listeners,
 * so wiring them makes no closures per message).
 */
export interface Wiring {
  /** Set once the meter is made (it is told of the wiring first). */
  meter: CostMeter;
  /** Set once the dispatcher is made. */
  dispatcher: { limitChanged(): void };
  /** The cost meter recalculated: statistics changed, the incoming limit may have moved. */
  recalculated(): void;
  /** The writer handed `count` messages of `bytes` (unframed) to the transport. */
  sent(count: number, bytes: number): void;
  /** Bytes read from the transport, before framing. */
  onChunk(data: Uint8Array): void;
  /** A message the framer dropped. */
  onDrop(error: FramingError): void;
}

/** A session's {@link Wiring}, over its hooks and counters. */
export function sessionWiring(session: SessionHooks, counters: SessionCounters): Wiring {
  const wired: Wiring = {
    meter: undefined as unknown as CostMeter,
    dispatcher: undefined as unknown as { limitChanged(): void },
    recalculated() {
      counters.changed();
      wired.dispatcher.limitChanged();
    },
    sent(count, bytes) {
      counters.sendCount += count;
      counters.sendSize += bytes;
      counters.lastSend = session.now();
      wired.meter.bumpBytes(bytes);
      counters.changed();
    },
    onChunk(data) {
      if (session.verbosity >= 2) session.logger.debug(`received data of ${data.length} bytes`);
      counters.recvSize += data.length;
      wired.meter.bumpBytes(data.length);
    },
    onDrop: (error) => session.onFramingDrop(error),
  };
  return wired;
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
