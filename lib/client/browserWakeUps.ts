import { EMPTY, Observable, merge } from 'rxjs';

/**
 * The part of an `EventTarget` that {@link browserWakeUps} listens on.
 *
 * ## Example
 *
 * ```ts
 * import type { WakeUpEventSource } from 'rxrpcx';
 *
 * const none: WakeUpEventSource = { addEventListener() {}, removeEventListener() {} };
 * ```
 */
export interface WakeUpEventSource {
  /** Adds a listener, as `EventTarget.addEventListener`. */
  addEventListener(type: string, listener: () => void): void;
  /** Removes it, as `EventTarget.removeEventListener`. */
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * Where {@link browserWakeUps} listens: a window for `online`, a document for
 * `visibilitychange` (with its `visibilityState`).
 *
 * ## Example
 *
 * ```ts
 * import type { WakeUpTargets } from 'rxrpcx';
 *
 * const targets: WakeUpTargets = {}; // nothing to listen on: no wake-ups
 * ```
 */
export interface WakeUpTargets {
  /** Fires `online` when the network comes back. @default globalThis.window */
  readonly window?: WakeUpEventSource;
  /** Fires `visibilitychange`; a wake-up when `visibilityState` becomes `'visible'`. @default globalThis.document */
  readonly document?: WakeUpEventSource & {
    /** `'visible'` when the page is shown; read on each `visibilitychange`. */
    readonly visibilityState?: string;
  };
}

/**
 * The moments a browser app should reconnect at once rather than wait out a
 * backoff: the network comes back (`online`) or the page becomes visible
 * again (`visibilitychange`), as `'online'` and `'visible'`. The default
 * `wakeUps$` of a client; in Node (no `window`, no `document`) it never
 * emits. Pass targets of your own to drive it in tests.
 *
 * ## Example
 *
 * ```ts
 * import { browserWakeUps, connect$ } from 'rxrpcx';
 *
 * const client = connect$('wss://example.org/rpc', { wakeUps$: browserWakeUps() });
 * browserWakeUps().subscribe((why) => console.log('woke up:', why));
 * ```
 *
 * @param targets - what to listen on
 * @returns an Observable of `'online'` and `'visible'`
 */
export function browserWakeUps(targets: WakeUpTargets = defaultTargets()): Observable<'online' | 'visible'> {
  const { window, document } = targets;
  return merge(
    window === undefined ? EMPTY : eventsOf(window, 'online', () => 'online' as const),
    document === undefined ? EMPTY : eventsOf(document, 'visibilitychange', () => (document.visibilityState === 'visible' ? ('visible' as const) : undefined)),
  );
}

function eventsOf<T>(source: WakeUpEventSource, type: string, read: () => T | undefined): Observable<T> {
  return new Observable<T>((subscriber) => {
    const listener = (): void => {
      const value = read();
      if (value !== undefined) subscriber.next(value);
    };
    source.addEventListener(type, listener);
    return () => source.removeEventListener(type, listener);
  });
}

function defaultTargets(): WakeUpTargets {
  const global = globalThis as { window?: WakeUpEventSource; document?: WakeUpEventSource & { visibilityState?: string } };
  return { window: global.window, document: global.document };
}
