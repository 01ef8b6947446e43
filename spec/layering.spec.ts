/**
 * The layers of CONTRIBUTING.md ("Layers"), checked by reading imports: each layer
 * imports only the layers before it, there are no import cycles, and the core
 * entry never reaches Node built-ins, `ws` or `socks`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const libDir = join(__dirname, '..', 'lib');

/** Runtime order: a layer may import itself and the layers before it. */
const layers = ['util', 'framing', 'jsonrpc', 'tasks', 'transport', 'session', 'client', 'node', 'cli'] as const;
const packagesAllowed: Record<string, readonly string[]> = {
  core: ['rxjs', '@noble/hashes'],
  node: ['rxjs', '@noble/hashes', 'ws', 'socks', 'prom-client'],
  // The command line (lib/node/cli/) sits on top of everything; nothing imports it.
  cli: ['rxjs', '@noble/hashes', 'ws', 'socks', 'prom-client'],
};

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

interface Import {
  readonly specifier: string;
  readonly typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  // Comments hold TSDoc examples that import from 'rxrpcx'; they are not imports.
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const found: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    found.push({ specifier: m[3]!, typeOnly: Boolean(m[2]) });
  }
  for (const m of text.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push({ specifier: m[1]!, typeOnly: false });
  }
  return found;
}

function resolveLocal(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ''));
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  throw new Error(`${relative(libDir, from)}: cannot resolve ${specifier}`);
}

/** A file's layer: its folder under lib/, except that the command line (lib/node/cli/) is a layer of its own, on top. */
function layerOf(file: string): string {
  const rel = relative(libDir, file);
  if (rel.startsWith('node/cli/')) return 'cli';
  return rel.includes('/') ? rel.split('/')[0]! : 'root';
}

const files = listTs(libDir);

describe('layering', () => {
  it('each layer imports only itself and the layers before it', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      if (from === 'root') continue;
      for (const imp of importsOf(file)) {
        if (!imp.specifier.startsWith('.')) continue;
        const to = layerOf(resolveLocal(file, imp.specifier));
        if (to === 'root') {
          if (from !== 'node' && from !== 'cli') violations.push(`${relative(libDir, file)} imports the core entry`);
          continue;
        }
        const ok = layers.indexOf(to as (typeof layers)[number]) <= layers.indexOf(from as (typeof layers)[number]);
        if (!ok) violations.push(`${relative(libDir, file)} (${from}) imports ${imp.specifier} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('uses only the allowed packages, and Node built-ins only under lib/node (the command line included)', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = layerOf(file);
      const scope = layer === 'node' || layer === 'cli' ? layer : 'core';
      for (const { specifier } of importsOf(file)) {
        if (specifier.startsWith('.')) continue;
        if (specifier.startsWith('node:')) {
          if (scope === 'core') violations.push(`${relative(libDir, file)} imports ${specifier}`);
          continue;
        }
        const pkg = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (!packagesAllowed[scope]!.includes(pkg)) violations.push(`${relative(libDir, file)} imports ${specifier}`);
        if (specifier.startsWith('rxjs/internal')) violations.push(`${relative(libDir, file)} imports rxjs internals`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('has no import cycles between files', () => {
    const graph = new Map<string, string[]>();
    for (const file of files) {
      graph.set(
        file,
        importsOf(file)
          .filter((imp) => imp.specifier.startsWith('.') && !imp.typeOnly)
          .map((imp) => resolveLocal(file, imp.specifier)),
      );
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      const s = state.get(file);
      if (s === 'done') return;
      if (s === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(libDir, f)).join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('keeps the command line out of both entries: nothing outside lib/node/cli imports it', () => {
    const violations: string[] = [];
    for (const file of files) {
      if (layerOf(file) === 'cli') continue;
      for (const imp of importsOf(file)) {
        if (imp.specifier.startsWith('.') && layerOf(resolveLocal(file, imp.specifier)) === 'cli') violations.push(`${relative(libDir, file)} imports ${imp.specifier}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
