import { slot } from '../util/slotInternals.js';
import type { RPCHandler } from './defineHandler.js';
import { INVALID_ARGS, METHOD_NOT_FOUND } from './jsonrpcInternals.js';
import type { Notification } from './Notification.js';
import { compareCodePoints } from './pythonReprInternals.js';
import type { Request } from './Request.js';
import { RPCError } from './RPCError.js';

/**
 * Handler invocation as a session reaches it. A handler object made by
 * `defineHandler` is called through `handlerInvocation`, handed over when
 * `defineHandler` is loaded: so a bundle whose handlers are all plain
 * functions carries none of the signature checks. The refusals a plain
 * function shares with the checks (unknown method, unexpected names) live
 * here, worded once.
 *
 * Internal to the library.
 */
type Invocation = <R>(handler: RPCHandler<R>, request: Request | Notification) => () => R;

/** Bound once, by the module that defines `defineHandler`. */
export const invocation = slot<Invocation>('defineHandler', 'handler objects are made by defineHandler, which is not loaded');

/** `handlerInvocation(handler, request)`, for a handler object. */
export function invokeHandler<R>(handler: RPCHandler<R>, request: Request | Notification): () => R {
  return invocation.get()(handler, request);
}

// ---- the refusals a session's plain functions share with handlerInvocation ----

/** METHOD_NOT_FOUND for a method no handler serves, as the reference words it. */
export function unknownMethod(method: string): RPCError {
  return new RPCError(METHOD_NOT_FOUND, `unknown method "${method}"`);
}

/** INVALID_ARGS for named arguments a handler does not take, as the reference words it. */
export function unexpectedNames(method: string, names: readonly string[]): RPCError {
  return new RPCError(INVALID_ARGS, `method "${method}" does not take parameter${plural(names)} ${quotedList(names)}`);
}

/** `'s'` unless there is one name. */
export function plural(names: readonly string[]): string {
  return names.length === 1 ? '' : 's';
}

/** `"a", "b"`, sorted as Python sorts the quoted names. */
export function quotedList(names: readonly string[]): string {
  return names
    .map((name) => `"${name}"`)
    .sort(compareCodePoints)
    .join(', ');
}
