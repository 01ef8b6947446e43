import type { MethodContract, MethodName, UntypedContract } from '../jsonrpc/MethodContract.js';
import type { Notification } from '../jsonrpc/Notification.js';

/**
 * How `client.subscription$` recognises its notifications and ends its
 * subscription.
 *
 * ## Example
 *
 * ```ts
 * import { connect$ } from 'rxrpcx';
 *
 * const client = connect$('wss://electrum.example.org:50004');
 * // params [scripthash]; notifications carry [scripthash, status]: key 0 tells them apart
 * const status$ = client.subscription$('blockchain.scripthash.subscribe', ['8b01df4e…'], {
 *   key: 0,
 *   unsubscribe: 'blockchain.scripthash.unsubscribe',
 * });
 * ```
 */
export interface SubscriptionOptions<C extends MethodContract = UntypedContract> {
  /** The method of the notifications that belong to the subscription. @default the subscribe method's name (as Electrum does) */
  readonly notification?: string;
  /**
   * A position (or name) in the arguments: a notification belongs to the
   * subscription only when its argument there equals the subscribe call's.
   * @default none: every notification of the method belongs
   */
  readonly key?: number | string;
  /** Requested with the same arguments when the last subscriber leaves. @default none */
  readonly unsubscribe?: MethodName<C>;
}

/**
 * What `client.subscription$` emits: the subscribe call's result (again
 * after each reconnection), then each notification that belongs to it.
 *
 * ## Example
 *
 * ```ts
 * import type { SubscriptionEvent } from 'rxrpcx';
 *
 * const statusOf = (event: SubscriptionEvent<string | null, readonly [string, string | null]>) =>
 *   event.kind === 'result' ? event.result : event.args[1];
 * ```
 */
export type SubscriptionEvent<R = unknown, N = readonly unknown[]> =
  | {
      /** The subscribe call answered: first, and again after each reconnection. */
      readonly kind: 'result';
      /** The subscribe call's result (the current status, for Electrum). */
      readonly result: R;
    }
  | {
      /** A notification that belongs to the subscription arrived. */
      readonly kind: 'notification';
      /** The notification's arguments. */
      readonly args: N;
      /** The notification itself, with its method name. */
      readonly notification: Notification;
    };
