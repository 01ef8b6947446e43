/**
 * A page that misbehaves on purpose — a console error and an uncaught error
 * — so harness.spec.ts can check that the harness notices both.
 */
import { report } from './pageKit';

console.error('deliberate console error');
setTimeout(() => {
  throw new Error('deliberate uncaught error');
}, 0);
report(async () => {
  await new Promise((resolve) => setTimeout(resolve, 10));
  return 'reported';
});
