/**
 * A page that misbehaves on purpose — a console error and an uncaught error
 * — so harness.spec.ts can check that the harness notices both. It reports
 * once the page itself has seen its uncaught error go by.
 */
import { report } from './pageKit';

const uncaught = new Promise<void>((resolve) => window.addEventListener('error', () => resolve(), { once: true }));
console.error('deliberate console error');
queueMicrotask(() => {
  throw new Error('deliberate uncaught error');
});
report(async () => {
  await uncaught;
  return 'reported';
});
