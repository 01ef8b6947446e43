// Builds the library (`npm run build`) and the examples (`npm run
// build:examples`) only when their sources changed since the output was last
// written, so `npm run demo` and `npm run example:*` start at once after the
// first run. A fresh clone (no dist/) builds; a `git checkout`, an edit, a
// deleted file (its folder's mtime moves) or a changed tsconfig/package.json
// rebuilds.
//
// "Fresh" means: the newest file in the output folder is newer than every
// input. It holds whoever built (this script, `npm run build`, `npm test`),
// and needs no knowledge of the output's layout inside the folder. tsc emits
// even when it reports errors, so a failed build here dates its output back
// to 1970: the next run builds again and shows the errors again. (A build
// interrupted half-way, or failed outside this script, can look fresh:
// `npm run build` once to repair.)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const rootConfigs = () => readdirSync(root).filter((name) => /^tsconfig.*\.json$/.test(name));

const steps = [
  { script: 'build', output: 'dist', inputs: ['lib', 'package.json', ...rootConfigs()] },
  // After the library: the examples typecheck against its declarations.
  { script: 'build:examples', output: 'dist-examples', inputs: ['examples', 'dist', 'tsconfig.json', 'tsconfig.examples.json'] },
];

/** The newest mtime (ms) of a file or folder and everything under it; -Infinity if missing. */
function newest(path) {
  if (!existsSync(path)) return -Infinity;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Dates a folder and everything under it back to the epoch, so that it reads as older than any source. */
function markStale(path) {
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) markStale(join(path, entry));
  utimesSync(path, 0, 0);
}

for (const { script, output, inputs } of steps) {
  const built = newest(join(root, output));
  const changed = Math.max(...inputs.map((input) => newest(join(root, input))));
  if (built > changed) continue;
  process.stderr.write(`${built === -Infinity ? `no ${output}/` : `${output}/ is older than its sources`}: npm run ${script}\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { status, error } = spawnSync(npm, ['run', script, '--silent'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (error !== undefined) throw error;
  if (status !== 0) {
    markStale(join(root, output));
    process.exit(status ?? 1);
  }
}
