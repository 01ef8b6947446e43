/**
 * Waits, turn by turn of the event loop (no timers), until `condition` holds:
 * for I/O that completes without a promise to await. Fails after `maxTurns`.
 */
export async function eventually(condition: () => boolean, maxTurns = 100_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`condition still false after ${maxTurns} turns of the event loop`);
}

/**
 * Lets `turns` turns of the event loop pass (no timers), so that I/O already
 * under way on loopback — bytes written, a connection accepted — is handled
 * before the test goes on. For waits whose outcome does not depend on their
 * length.
 */
export async function ioTurns(turns = 20): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
}
