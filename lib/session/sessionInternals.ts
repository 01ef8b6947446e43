import { Observable, defaultIfEmpty, defer, from, isObservable, of, take, type OperatorFunction } from 'rxjs';
import type { FramerBase, FramerMessagesOptions } from '../framing/FramerBase.js';
import { decodeFrames, defineDecoder } from '../framing/framingInternals.js';
import { ConnectionError } from '../jsonrpc/ConnectionError.js';
import type { Notification } from '../jsonrpc/Notification.js';
import type { Request } from '../jsonrpc/Request.js';
import { slot } from '../util/slotInternals.js';

/** A short, safe description of anything thrown, for log lines. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'an unprintable value';
  }
}

/**
 * The framer for transports that keep message boundaries (WebSocket): each
 * chunk is one message and each message is sent as it is.
 */
export const wholeMessageFramer: FramerBase<Uint8Array> = Object.freeze({
  frame: (message: Uint8Array): Uint8Array => message,
  messages: wholeMessages,
});
defineDecoder(wholeMessages, (_framer, sink) => ({ push: (chunk) => sink.emit(chunk) }));

function wholeMessages(options?: FramerMessagesOptions): OperatorFunction<Uint8Array, Uint8Array> {
  return decodeFrames((sink) => ({ push: (chunk) => sink.emit(chunk) }), options);
}

/**
 * What a handler returned, as an Observable of exactly one value: an
 * Observable's first value (undefined if it completes empty), a Promise's
 * value, or the value itself. A throw becomes an error.
 */
export function firstResult(produce: () => unknown): Observable<unknown> {
  return defer(() => {
    const value = produce();
    if (isObservable(value)) return value.pipe(take(1), defaultIfEmpty(undefined));
    if (value instanceof Promise) return from(value as Promise<unknown>);
    return of(value);
  });
}


/** Bound once, by `SessionBase`'s static block. */
export const sessionEnd = slot<(session: object, callback: () => void) => void>('SessionBase');

/**
 * Calls `callback` once the session has ended (at once if it has): what
 * `closed$` tells, without a subscriber, for servers that track thousands of
 * sessions.
 */
export function whenEnded(session: object, callback: () => void): void {
  sessionEnd.get()(session, callback);
}

/** What a session does with a request no handler takes, if anything: an answer to await, or undefined for METHOD_NOT_FOUND. */
export type CallOffer = (request: Request | Notification) => Observable<unknown> | undefined;

/** Bound once, by `RPCSession`'s static block: gives a session the `incomingCalls` stream's offer. */
export const callOffers = slot<(session: object, offer: CallOffer) => void>('RPCSession');

/** What sending on a session that has closed (or is closing) fails with: one wording, for every way out. */
export function connectionClosed(): ConnectionError {
  return new ConnectionError('connection is closed');
}
