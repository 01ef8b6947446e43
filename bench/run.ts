/** `npm run bench`: every benchmark, one table each. */
import { runFramingBench } from './framing.bench';
import { runSessionBench, runSessionMemoryBench } from './sessions.bench';

async function main(): Promise<void> {
  console.log('framing');
  console.table(runFramingBench());
  console.log('sessions (request/reply round trips, 200 in flight)');
  console.table(await runSessionBench());
  console.log('memory');
  console.table([await runSessionMemoryBench()]);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
