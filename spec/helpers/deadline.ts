/**
 * Hang guards for waits on real peers — child processes, sockets, the Python
 * reference — so that a peer that never answers fails the test with a
 * message instead of hanging it. They never time behaviour under test: that
 * runs on a TestScheduler, in marbles.
 *
 * One clock for every guard in spec/: `AbortSignal.timeout`, whose timer
 * keeps no process alive (nothing for jest's open-handle check to find) and
 * needs no clearing when the wait ends first.
 *
 * ```ts
 * const line = await within(nextLine(child), 10_000, () => `no line from ${name}`);
 * await unlessSettled(exited, 5000, () => child.kill('SIGKILL'));
 * ```
 */

/** Settles as `promise` does, or rejects with `describe()` once `ms` have passed first. */
export function within<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  return guard(promise, ms, (reject) => reject(new Error(describe())));
}

/** Calls `late()` if `promise` has not settled after `ms`, then goes on waiting for it: a kill-after guard. */
export function unlessSettled<T>(promise: Promise<T>, ms: number, late: () => void): Promise<T> {
  return guard(promise, ms, () => late());
}

function guard<T>(promise: Promise<T>, ms: number, onLate: (reject: (error: Error) => void) => void): Promise<T> {
  const signal = AbortSignal.timeout(ms);
  return new Promise<T>((resolve, reject) => {
    const late = (): void => onLate(reject);
    signal.addEventListener('abort', late, { once: true });
    const done = (): void => signal.removeEventListener('abort', late);
    promise.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
