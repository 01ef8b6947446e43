// npm run build: the library as ES modules (dist/esm) and as CommonJS
// (dist/cjs), from the one source in lib/. Each directory gets a package.json
// naming its format, so Node reads dist/esm/**/*.js as ES modules although the
// package itself is CommonJS. Bundlers take `sideEffects` from the nearest
// package.json, which is now that one, so it repeats the package's
// `sideEffects: false` (or nothing would be tree-shaken). The CLI is made
// executable.
'use strict';
const { execFileSync } = require('node:child_process');
const { chmodSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const dist = join(root, 'dist');

// A clean tree: nothing left from an earlier layout or a deleted source file ends up in the tarball.
rmSync(dist, { recursive: true, force: true });
for (const [format, type] of [
  ['esm', 'module'],
  ['cjs', 'commonjs'],
]) {
  execFileSync(process.execPath, [tsc, '-p', join(root, `tsconfig.build.${format}.json`)], { cwd: root, stdio: 'inherit' });
  writeFileSync(join(dist, format, 'package.json'), `${JSON.stringify({ type, sideEffects: false }, null, 2)}\n`);
}
chmodSync(join(dist, 'cjs', 'node', 'cli', 'bin.js'), 0o755);
