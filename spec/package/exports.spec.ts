/**
 * The published shape: plain Node scripts, outside jest and ts-jest, load
 * both entries by package name through the exports map of the build — the
 * ES module build for `import`, the CommonJS one for `require`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(dir, name));
}

/** Where a built file uses `require` or `import.meta` (in code, not in comments), as `file: text` lines. */
function moduleSystemUses(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const isRequire = ts.isIdentifier(node) && node.text === 'require' && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node);
    const isImportMeta = ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword;
    if (isRequire || isImportMeta) found.push(`${file}: ${node.getText(source)}`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('package exports', () => {
  beforeAll(() => {
    for (const file of ['esm/index.js', 'esm/node/index.js', 'cjs/index.js', 'cjs/node/index.js']) {
      if (!existsSync(join(dist, file))) throw new Error(`dist/${file} is missing: run \`npm run build\` first (\`npm test\` builds before running jest)`);
    }
  });

  const coreNames = ['NewlineFramer', 'BitcoinFramer', 'JSONRPCv2', 'JSONRPCConnection', 'NetAddress', 'TaskGroup'];
  const nodeOnly = ['connectRs', 'serveRs', 'connectWs', 'serveWs', 'SOCKSProxy'];

  function expectEntries(core: string[], node: string[]): void {
    for (const name of coreNames) {
      expect(core).toContain(name);
      expect(node).toContain(name);
    }
    for (const name of nodeOnly) {
      expect(node).toContain(name);
      expect(core).not.toContain(name);
    }
  }

  it('require()s rxrpcx and rxrpcx/node by name, from the CommonJS build', () => {
    const out = runNode([
      '-e',
      `const core = require('rxrpcx'); const node = require('rxrpcx/node');
       console.log(JSON.stringify({ core: Object.keys(core), node: Object.keys(node),
         files: [require.resolve('rxrpcx'), require.resolve('rxrpcx/node')] }));`,
    ]);
    const { core, node, files } = JSON.parse(out) as { core: string[]; node: string[]; files: string[] };
    expectEntries(core, node);
    expect(files).toEqual([join(dist, 'cjs', 'index.js'), join(dist, 'cjs', 'node', 'index.js')]);
  });

  it('imports rxrpcx and rxrpcx/node by name from an ES module, from the ES module build', () => {
    const out = runNode([
      '--input-type=module',
      '-e',
      `import * as core from 'rxrpcx'; import * as node from 'rxrpcx/node';
       import { fileURLToPath } from 'node:url';
       console.log(JSON.stringify({ core: Object.keys(core), node: Object.keys(node),
         files: [import.meta.resolve('rxrpcx'), import.meta.resolve('rxrpcx/node')].map((url) => fileURLToPath(url)) }));`,
    ]);
    const { core, node, files } = JSON.parse(out) as { core: string[]; node: string[]; files: string[] };
    expectEntries(core, node);
    expect(files).toEqual([join(dist, 'esm', 'index.js'), join(dist, 'esm', 'node', 'index.js')]);
  });

  it('marks each build with its module format (and sideEffects, read from the nearest package.json); the ES module build never uses require, the CommonJS one never import.meta', () => {
    expect(JSON.parse(readFileSync(join(dist, 'esm', 'package.json'), 'utf8'))).toEqual({ type: 'module', sideEffects: false });
    expect(JSON.parse(readFileSync(join(dist, 'cjs', 'package.json'), 'utf8'))).toEqual({ type: 'commonjs', sideEffects: false });
    expect(jsFiles(join(dist, 'esm')).flatMap(moduleSystemUses)).toEqual([]);
    const cjsUses = jsFiles(join(dist, 'cjs')).flatMap(moduleSystemUses);
    expect(cjsUses.filter((use) => use.endsWith('import.meta'))).toEqual([]);
    expect(cjsUses.length).toBeGreaterThan(0); // the check sees CommonJS's require at all
  });

  // prom-client is an optional peer dependency, found from the package's own files in either build.
  it.each([
    ['CommonJS', ['-e'], `const node = require('rxrpcx/node');`],
    ['ES module', ['--input-type=module', '-e'], `import * as node from 'rxrpcx/node'; import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);`],
  ])('loads prom-client only when metrics are asked for (%s)', (_format, flags, load) => {
    const out = runNode([
      ...flags,
      `${load}
       const loaded = () => Object.keys(require.cache).some((file) => file.includes('/node_modules/prom-client/'));
       const before = loaded();
       node.prometheusMetrics({ stats: () => ({ errorReplies: {}, cost: {} }) }).remove();
       console.log(JSON.stringify({ before, after: loaded() }));`,
    ]);
    expect(JSON.parse(out)).toEqual({ before: false, after: true });
  });

  it('ships type declarations beside both builds', () => {
    for (const format of ['esm', 'cjs']) {
      expect(existsSync(join(dist, format, 'index.d.ts'))).toBe(true);
      expect(existsSync(join(dist, format, 'node', 'index.d.ts'))).toBe(true);
    }
  });

  it('runs the command line from either build; the bin is executable', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    for (const format of ['esm', 'cjs']) {
      expect(runNode([join(dist, format, 'node', 'cli', 'bin.js'), '--version']).trim()).toBe(version);
    }
    const { bin } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(statSync(join(root, bin['rxrpcx']!)).mode & 0o111).not.toBe(0);
  });
});
