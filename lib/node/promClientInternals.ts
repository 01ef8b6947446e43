import type * as PromClient from 'prom-client';
import { MissingDependencyError } from './MissingDependencyError.js';

/** prom-client's module, as its own types describe it. */
export type PromClientModule = typeof PromClient;

/**
 * Loads prom-client, when metrics are first asked for and not before (it is
 * an optional peer dependency): a MissingDependencyError if it is not
 * installed.
 */
export function loadPromClient(feature: string): PromClientModule {
  try {
    return require('prom-client') as PromClientModule;
  } catch (error) {
    if (isNotFound(error)) throw new MissingDependencyError('prom-client', feature, { cause: error });
    throw error;
  }
}

/** Node's "cannot find module 'prom-client'" (and not a failure inside it). */
function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'MODULE_NOT_FOUND' && typeof message === 'string' && message.includes('prom-client');
}
