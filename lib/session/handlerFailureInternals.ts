import type { SessionLogger } from './SessionLogger.js';
import { errorText } from './sessionInternals.js';

/**
 * The handler exceptions of one incoming batch, reported as one line: when
 * its last member has been answered, or when the session ends with members
 * unanswered. `pending` starts at 1, a hold released once every member has
 * been admitted, so members answered at once cannot report early.
 *
 * Internal to the session layer.
 */
export class BatchFailures {
  /** Members admitted. */
  size = 0;
  /** Members not yet answered, plus the admission hold. */
  pending = 1;
  failed = 0;
  /** The first failure: the only one whose text is logged. */
  first: { readonly item: string; readonly error: unknown } | undefined;

  /** Counts a member's exception. */
  fail(item: { toString(): string }, error: unknown): void {
    this.failed += 1;
    this.first ??= { item: item.toString(), error };
  }

  /** Logs the one line, if any member failed. */
  report(logger: SessionLogger): void {
    if (this.first === undefined) return;
    const { item, error } = this.first;
    const others = this.failed > 1 ? `, the first ${item}` : ` ${item}`;
    logger.warn(`exception handling ${this.failed} of ${this.size} batch members${others}: ${errorText(error)}`, error);
  }
}

/** The line for one item's handler exception: `exception handling IncomingRequest("add", [1]): TypeError: boom`. */
export function exceptionLine(item: { toString(): string }, error: unknown): string {
  return `exception handling ${item.toString()}: ${errorText(error)}`;
}
