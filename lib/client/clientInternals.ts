import { from, isObservable, take, Subscription, type ObservableInput, type SchedulerLike } from 'rxjs';
import type { RequestArgs } from '../jsonrpc/Request.js';
import { scheduleAfter } from '../tasks/tasksInternals.js';
import { ConnectError } from '../transport/ConnectError.js';
import type { Transport } from '../transport/Transport.js';
import type { Connector, ReconnectOptions } from './ClientOptions.js';
import { isRetryable } from './isRetryable.js';

/** A reconnection policy with every default filled in. */
export interface ReconnectPolicy {
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly factor: number;
  readonly maxAttempts: number;
  readonly jitter: boolean;
  readonly retryable: (error: unknown) => boolean;
  readonly random: () => number;
}

/** The reconnection options with every default filled in. */
export function resolvePolicy(options: ReconnectOptions): ReconnectPolicy {
  return {
    initialDelay: options.initialDelay ?? 1,
    maxDelay: options.maxDelay ?? 30,
    factor: options.factor ?? 2,
    maxAttempts: options.maxAttempts ?? Infinity,
    jitter: options.jitter ?? true,
    retryable: options.retryable ?? isRetryable,
    random: options.random ?? Math.random,
  };
}

/** Seconds to wait before the attempt numbered `attempt` (from 1): full jitter under an exponential ceiling. */
export function backoffDelay(policy: ReconnectPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelay, policy.initialDelay * policy.factor ** Math.max(0, attempt - 1));
  return policy.jitter ? policy.random() * ceiling : ceiling;
}

/** One connection attempt: calls `opened` with the transport or `failed` with why, at most once; unsubscribing gives it up. */
export function openTransport(
  connector: Connector,
  endpoint: string,
  attempt: { readonly attempt: number; readonly timeout: number; readonly scheduler: SchedulerLike },
  outcome: { readonly opened: (transport: Transport) => void; readonly failed: (error: unknown) => void },
): Subscription {
  const controller = new AbortController();
  let settled = false;
  let succeeded = false;
  // Given up (timeout, failure, unsubscribed): the connector hears it through the signal.
  const subscription = new Subscription(() => {
    settled = true;
    if (!succeeded) controller.abort(new ConnectError('aborted', endpoint, `connect to ${endpoint} given up`));
  });
  const settle = (then: () => void): void => {
    if (settled) return;
    subscription.unsubscribe();
    then();
  };
  const opened = (transport: Transport): void => {
    // A transport that arrives after the attempt was given up is closed, not leaked.
    if (settled) transport.abort();
    else {
      succeeded = true;
      settle(() => outcome.opened(transport));
    }
  };
  const failed = (error: unknown): void => settle(() => outcome.failed(error));

  subscription.add(
    scheduleAfter(attempt.scheduler, attempt.timeout, () =>
      failed(new ConnectError('timeout', endpoint, `connect to ${endpoint} timed out after ${attempt.timeout}s`)),
    ),
  );
  let input: ObservableInput<Transport>;
  try {
    input = connector(endpoint, { ...attempt, signal: controller.signal });
  } catch (error) {
    failed(error);
    return subscription;
  }
  if (isObservable(input) || !isPromiseLike(input)) {
    // An Observable connector is cancelled by unsubscribing it.
    subscription.add(
      from(input)
        .pipe(take(1))
        .subscribe({
          next: opened,
          error: failed,
          complete: () => failed(new ConnectError('network', endpoint, `the connector for ${endpoint} completed without a transport`)),
        }),
    );
  } else {
    input.then(opened, (error: unknown) => {
      if (!settled) failed(error);
    });
  }
  return subscription;
}

function isPromiseLike(value: unknown): value is PromiseLike<Transport> {
  return typeof (value as PromiseLike<Transport> | undefined)?.then === 'function';
}

/** Whether a notification's argument at `key` equals the subscribe call's. */
export function sameArgument(notificationArgs: RequestArgs, subscribeArgs: RequestArgs, key: number | string): boolean {
  const a = (notificationArgs as Record<string | number, unknown>)[key];
  const b = (subscribeArgs as Record<string | number, unknown>)[key];
  if (a === b) return true;
  return typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b);
}

/** Subscriptions with the same key share one on the wire. */
export function subscriptionKey(
  method: string,
  args: RequestArgs,
  options: { readonly notification?: string; readonly key?: number | string; readonly unsubscribe?: string },
): string {
  return JSON.stringify([method, args, options.notification ?? null, options.key ?? null, options.unsubscribe ?? null]);
}

/** An error's name and message, for log lines. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
