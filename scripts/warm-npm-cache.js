// Puts in npm's cache everything the tarball test's consumers install
// (spec/package/tarball.spec.ts): the package's dependencies and the rxjs
// versions of spec/package/consumers.json. The test runs in a network
// namespace with loopback only and installs with `npm install --offline`;
// this runs beforehand, from scripts/test-setup.sh, where the registry is
// reachable. With a warm cache it needs no network (--prefer-offline) and
// takes a second or two.
'use strict';
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const consumers = JSON.parse(readFileSync(join(root, 'spec', 'package', 'consumers.json'), 'utf8'));

// One scratch install of the lot; rxjs twice, under aliases, since a project holds one version per name.
const dependencies = { ...manifest.dependencies };
for (const [which, range] of Object.entries(consumers.rxjs)) dependencies[`rxjs-${which}`] = `npm:rxjs@${range}`;

const scratch = mkdtempSync(join(tmpdir(), 'rxrpcx-npm-cache-'));
try {
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'rxrpcx-cache-warmer', private: true, dependencies }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: scratch,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
