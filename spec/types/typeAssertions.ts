/**
 * Compile-time assertions for the type tests. They do nothing at run time:
 * a wrong type fails `tsc` (and `spec/types/typecheck.spec.ts`, which
 * type-checks this folder, since ts-jest here only transpiles).
 */

/** `true` when A and B are the same type (not merely assignable either way), else `false`. */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Compiles only when the value's type is exactly `Expected`:
 * `expectType<number>()(value)`.
 */
export function expectType<Expected>(): <Actual>(value: Actual, ...proof: Equal<Actual, Expected> extends true ? [] : [never]) => void {
  return () => undefined;
}

/** Compiles only when A and B are the same type: `expectEqual<A, B>(true)`. */
export function expectEqual<A, B>(proof: Equal<A, B>): void {
  void proof;
}
