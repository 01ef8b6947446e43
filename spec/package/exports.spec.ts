/**
 * The published shape: a plain Node script, outside jest and ts-jest, loads
 * both entries by package name through the exports map of the build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
}

describe('package exports', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(join(root, 'dist', 'node', 'index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` builds before running jest)');
    }
  });

  const coreNames = ['NewlineFramer', 'BitcoinFramer', 'JSONRPCv2', 'JSONRPCConnection', 'NetAddress', 'TaskGroup'];
  const nodeOnly = ['connectRs', 'serveRs', 'connectWs', 'serveWs', 'SOCKSProxy'];

  it('require()s rxrpcx and rxrpcx/node by name', () => {
    const out = runNode([
      '-e',
      `const core = require('rxrpcx'); const node = require('rxrpcx/node');
       console.log(JSON.stringify({ core: Object.keys(core), node: Object.keys(node) }));`,
    ]);
    const { core, node } = JSON.parse(out) as { core: string[]; node: string[] };
    for (const name of coreNames) {
      expect(core).toContain(name);
      expect(node).toContain(name);
    }
    for (const name of nodeOnly) expect(core).not.toContain(name);
  });

  it('imports rxrpcx and rxrpcx/node by name from an ES module', () => {
    const out = runNode([
      '--input-type=module',
      '-e',
      `import * as core from 'rxrpcx'; import * as node from 'rxrpcx/node';
       import { NewlineFramer } from 'rxrpcx';
       console.log(JSON.stringify({ core: Object.keys(core), node: Object.keys(node), framer: typeof NewlineFramer }));`,
    ]);
    const { core, node, framer } = JSON.parse(out) as { core: string[]; node: string[]; framer: string };
    expect(framer).toBe('function');
    for (const name of coreNames) {
      expect(core).toContain(name);
      expect(node).toContain(name);
    }
  });

  it('loads prom-client (an optional peer dependency) only when metrics are asked for', () => {
    const out = runNode([
      '-e',
      `const loaded = () => Object.keys(require.cache).some((file) => file.includes('/node_modules/prom-client/'));
       const node = require('rxrpcx/node');
       const before = loaded();
       node.prometheusMetrics({ stats: () => ({ errorReplies: {}, cost: {} }) }).remove();
       console.log(JSON.stringify({ before, after: loaded() }));`,
    ]);
    expect(JSON.parse(out)).toEqual({ before: false, after: true });
  });

  it('ships type declarations for both entries', () => {
    expect(existsSync(join(root, 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(root, 'dist', 'node', 'index.d.ts'))).toBe(true);
  });
});
