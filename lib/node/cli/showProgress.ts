import type { Output } from './Output.js';

/**
 * Shows the spinner with `label` (if any) while `promise` is pending.
 *
 * @returns the promise's outcome
 */
export async function showProgress<T>(out: Output, label: string | undefined, promise: Promise<T>): Promise<T> {
  if (label === undefined) return promise;
  out.spinner.start(label);
  try {
    return await promise;
  } finally {
    out.spinner.stop();
  }
}
