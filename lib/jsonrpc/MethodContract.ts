import type { RequestArgs } from './jsonrpcInternals';

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
  readonly [method: string]: { readonly params: RequestArgs; readonly result: unknown; readonly notification: readonly unknown[] };
}

/**
 * The method names of a contract (`string` for {@link UntypedContract}).
 *
 * ## Example
 *
 * ```ts
 * import type { MethodName } from 'rxrpcx';
 *
 * type Names = MethodName<{ 'server.ping': { params: []; result: null } }>; // 'server.ping'
 * ```
 */
export type MethodName<C extends MethodContract> = keyof C & string;

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
export type ResultOf<C extends MethodContract, K extends MethodName<C>> = C[K] extends { readonly result: infer R } ? R : unknown;

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
export type NotificationOf<C extends MethodContract, K extends MethodName<C>> = C[K] extends { readonly notification: infer N }
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
