import { Observable, ReplaySubject, filter, share, switchMap } from 'rxjs';
import type { Notification } from '../jsonrpc/Notification.js';
import type { RequestArgs } from '../jsonrpc/Request.js';
import type { RPCSession } from '../session/RPCSession.js';
import { sameArgument, subscriptionKey } from './clientInternals.js';
import type { SubscriptionEvent } from './SubscriptionOptions.js';

/** What a client gives its subscriptions: its sessions as they open, and a way to send the unsubscribe call. */
export interface SubscriptionHost {
  /** Each live session as it opens; errors when the client gave up, completes when it closed. */
  sessions(): Observable<RPCSession>;
  /** Requests `method` with `args` on the live session, if there is one, and forgets the answer. */
  unsubscribe(method: string, args: RequestArgs): void;
}

type Event = SubscriptionEvent<unknown, unknown>;

/** `SubscriptionOptions` once the contract has checked the unsubscribe method's name. */
interface Options {
  readonly notification?: string;
  readonly key?: number | string;
  readonly unsubscribe?: string;
}

/**
 * A client's subscriptions, one per method, arguments and options: each a
 * shared Observable that subscribes on every session the host opens, and
 * leaves the table when its last subscriber does.
 */
export class SubscriptionTable {
  readonly #live = new Map<string, Observable<Event>>();

  constructor(private readonly host: SubscriptionHost) {}

  get(method: string, args: RequestArgs, options: Options): Observable<Event> {
    const key = subscriptionKey(method, args, options);
    let shared = this.#live.get(key);
    if (shared === undefined) {
      shared = this.#share(key, method, args, options);
      this.#live.set(key, shared);
    }
    return shared;
  }

  #share(key: string, method: string, args: RequestArgs, options: Options): Observable<Event> {
    const notification = options.notification ?? method;
    const belongs = (n: Notification): boolean =>
      n.method === notification && (options.key === undefined || sameArgument(n.args, args, options.key));
    const source = new Observable<Event>((subscriber) => {
      let ended = false;
      const inner = this.host
        .sessions()
        .pipe(switchMap((session) => subscribeOn(session, method, args, belongs)))
        .subscribe({
          next: (event) => subscriber.next(event),
          error: (error: unknown) => {
            ended = true;
            subscriber.error(error);
          },
          complete: () => {
            ended = true;
            subscriber.complete();
          },
        });
      return () => {
        inner.unsubscribe();
        if (this.#live.get(key) === shared) this.#live.delete(key);
        // Only the last subscriber leaving says so on the wire; an error or the client closing does not.
        if (!ended && options.unsubscribe !== undefined) this.host.unsubscribe(options.unsubscribe, args);
      };
    });
    const shared = source.pipe(share({ connector: () => new ReplaySubject(1), resetOnError: true, resetOnComplete: true, resetOnRefCountZero: true }));
    return shared;
  }
}

/** One session's part of a subscription: the subscribe call, and its notifications from then on. */
function subscribeOn(session: RPCSession, method: string, args: RequestArgs, belongs: (n: Notification) => boolean): Observable<Event> {
  return new Observable<Event>((subscriber) => {
    // Complete with the session: the next session, if any, subscribes again.
    const subscription = session.notifications$.pipe(filter(belongs)).subscribe({
      next: (notification) => subscriber.next({ kind: 'notification', args: notification.args, notification }),
      complete: () => subscriber.complete(),
    });
    subscription.add(
      session.request(method, args).subscribe({
        next: (result) => subscriber.next({ kind: 'result', result }),
        // A session that went away takes its answer with it: the next session subscribes again.
        error: (error: unknown) => (session.isClosing() ? undefined : subscriber.error(error)),
      }),
    );
    return subscription;
  });
}
