/**
 * What a peer reports — sessions opening and closing, notifications, handlers
 * starting and being cancelled — kept in order, with `waitFor` to await an
 * event instead of sleeping.
 */
import { within } from '../../helpers/deadline';

/** One event, the same shape from the Python peer and the rxrpcx peer. */
export interface PeerEvent {
  readonly event: 'session' | 'closed' | 'notification' | 'started' | 'cancelled' | 'loop_ended' | string;
  readonly session?: string;
  readonly server?: string | null;
  readonly method?: string;
  readonly args?: unknown;
  readonly error?: string;
}

interface Waiter {
  readonly matches: (event: PeerEvent) => boolean;
  readonly resolve: (event: PeerEvent) => void;
}

/** Default bound on `waitFor`: a failing test fails in this time instead of hanging. */
export const EVENT_WAIT_MS = 10_000;

export class EventLog {
  readonly events: PeerEvent[] = [];
  readonly #waiters = new Set<Waiter>();

  push(event: PeerEvent): void {
    this.events.push(event);
    for (const waiter of [...this.#waiters]) {
      if (waiter.matches(event)) {
        this.#waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  }

  /** Events matching `fields` (each given field equal). */
  filter(fields: Partial<PeerEvent>): PeerEvent[] {
    return this.events.filter(matcher(fields));
  }

  /** Resolves with the first event that `matches`, past or future, until cancelled. */
  watch(matches: (event: PeerEvent) => boolean): EventWatch {
    let waiter: Waiter | undefined;
    const promise = new Promise<PeerEvent>((resolve) => {
      const seen = this.events.find(matches);
      if (seen) {
        resolve(seen);
        return;
      }
      waiter = { matches, resolve };
      this.#waiters.add(waiter);
    });
    return {
      promise,
      cancel: () => {
        if (waiter) this.#waiters.delete(waiter);
      },
    };
  }

  /** Resolves with the first event matching `fields`, past or future; rejects after `ms`. */
  waitFor(fields: Partial<PeerEvent>, ms = EVENT_WAIT_MS): Promise<PeerEvent> {
    return this.waitForNth(fields, 1, ms);
  }

  /** Resolves with the `nth` event matching `fields` (counting from 1), past or future; rejects after `ms`. */
  waitForNth(fields: Partial<PeerEvent>, nth: number, ms = EVENT_WAIT_MS): Promise<PeerEvent> {
    const matchesFields = matcher(fields);
    let count = 0;
    const matches = (event: PeerEvent): boolean => matchesFields(event) && ++count >= nth;
    const watch = this.watch(matches);
    return within(watch.promise, ms, () => `no event ${JSON.stringify(fields)} (#${nth}) within ${ms} ms; saw ${JSON.stringify(this.events.slice(-10))}`).finally(
      watch.cancel,
    );
  }
}

/** A wait for an event that can be called off (no timer: for races against other outcomes). */
export interface EventWatch {
  readonly promise: Promise<PeerEvent>;
  cancel(): void;
}

function matcher(fields: Partial<PeerEvent>): (event: PeerEvent) => boolean {
  const entries = Object.entries(fields);
  return (event) => entries.every(([key, value]) => (event as unknown as Record<string, unknown>)[key] === value);
}
