import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RPCHandler, RPCMethod, RPCMethodTable } from '../index.js';
import { UsageError } from './UsageError.js';

/**
 * A real dynamic `import()` in both builds: compiling the CommonJS one
 * (`module: commonjs`), TypeScript would turn `import(x)` into `require(x)`,
 * which cannot load an ES module; code built by `new Function` is left alone,
 * and imports a `file:` URL the same from either.
 */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

/**
 * The method table `rxrpcx serve` serves: the functions a module exports
 * (ES module or CommonJS), by export name, and the functions of its default
 * export when that is an object. {@link bindToSession} makes `this` the session.
 * `defineHandler` values count too (their signature is checked on each call).
 * A named export wins over a default-object member of the same name.
 *
 * @param path - the module's file, relative to the working directory
 * @returns the table and the module's resolved URL
 */
export async function loadMethodTable(path: string): Promise<{ readonly handlers: RPCMethodTable; readonly url: string }> {
  const url = pathToFileURL(resolve(path)).href;
  let namespace: Record<string, unknown>;
  try {
    namespace = await importModule(url);
  } catch (error) {
    throw new UsageError(`cannot load ${path}: ${(error as Error).message}`, { cause: error });
  }
  const handlers: Record<string, RPCMethod> = {};
  const fallback = namespace.default;
  if (typeof fallback === 'object' && fallback !== null) {
    for (const [name, value] of Object.entries(fallback as Record<string, unknown>)) {
      if (typeof value === 'function') handlers[name] = value as RPCMethod;
      else if (isHandler(value)) handlers[name] = value;
    }
  }
  for (const [name, value] of Object.entries(namespace)) {
    if (name !== 'default' && (typeof value === 'function' || isHandler(value))) handlers[name] = value as RPCMethod;
  }
  if (Object.keys(handlers).length === 0) throw new UsageError(`${path} exports no functions to serve`);
  return { handlers: handlers as RPCMethodTable, url };
}

/** A `defineHandler` result: a function with its declared signature. */
function isHandler(value: unknown): value is RPCHandler {
  return typeof value === 'object' && value !== null && typeof (value as { fn?: unknown }).fn === 'function' && typeof (value as { info?: unknown }).info === 'object';
}

/**
 * The table for one session: each plain function called with `this` = the
 * session, so a handler can push notifications
 * (`this.sendNotification('tick', [n])`) or watch `this.closed$`.
 * `defineHandler` values are kept as they are.
 *
 * @param handlers - the module's table
 * @param session - the session the table serves
 * @returns a new table
 */
export function bindToSession(handlers: RPCMethodTable, session: object): RPCMethodTable {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, method]) => [name, typeof method === 'function' ? (method as (...args: never[]) => unknown).bind(session) : method]),
  );
}
