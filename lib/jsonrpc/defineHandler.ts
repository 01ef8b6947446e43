import { handlerInvocation } from './handlerInvocation.js';
import { invocation } from './invocationInternals.js';

/**
 * How a handler takes its arguments — the declared stand-in for the Python
 * signature the reference inspects.
 *
 * The handler function is called as `fn(...params, rest?, named?)`:
 * one argument per entry of `params` (undefined when an optional one is not
 * given, so JavaScript defaults apply), then the extra positional arguments
 * as one array if `params` ends with a `'...name'` entry, then an object of
 * the named-only and other named arguments if `namedOnly` or `anyNamed` is
 * declared (empty for a positional call).
 *
 * ## Example
 * ```ts
 * import { defineHandler, type HandlerSignature } from 'rxrpcx';
 * // Python: def log(level, *parts, sep=' ', **extra)
 * const signature: HandlerSignature = { params: ['level', '...parts'], namedOnly: ['sep'], anyNamed: true };
 * const log = defineHandler((level: string, parts: unknown[], named: Record<string, unknown>) => [level, parts, named], signature);
 * ```
 */
export interface HandlerSignature {
  /**
   * Parameters that may be passed by position or by name, in order:
   * `'name'` is required, `'name?'` optional (Python: has a default); a last
   * `'...name'` takes any further positional arguments (Python `*args`).
   * @default []
   */
  readonly params?: readonly string[];
  /**
   * Parameters that can only be passed by name (Python: after `*`). As in the
   * reference they are never required by the argument check.
   * @default []
   */
  readonly namedOnly?: readonly string[];
  /**
   * Accept any other named argument (Python `**kwargs`).
   * @default false
   */
  readonly anyNamed?: boolean;
  /**
   * The parameters can only be passed by position (Python: before `/`): a
   * call with named arguments is refused (when there is at least one entry
   * in `params`, as in Python).
   * @default false
   */
  readonly positionalOnly?: boolean;
}

/** The argument rules derived from a {@link HandlerSignature} (the reference's `signature_info`). *
 * ## Example
 * ```ts
 * import { defineHandler } from 'rxrpcx';
 * const { info } = defineHandler((a: number, b = 0) => a + b, { params: ['a', 'b?'] });
 * console.log(info.minArgs, info.maxArgs); // 1 2
 * ```
 */
export interface SignatureInfo {
  /** The by-position-or-name parameter names, in order. */
  readonly params: readonly string[];
  /** Fewest positional arguments. */
  readonly minArgs: number;
  /** Most positional arguments; undefined with a rest parameter. */
  readonly maxArgs: number | undefined;
  /** Names a named call must give. */
  readonly requiredNames: readonly string[];
  /** Other names a named call may give; `'any'` with `anyNamed`; null if named calls are refused. */
  readonly otherNames: readonly string[] | 'any' | null;
  /** Whether the function receives a rest array. */
  readonly hasRest: boolean;
  /** Whether the function receives a trailing object of named arguments. */
  readonly hasNamed: boolean;
}

/** A handler function with its declared signature, for {@link handlerInvocation}. *
 * ## Example
 * ```ts
 * import { defineHandler, handlerInvocation, Request, type RPCHandler } from 'rxrpcx';
 * const add: RPCHandler<number> = defineHandler((a: number, b: number) => a + b, { params: ['a', 'b'] });
 * console.log(handlerInvocation(add, new Request('add', [2, 3]))()); // 5
 * ```
 */
export interface RPCHandler<R = unknown> {
  /** The handler function, called as `fn(...params, rest?, named?)` once the arguments pass the check. */
  readonly fn: (...args: never[]) => R;
  /** The declared signature `handlerInvocation` checks a request's arguments against. */
  readonly info: SignatureInfo;
}

/**
 * Declares how a handler function takes its arguments, so
 * `handlerInvocation` can check a request's arguments the way the reference
 * checks them against a Python signature (same errors, same messages).
 *
 * The function is called as `fn(...params, rest?, named?)` — see
 * {@link HandlerSignature}.
 *
 * ## Example
 *
 * ```ts
 * import { defineHandler } from 'rxrpcx';
 *
 * // Python: def header(height, cp_height=0)
 * const header = defineHandler((height: number, cpHeight = 0) => ({ height, cpHeight }), {
 *   params: ['height', 'cp_height?'],
 * });
 * // Python: def log(level, *parts, sep=' ', **extra)
 * const log = defineHandler(
 *   (level: string, parts: unknown[], named: Record<string, unknown>) => [level, parts, named],
 *   { params: ['level', '...parts'], namedOnly: ['sep'], anyNamed: true },
 * );
 * ```
 *
 * @param fn - the handler; it may return a value, a Promise or an Observable
 * @param signature - its parameters
 * @returns the handler with its argument rules
 * @throws TypeError - for an inconsistent signature (duplicate names, a required parameter after an optional one, a rest parameter that is not last) or a function with more parameters than the signature provides
 */
export function defineHandler<R>(fn: (...args: never[]) => R, signature: HandlerSignature = {}): RPCHandler<R> {
  const params: string[] = [];
  const requiredNames: string[] = [];
  const optionalNames: string[] = [];
  let hasRest = false;
  let seenOptional = false;
  const entries = signature.params ?? [];
  entries.forEach((entry, index) => {
    if (entry.startsWith('...')) {
      if (index !== entries.length - 1) throw new TypeError(`defineHandler: rest parameter "${entry}" must be last`);
      hasRest = true;
      checkName(entry.slice(3), params);
      return;
    }
    const optional = entry.endsWith('?');
    const name = optional ? entry.slice(0, -1) : entry;
    checkName(name, params);
    if (!optional && seenOptional) {
      throw new TypeError(`defineHandler: required parameter "${name}" follows an optional one`);
    }
    seenOptional ||= optional;
    params.push(name);
    (optional ? optionalNames : requiredNames).push(name);
  });
  const namedOnly = signature.namedOnly ?? [];
  const known = [...params];
  for (const entry of namedOnly) {
    const name = entry.endsWith('?') ? entry.slice(0, -1) : entry;
    checkName(name, known);
    known.push(name);
    optionalNames.push(name);
  }
  const anyNamed = signature.anyNamed ?? false;
  const hasNamed = anyNamed || namedOnly.length > 0;
  const provided = params.length + (hasRest ? 1 : 0) + (hasNamed ? 1 : 0);
  if (fn.length > provided) {
    throw new TypeError(`defineHandler: the function takes ${fn.length} parameters but its signature provides ${provided}`);
  }
  const info: SignatureInfo = Object.freeze({
    params: Object.freeze(params),
    minArgs: requiredNames.length,
    maxArgs: hasRest ? undefined : params.length,
    requiredNames: Object.freeze(requiredNames),
    // As in Python, it takes at least one positional-only parameter to refuse names.
    otherNames:
      signature.positionalOnly === true && params.length > 0 ? null : anyNamed ? 'any' : Object.freeze(optionalNames),
    hasRest,
    hasNamed,
  });
  return Object.freeze({ fn, info });
}

function checkName(name: string, taken: readonly string[]): void {
  if (name.length === 0) throw new TypeError('defineHandler: empty parameter name');
  if (taken.includes(name)) throw new TypeError(`defineHandler: duplicate parameter "${name}"`);
}

// Sessions call handler objects through the invocation hook: loaded with defineHandler, which makes them.
invocation.bind(handlerInvocation);
