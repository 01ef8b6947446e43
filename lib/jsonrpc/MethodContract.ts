import type { Observable } from 'rxjs';
import type { RPCHandler } from './defineHandler.js';
import type { RequestArgs } from './jsonrpcInternals.js';

/**
 * What one method of a {@link MethodContract} takes and gives.
 *
 * ## Example
 *
 * ```ts
 * import type { MethodSpec } from 'rxrpcx';
 *
 * const version: MethodSpec = { params: ['me', '1.4'], result: ['ElectrumX 1.16', '1.4'] };
 * ```
 */
export interface MethodSpec {
  /** The arguments: a tuple when positional, an object type when named. */
  readonly params: RequestArgs;
  /** What a request for this method resolves with; leave it out for a method only ever sent as a notification. */
  readonly result?: unknown;
  /** For a method that subscribes: the arguments of the notifications the subscription brings. */
  readonly notification?: readonly unknown[];
}

/**
 * A method map: each method's name, the parameters it takes, and its result.
 * A session or client typed by one checks method names, arguments and
 * results at compile time; handlers are typed by the same map. Written as
 * an interface or type literal whose members are {@link MethodSpec}s.
 *
 * ## Example
 *
 * ```ts
 * import type { MethodContract } from 'rxrpcx';
 *
 * interface Electrum extends MethodContract {
 *   'server.version': { params: [client: string, protocol: string]; result: [string, string] };
 *   'server.ping': { params: []; result: null };
 *   'blockchain.scripthash.subscribe': { params: [scripthash: string]; result: string | null; notification: [string, string | null] };
 * }
 * ```
 */
export interface MethodContract {
  readonly [method: string]: MethodSpec;
}

/**
 * The contract of an untyped session or client: any method name, any
 * arguments, results of type `unknown` (or the type asked for with
 * `request<T>(…)`). The default wherever a contract can be given.
 *
 * ## Example
 *
 * ```ts
 * import type { ResultOf, UntypedContract } from 'rxrpcx';
 *
 * const anything: ResultOf<UntypedContract, 'any.method'> = 42; // unknown
 * ```
 */
export interface UntypedContract extends MethodContract {
  readonly [method: string]: {
    /** Any arguments, positional or named. */
    readonly params: RequestArgs;
    /** Anything: `unknown`, or the type a call asks for with `request<T>(…)`. */
    readonly result: unknown;
    /** Any notification arguments. */
    readonly notification: readonly unknown[];
  };
}

/**
 * The method names of a contract (`string` for {@link UntypedContract}): its
 * declared keys, without the index signature an interface inherits when it
 * `extends MethodContract` (`keyof` alone would be `string` for every such
 * interface).
 *
 * ## Example
 *
 * ```ts
 * import type { MethodName } from 'rxrpcx';
 *
 * type Names = MethodName<{ 'server.ping': { params: []; result: null } }>; // 'server.ping'
 * ```
 */
export type MethodName<C extends MethodContract> = keyof {
  [K in keyof C as string extends K ? never : number extends K ? never : K]: C[K];
} extends infer N
  ? [N] extends [never]
    ? string
    : N & string
  : never;

/**
 * The arguments a contract's method takes.
 *
 * ## Example
 *
 * ```ts
 * import type { ParamsOf } from 'rxrpcx';
 *
 * type P = ParamsOf<{ 'server.version': { params: [string, string]; result: [string, string] } }, 'server.version'>; // [string, string]
 * ```
 */
export type ParamsOf<C extends MethodContract, K extends MethodName<C>> = C[K]['params'];

/**
 * What a request for a contract's method resolves with (`unknown` when the
 * contract does not say).
 *
 * ## Example
 *
 * ```ts
 * import type { ResultOf } from 'rxrpcx';
 *
 * type R = ResultOf<{ 'server.ping': { params: []; result: null } }, 'server.ping'>; // null
 * ```
 */
export type ResultOf<C extends MethodContract, K extends MethodName<C>> = C[K] extends {
  /** The result the method's spec declares. */
  readonly result: infer R;
}
  ? R
  : unknown;

/**
 * The arguments of the notifications a contract's subscribe method brings
 * (`readonly unknown[]` when the contract does not say).
 *
 * ## Example
 *
 * ```ts
 * import type { NotificationOf } from 'rxrpcx';
 *
 * type N = NotificationOf<{ 'headers.subscribe': { params: []; result: number; notification: [number] } }, 'headers.subscribe'>; // [number]
 * ```
 */
export type NotificationOf<C extends MethodContract, K extends MethodName<C>> = C[K] extends {
  /** The notification arguments the method's spec declares. */
  readonly notification: infer N;
}
  ? N
  : readonly unknown[];

/**
 * The trailing arguments of a call: the method's arguments (optional when
 * the method takes none, or any) and then the call's options.
 *
 * ## Example
 *
 * ```ts
 * import type { CallArgs } from 'rxrpcx';
 *
 * type Contract = { 'server.ping': { params: []; result: null }; echo: { params: [string]; result: string } };
 * const ping: CallArgs<Contract, 'server.ping', { timeout?: number }> = [];
 * const echo: CallArgs<Contract, 'echo', { timeout?: number }> = [['hi'], { timeout: 5 }];
 * ```
 */
export type CallArgs<C extends MethodContract, K extends MethodName<C>, O> = [] extends ParamsOf<C, K>
  ? [args?: ParamsOf<C, K>, options?: O]
  : [args: ParamsOf<C, K>, options?: O];

/**
 * The trailing arguments of a notification: the method's arguments
 * (optional when it takes none, or any) — or, for a subscribe method whose
 * spec declares `notification`, the arguments of the notifications it
 * brings, which is what a server sends under that name.
 *
 * ## Example
 *
 * ```ts
 * import type { NotificationArgs } from 'rxrpcx';
 *
 * type Contract = {
 *   log: { params: [line: string] };
 *   'scripthash.subscribe': { params: [scripthash: string]; result: string | null; notification: [string, string | null] };
 * };
 * const log: NotificationArgs<Contract, 'log'> = [['done']];
 * const status: NotificationArgs<Contract, 'scripthash.subscribe'> = [['8b01…', 'f3e1…']];
 * ```
 */
export type NotificationArgs<C extends MethodContract, K extends MethodName<C>> = C[K] extends {
  /** The notification arguments the method's spec declares. */
  readonly notification: infer N;
}
  ? [] extends ParamsOf<C, K> | N
    ? [args?: ParamsOf<C, K> | N]
    : [args: ParamsOf<C, K> | N]
  : [] extends ParamsOf<C, K>
    ? [args?: ParamsOf<C, K>]
    : [args: ParamsOf<C, K>];

/**
 * What a handler may return for a result of type `R`: the value, a Promise
 * of it, or an Observable whose first value is the answer.
 *
 * ## Example
 *
 * ```ts
 * import { of } from 'rxjs';
 * import type { HandlerResult } from 'rxrpcx';
 *
 * const now: HandlerResult<number> = 1;
 * const later: HandlerResult<number> = Promise.resolve(2);
 * const stream: HandlerResult<number> = of(3);
 * ```
 */
export type HandlerResult<R> = R | Promise<R> | Observable<R>;

/**
 * A handler for one method of a contract. For positional params, a function
 * taking the params tuple (`(client: string, protocol: string) => …`) or a
 * `defineHandler` handler; for named params (an object type), a
 * `defineHandler` handler only, since only a declared signature can map
 * names to the function's parameters. Either way the result is checked
 * against the contract; a `defineHandler` handler's parameters are not (its
 * function is typed `(...args: never[])`).
 *
 * ## Example
 *
 * ```ts
 * import { defineHandler, type MethodHandler } from 'rxrpcx';
 *
 * type Contract = { add: { params: [a: number, b: number]; result: number } };
 * const plain: MethodHandler<Contract, 'add'> = (a, b) => a + b;
 * const checked: MethodHandler<Contract, 'add'> = defineHandler((a: number, b: number) => a + b, { params: ['a', 'b'] });
 * ```
 */
export type MethodHandler<C extends MethodContract, K extends MethodName<C>> = ParamsOf<C, K> extends readonly unknown[]
  ? ((...args: ParamsOf<C, K>) => HandlerResult<ResultOf<C, K>>) | RPCHandler<HandlerResult<ResultOf<C, K>>>
  : RPCHandler<HandlerResult<ResultOf<C, K>>>;

/**
 * A server's handlers for a contract: for each declared method, an optional
 * {@link MethodHandler}; any other name fails to compile. Handlers answer
 * the contract's requests (the notifications a subscription brings reach a
 * client on `notifications$`, typed by {@link NotificationOf}). For
 * {@link UntypedContract} (or any contract declaring no method names) it is
 * the untyped table, `RPCMethodTable`: any name, plain functions taking any
 * positional arguments, or `defineHandler` handlers.
 *
 * ## Example
 *
 * ```ts
 * import type { MethodHandlers } from 'rxrpcx';
 *
 * type Contract = {
 *   'server.ping': { params: []; result: null };
 *   'server.version': { params: [client: string, protocol: string]; result: [string, string] };
 * };
 * const handlers: MethodHandlers<Contract> = {
 *   'server.ping': () => null,
 *   'server.version': async (_client, protocol) => ['demo 1.0', protocol],
 * };
 * ```
 */
export type MethodHandlers<C extends MethodContract> = string extends MethodName<C>
  ? Readonly<Record<string, RPCHandler | ((...args: never[]) => unknown)>>
  : { readonly [K in MethodName<C>]?: MethodHandler<C, K> };

/**
 * What the explicit result type argument of a call (`request<number>(…)`)
 * may be: anything for an untyped contract; for a typed one, nothing — its
 * results come from the contract, so a call there takes no result type
 * argument (the constraint reads as the reason in the compiler's message).
 *
 * ## Example
 *
 * ```ts
 * import type { ResultOverride, UntypedContract } from 'rxrpcx';
 *
 * type Contract = { 'server.ping': { params: []; result: null } };
 * const untyped: ResultOverride<UntypedContract> = 42; // unknown: any type may be asked for
 * type Typed = ResultOverride<Contract>; // 'the result type comes from the contract'
 * ```
 */
export type ResultOverride<C extends MethodContract> = string extends MethodName<C> ? unknown : 'the result type comes from the contract';

/**
 * What a call of method `K` resolves with, given the result type argument
 * `R` (`never` when none is given). Typed contract: the contract's result,
 * whatever `R` (which cannot then be inferred from where the result goes,
 * so a contextual type never overrides the contract). Untyped: `R` — given,
 * or inferred from where the result goes, as for `request<T>` before
 * contracts — else `unknown`.
 *
 * ## Example
 *
 * ```ts
 * import type { RequestResult, UntypedContract } from 'rxrpcx';
 *
 * type Contract = { add: { params: [number, number]; result: number } };
 * const typed: RequestResult<Contract, 'add', never> = 5; // number
 * const asked: RequestResult<UntypedContract, 'add', string> = 'five'; // string
 * const plain: RequestResult<UntypedContract, 'add', never> = null; // unknown
 * ```
 */
export type RequestResult<C extends MethodContract, K extends MethodName<C>, R> = string extends MethodName<C>
  ? [R] extends [never]
    ? ResultOf<C, K>
    : R
  : ResultOf<C, K>;
