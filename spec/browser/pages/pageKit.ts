/**
 * The page side of the browser harness: a page entry (bundled by
 * `bundleForBrowser`) reads its parameters from the query string and hands
 * its whole run to {@link report}; the test reads the outcome with
 * `TestPage.result()` (browserHarness.ts).
 */

/** An error as the page saw it, reduced to what survives structured cloning. */
export interface PageError {
  readonly name: string;
  readonly message: string;
  readonly code?: unknown;
  readonly stack?: string;
}

/** What a page reports: its run's value, or the error it failed with. */
export type PageReport = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: PageError };

declare global {
  interface Window {
    /** Set once by {@link report} when the page's run has ended. */
    __rxrpcxReport?: PageReport;
  }
}

/** The error's name, message, code and stack (whatever it is). */
export function describeError(error: unknown): PageError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(code === undefined ? {} : { code }), ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { name: typeof error, message: String(error) };
}

/**
 * Runs the page's test body and publishes its outcome as
 * `window.__rxrpcxReport`. The value must survive structured cloning (plain
 * data: no class instances, functions or Observables).
 */
export function report(run: () => Promise<unknown>): void {
  run().then(
    (value) => {
      window.__rxrpcxReport = { ok: true, value };
    },
    (error: unknown) => {
      window.__rxrpcxReport = { ok: false, error: describeError(error) };
    },
  );
}

/** A query-string parameter of the page; throws if it is missing. */
export function queryParam(name: string): string {
  const value = new URLSearchParams(window.location.search).get(name);
  if (value === null) throw new Error(`the page needs the query parameter ${name}`);
  return value;
}
