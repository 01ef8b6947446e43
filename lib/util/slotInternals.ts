/**
 * A value one module fills in for others that must not import it: a class's
 * static block binds its private ways in for its friends (`JSONRPCConnection`,
 * `IncomingRequest`, the sessions), and an optional module binds its part
 * (`Batch`, `defineHandler`), so a bundle carries that part only when it is
 * used. Whoever reads a slot holds an instance of the class that binds it,
 * so an unbound slot is a bug; it throws a TypeError saying what is missing.
 *
 * Internal to the library.
 */
export interface Slot<T> {
  /** Called once, by the module that owns the value. */
  bind(value: T): void;
  /** The bound value. @throws TypeError - if nothing has been bound yet */
  get(): T;
  /** The bound value, or undefined: for a part that may rightly be absent (an optional module). */
  peek(): T | undefined;
}

/**
 * An empty {@link Slot}, filled in by `owner` (a class or module name); reading
 * it before then throws a TypeError with `notLoaded` (by default, that the
 * owner is not loaded).
 */
export function slot<T>(owner: string, notLoaded = `${owner} is not loaded`): Slot<T> {
  let value: T | undefined;
  return {
    bind: (bound) => void (value = bound),
    get: () => {
      if (value === undefined) throw new TypeError(notLoaded);
      return value;
    },
    peek: () => value,
  };
}
