/**
 * The package as a user gets it: `npm pack`, then the tarball installed into
 * fresh consumer projects (offline, from npm's cache — scripts/test-setup.sh
 * fills it, since the suite runs without network), each typechecked with the
 * repository's TypeScript (`strict`, `skipLibCheck: false`) and run with node:
 *
 * - the main consumer, on the newest rxjs 7.x: ES modules and CommonJS
 *   (`nodenext`, one program: an `.mts` file that imports, a `.cts` one that
 *   `require`s), `node10` (`module: commonjs`), and `bundler` (then bundled by
 *   esbuild for the browser);
 * - the lowest consumer, on rxjs 7.5.x: ES modules.
 *
 * Each run encodes a request with a JSONRPCConnection, makes a serveRs /
 * connectRs round trip on 127.0.0.1 (a memory transport pair in the browser
 * bundle) with a server notification, checks that an Observable from rxrpcx is
 * the consumer's own RxJS, and, with no prom-client installed, that metrics
 * fail with MissingDependencyError.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';

const root = join(__dirname, '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
const consumerVersions = JSON.parse(readFileSync(join(__dirname, 'consumers.json'), 'utf8')) as { rxjs: { lowest: string; newest: string } };

jest.setTimeout(120_000);

interface Run {
  readonly ok: boolean;
  readonly output: string;
}

/** Runs a program to its end; never rejects (the output says what went wrong). */
function run(file: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, encoding: 'utf8', maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve({ ok: error === null, output: `${stdout}${stderr}`.trim() }),
    );
  });
}

async function mustRun(file: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await run(file, args, cwd);
  if (!result.ok) throw new Error(`${[file, ...args].join(' ')} failed in ${cwd}:\n${result.output}`);
  return result.output;
}

/** Writes `files` (relative path → text) under `dir`. */
function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/**
 * The consumer program's body, the same in every module mode; only its
 * imports differ. It prints one JSON line.
 */
const body = `
async function main(): Promise<void> {
  // The sans-I/O core: a request encoded by a JSONRPCConnection.
  const connection = new JSONRPCConnection(JSONRPCv2);
  const [message] = connection.sendRequest(new Request('add', [2, 3]));
  const encoded = new TextDecoder().decode(message);

  // A round trip on loopback, and a notification the server pushes.
  const factory = (transport: Transport, options: SessionFactoryOptions) =>
    new RPCSession(transport, { ...options, handlers: { add: (a: number, b: number) => a + b } });
  const server: SessionServer<RPCSession> = await serveRs(factory, '127.0.0.1', 0);
  const client = await connectRs('127.0.0.1', server.address.port, { timeout: 10 });
  const n$: Observable<Notification> = client.notifications$;
  const notified = firstValueFrom(n$);
  const sum = await client.sendRequest<number>('add', [2, 3]);
  for (const session of server.sessions) session.notify('tick', [sum]);
  const notification = await notified;
  const sameRxJS = client.request('add', [1, 1]) instanceof Observable && n$ instanceof Observable;

  // prom-client is an optional peer, not installed here.
  let metrics: unknown = 'loaded';
  try {
    prometheusMetrics(server);
  } catch (error) {
    metrics = error instanceof MissingDependencyError ? error.code : String(error);
  }
  await client.close();
  await server.close({ closeSessions: true });
  console.log(JSON.stringify({ encoded, sum, notification: [notification.method, notification.args], sameRxJS, metrics }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/** What every Node run prints. */
const expected = {
  encoded: '{"jsonrpc":"2.0","method":"add","id":0,"params":[2,3]}',
  sum: 5,
  notification: ['tick', [5]],
  sameRxJS: true,
  metrics: 'RXRPCX_ERR_MISSING_DEPENDENCY',
};

const coreNames = 'JSONRPCConnection, JSONRPCv2, Notification, RPCSession, Request, type Transport';
const nodeNames = 'MissingDependencyError, connectRs, prometheusMetrics, serveRs, type SessionFactoryOptions, type SessionServer';

/** The same program, imported as ES modules import. */
const esmSource = `import { Observable, firstValueFrom } from 'rxjs';
import { ${coreNames} } from 'rxrpcx';
import { ${nodeNames} } from 'rxrpcx/node';
${body}`;

/** A browser app: the core only, a memory transport pair instead of sockets. */
const bundlerSource = `import { Observable, firstValueFrom } from 'rxjs';
import { JSONRPCConnection, JSONRPCv2, Notification, RPCSession, Request, memoryTransportPair } from 'rxrpcx';
import type { SessionServer } from 'rxrpcx/node'; // the Node entry's types resolve under 'bundler' too

async function main(): Promise<void> {
  const connection = new JSONRPCConnection(JSONRPCv2);
  const [message] = connection.sendRequest(new Request('add', [2, 3]));
  const [clientEnd, serverEnd] = memoryTransportPair();
  const server = new RPCSession(serverEnd, { handlers: { add: (a: number, b: number) => a + b } });
  const client = new RPCSession(clientEnd);
  const n$: Observable<Notification> = client.notifications$;
  const notified = firstValueFrom(n$);
  const sum = await client.sendRequest<number>('add', [2, 3]);
  await server.sendNotification('tick', [sum]);
  const notification = await notified;
  const servers: SessionServer<RPCSession>[] = [];
  await client.close();
  await server.close();
  console.log(JSON.stringify({
    encoded: new TextDecoder().decode(message),
    sum,
    notification: [notification.method, notification.args],
    sameRxJS: client.request('add', [1, 1]) instanceof Observable,
    servers: servers.length,
  }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
`;

/**
 * A tsconfig: strict, every declaration file checked, output in out/. A Node
 * program gets no DOM library (a Node project's usual setting, and a third
 * less to check): the Node entry's types must not need it.
 */
function tsconfig(files: readonly string[], options: Record<string, unknown>): string {
  const compilerOptions = { target: 'es2022', lib: ['es2022'], strict: true, skipLibCheck: false, rootDir: 'src', outDir: 'out', ...options };
  return JSON.stringify({ compilerOptions, files }, null, 2);
}

/** Runs the tasks, at most `limit` at a time (tsc on every core is enough; more only adds memory). */
function limited(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/** Every file under `dir` named `name` (a package.json, say), in any node_modules depth. */
function findPackages(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.split('/').at(-2) === name && path.endsWith('/package.json') && path.split('/').at(-3) === 'node_modules')
    .map((path) => join(dir, path));
}

/** `npm install --offline`, or one line saying how to fill the cache. */
async function installOffline(dir: string): Promise<void> {
  const result = await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  if (result.ok) return;
  // A package npm never fetched: ENOTCACHED, or, for the rxjs peer, an ERESOLVE that found no version ("rxjs@undefined").
  if (/ENOTCACHED|only-if-cached|Found: \S+@undefined/.test(result.output)) {
    throw new Error("npm's cache lacks what the tarball consumers install offline: run `node scripts/warm-npm-cache.js` with network (`npm test` does, through scripts/test-setup.sh), then the tests again");
  }
  throw new Error(`npm install --offline failed in ${dir}:\n${result.output}`);
}

describe('the packed tarball in fresh consumer projects', () => {
  let work: string;
  let tarball: string;
  let packed: string[];
  const main = (): string => join(work, 'main');
  const lowest = (): string => join(work, 'lowest');
  /** Each consumer's checks, started together in beforeAll (two cores, several tsc runs), awaited by its test. */
  const checks = new Map<string, Promise<Run>>();

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist', 'esm', 'index.js')) || !existsSync(join(root, 'dist', 'cjs', 'index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` builds before running jest)');
    }
    work = mkdtempSync(join(tmpdir(), 'rxrpcx-tarball-'));
    // The build is already there (npm test builds first): pack it without prepack's second build.
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
    ) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, pack.filename);
    packed = pack.files.map((file) => file.path);

    const dependencies = (rxjs: string): Record<string, string> => ({ rxrpcx: `file:${tarball}`, rxjs });
    writeFiles(main(), {
      'package.json': JSON.stringify({ name: 'consumer-main', private: true, dependencies: dependencies(consumerVersions.rxjs.newest) }),
      'src/esm.mts': esmSource,
      'src/cjs.cts': esmSource
        .replace("import { Observable, firstValueFrom } from 'rxjs';", "import rxjs = require('rxjs');\nconst { Observable, firstValueFrom } = rxjs;\ntype Observable<T> = rxjs.Observable<T>;")
        .replace(`import { ${coreNames} } from 'rxrpcx';`, "import core = require('rxrpcx');\nconst { JSONRPCConnection, JSONRPCv2, RPCSession, Request } = core;\ntype Transport = core.Transport;\ntype Notification = core.Notification;\ntype RPCSession = core.RPCSession;")
        .replace(`import { ${nodeNames} } from 'rxrpcx/node';`, "import node = require('rxrpcx/node');\nconst { MissingDependencyError, connectRs, prometheusMetrics, serveRs } = node;\ntype SessionFactoryOptions = node.SessionFactoryOptions;\ntype SessionServer<S extends core.RPCSession> = node.SessionServer<S>;"),
      'src/node10.ts': esmSource,
      'src/bundler.ts': bundlerSource,
      'tsconfig.nodenext.json': tsconfig(['src/esm.mts', 'src/cjs.cts'], { module: 'nodenext', moduleResolution: 'nodenext' }),
      'tsconfig.node10.json': tsconfig(['src/node10.ts'], { module: 'commonjs', moduleResolution: 'node10' }),
      // A browser app: the default libraries, DOM included.
      'tsconfig.bundler.json': tsconfig(['src/bundler.ts'], { lib: undefined, module: 'esnext', moduleResolution: 'bundler', noEmit: true }),
    });
    writeFiles(lowest(), {
      'package.json': JSON.stringify({ name: 'consumer-lowest', private: true, dependencies: dependencies(consumerVersions.rxjs.lowest) }),
      'src/esm.mts': esmSource,
      'tsconfig.nodenext.json': tsconfig(['src/esm.mts'], { module: 'nodenext', moduleResolution: 'nodenext' }),
    });
    await Promise.all([installOffline(main()), installOffline(lowest())]);

    const slot = limited(2);
    const typecheck = (dir: string, mode: string): Promise<Run> =>
      slot(async () => {
        const checked = await run(process.execPath, [tsc, '-p', `tsconfig.${mode}.json`], dir);
        return checked.ok ? checked : { ok: false, output: `tsc -p tsconfig.${mode}.json:\n${checked.output}` };
      });
    const thenRun = async (checked: Promise<Run>, dir: string, program: () => Promise<string>): Promise<Run> =>
      (await checked).ok ? run(process.execPath, [await program()], dir) : checked;
    const nodenext = typecheck(main(), 'nodenext');
    checks.set('esm', thenRun(nodenext, main(), async () => 'out/esm.mjs'));
    checks.set('cjs', thenRun(nodenext, main(), async () => 'out/cjs.cjs'));
    checks.set('node10', thenRun(typecheck(main(), 'node10'), main(), async () => 'out/node10.js'));
    checks.set('lowest', thenRun(typecheck(lowest(), 'nodenext'), lowest(), async () => 'out/esm.mjs'));
    checks.set(
      'bundler',
      thenRun(typecheck(main(), 'bundler'), main(), async () => {
        const outfile = join(main(), 'out', 'bundle.mjs');
        await build({
          entryPoints: [join(main(), 'src', 'bundler.ts')],
          absWorkingDir: main(),
          tsconfig: join(main(), 'tsconfig.bundler.json'),
          bundle: true,
          platform: 'browser',
          format: 'esm',
          outfile,
          logLevel: 'silent',
        });
        return outfile;
      }),
    );
  });

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  async function expectRun(name: string, value: object): Promise<void> {
    const result = await checks.get(name)!;
    if (!result.ok) throw new Error(result.output);
    expect(JSON.parse(result.output.split('\n').at(-1)!)).toEqual(value);
  }

  it('holds both builds, their declarations, LICENSE, README, CHANGELOG, and source maps that carry their source', () => {
    for (const file of ['package.json', 'LICENSE', 'README.md', 'CHANGELOG.md']) expect(packed).toContain(file);
    for (const format of ['esm', 'cjs']) {
      for (const file of ['index.js', 'index.d.ts', 'index.js.map', 'node/index.js', 'node/index.d.ts', 'node/cli/bin.js', 'package.json']) {
        expect(packed).toContain(`dist/${format}/${file}`);
      }
    }
    expect(packed.filter((path) => !/^(dist\/(esm|cjs)\/|package\.json$|LICENSE$|README\.md$|CHANGELOG\.md$)/.test(path))).toEqual([]);
    // Every map embeds the source it maps to, so a debugger shows TypeScript without lib/ in the package.
    const installed = join(main(), 'node_modules', 'rxrpcx');
    const maps = packed.filter((path) => path.endsWith('.js.map'));
    expect(maps.length).toBe(packed.filter((path) => path.endsWith('.js') && !path.endsWith('.d.js')).length);
    const incomplete = maps.filter((path) => {
      const map = JSON.parse(readFileSync(join(installed, path), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      return map.sources.length === 0 || map.sourcesContent?.length !== map.sources.length || map.sourcesContent.some((text) => !text);
    });
    expect(incomplete).toEqual([]);
  });

  it('ships declarations that name only packages the consumer gets with it (no devDependency, no optional peer)', () => {
    const installed = join(main(), 'node_modules', 'rxrpcx');
    const allowed = new Set(['rxjs', ...Object.keys(manifest.dependencies)]);
    const named = new Set<string>();
    for (const path of packed.filter((file) => file.endsWith('.d.ts'))) {
      // TypeScript's own scan: imports, requires and type references, not the TSDoc examples' `from 'rxrpcx'`.
      const { importedFiles, typeReferenceDirectives } = ts.preProcessFile(readFileSync(join(installed, path), 'utf8'), true, true);
      for (const { fileName } of [...importedFiles, ...typeReferenceDirectives]) {
        if (fileName.startsWith('.') || fileName.startsWith('node:')) continue;
        named.add(fileName.startsWith('@') ? fileName.split('/').slice(0, 2).join('/') : fileName.split('/')[0]!);
      }
    }
    expect(named.has('rxjs')).toBe(true); // the scan sees imports at all
    expect([...named].filter((name) => !allowed.has(name))).toEqual([]);
  });

  it('typechecks and runs as ES modules (nodenext)', () => expectRun('esm', expected));

  it('typechecks and runs as CommonJS (nodenext, a .cts file that requires)', () => expectRun('cjs', expected));

  it('typechecks and runs under node10 resolution (module commonjs), rxrpcx/node found through typesVersions', () => expectRun('node10', expected));

  it('typechecks under bundler resolution, and an esbuild browser bundle of it runs', () => expectRun('bundler', { ...expected, metrics: undefined, servers: 0 }));

  it.each([
    ['the newest rxjs 7.x', 'main', 'esm'],
    ['rxjs 7.5.x, the lowest the peer range allows', 'lowest', 'lowest'],
  ])('on %s: one RxJS on disk, shared with rxrpcx (types and instanceof)', async (_name, dir, check) => {
    const project = join(work, dir);
    const copies = findPackages(project, 'rxjs').map((path) => relative(project, path));
    expect(copies).toEqual(['node_modules/rxjs/package.json']);
    const { version } = JSON.parse(readFileSync(join(project, 'node_modules', 'rxjs', 'package.json'), 'utf8')) as { version: string };
    if (dir === 'lowest') expect(version).toMatch(/^7\.5\./);
    await expectRun(check, expected);
  });

  it('installs the command line (bin)', async () => {
    expect((await mustRun(join(main(), 'node_modules', '.bin', 'rxrpcx'), ['--version'], main())).trim()).toBe(manifest.version);
  });
});
