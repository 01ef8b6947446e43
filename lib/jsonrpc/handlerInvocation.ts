import type { RPCHandler } from './defineHandler.js';
import { plural, quotedList, unexpectedNames, unknownMethod } from './invocationInternals.js';
import { hasOwn, type JSONRecord } from './jsonrpcInternals.js';
import type { Notification } from './Notification.js';
import type { Request } from './Request.js';
import { RPCError } from './RPCError.js';

/**
 * Checks a request's arguments against a handler's declared signature and
 * returns the call, ready to run.
 *
 * No handler (`undefined`) gives METHOD_NOT_FOUND `unknown method "name"`;
 * too few or too many positional arguments, named arguments for a
 * positional-only handler, missing required names or unknown names give
 * INVALID_ARGS — with exactly the reference's messages. The errors are
 * {@link RPCError}s thrown synchronously, ready to be sent as the reply.
 *
 * ## Example
 *
 * ```ts
 * import { defineHandler, handlerInvocation, Request } from 'rxrpcx';
 *
 * const handlers: Record<string, ReturnType<typeof defineHandler>> = {
 *   add: defineHandler((a: number, b: number) => a + b, { params: ['a', 'b'] }),
 * };
 * const request = new Request('add', { a: 2, b: 3 });
 * const invoke = handlerInvocation(handlers[request.method], request);
 * invoke(); // 5
 * // handlerInvocation(handlers.add, new Request('add', [1]))
 * //   throws RPCError -32602 '1 argument passed to method "add" but it requires 2'
 * ```
 *
 * @param handler - the declared handler, or undefined for an unknown method
 * @param request - the request (or notification) to invoke it with
 * @returns a function that calls the handler with the request's arguments
 * @throws RPCError - METHOD_NOT_FOUND or INVALID_ARGS
 */
export function handlerInvocation<R>(handler: RPCHandler<R> | undefined | null, request: Request | Notification): () => R {
  const { method, args } = request;
  if (handler === undefined || handler === null) throw unknownMethod(method);
  const { info } = handler;
  const fn = handler.fn as (...callArgs: unknown[]) => R;
  const call: unknown[] = [];

  if (Array.isArray(args)) {
    const count = args.length;
    const s = count === 1 ? '' : 's';
    if (count < info.minArgs) {
      throw RPCError.invalidArgs(`${count} argument${s} passed to method "${method}" but it requires ${info.minArgs}`);
    }
    if (info.maxArgs !== undefined && count > info.maxArgs) {
      throw RPCError.invalidArgs(`${count} argument${s} passed to method ${method} taking at most ${info.maxArgs}`);
    }
    for (let i = 0; i < info.params.length; i++) call.push(args[i]);
    if (info.hasRest) call.push(args.slice(info.params.length));
    if (info.hasNamed) call.push({});
    return () => fn(...call);
  }

  const named = args as JSONRecord;
  if (info.otherNames === null) {
    throw RPCError.invalidArgs(`method "${method}" cannot be called with named arguments`);
  }
  const missing = info.requiredNames.filter((name) => !hasOwn(named, name));
  if (missing.length > 0) {
    throw RPCError.invalidArgs(`method "${method}" requires parameter${plural(missing)} ${quotedList(missing)}`);
  }
  const keys = Object.keys(named);
  if (info.otherNames !== 'any') {
    const allowed = new Set([...info.requiredNames, ...info.otherNames]);
    const excess = keys.filter((key) => !allowed.has(key));
    if (excess.length > 0) throw unexpectedNames(method, excess);
  }
  for (const name of info.params) call.push(hasOwn(named, name) ? named[name] : undefined);
  if (info.hasRest) call.push([]);
  if (info.hasNamed) {
    const positional = new Set(info.params);
    call.push(Object.fromEntries(keys.filter((key) => !positional.has(key)).map((key) => [key, named[key]])));
  }
  return () => fn(...call);
}
