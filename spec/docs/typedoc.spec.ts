/**
 * The API reference builds: typedoc, as `npm run docs` runs it (typedoc.json),
 * documents both entries with no warning — no undocumented export or public
 * member, no broken `{@link}`, no public signature naming a type the site
 * cannot show. It runs as a child process (typedoc is an ES module; jest here
 * runs CommonJS) into a temporary directory, so it never touches `dist-docs/`.
 * It skips typedoc's own type-check of lib/ (`npm test` has just compiled the
 * same tsconfig.build.json), which saves a fifth of its time: about 12 s of
 * CPU, mostly converting and rendering.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

interface Run {
  readonly code: number;
  readonly output: string;
}

function typedoc(out: string): Promise<Run> {
  const bin = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, '--out', out, '--skipErrorChecking'],
      { cwd: root, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        // Colour codes, in case a terminal setting gets through anyway.
        resolve({ code, output: `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '') });
      },
    );
  });
}

describe('typedoc', () => {
  let out: string;
  let run: Run;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'rxrpcx-docs-'));
    run = await typedoc(out);
  }, 120_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('is configured to fail on any warning, with the validations on', () => {
    const config = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as {
      entryPoints: string[];
      treatWarningsAsErrors?: boolean;
      validation?: Record<string, boolean>;
      plugin?: string[];
    };
    expect(config.entryPoints).toEqual(['lib/index.ts', 'lib/node/index.ts']);
    expect(config.treatWarningsAsErrors).toBe(true);
    expect(config.validation).toMatchObject({ notExported: true, invalidLink: true, notDocumented: true });
    // Constructor parameters are described by @param tags on the class, as lib/ writes them; the plugin moves and checks them.
    expect(config.plugin).toContain('./scripts/typedoc-constructor-params.mjs');
  });

  it('builds the site with no warning or error', () => {
    const problems = run.output.split('\n').filter((line) => /^\[(warning|error)\]/.test(line.trim()));
    expect(problems).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('has a page for each entry and for exports of each', () => {
    const pages = [
      'index.html',
      'modules/rxrpcx.html',
      'modules/rxrpcx_node.html',
      'classes/rxrpcx.RPCSession.html',
      'interfaces/rxrpcx.SessionOptions.html',
      'types/rxrpcx.JSONRecord.html',
      'classes/rxrpcx_node.SocketTransport.html',
      'functions/rxrpcx_node.serveRs.html',
    ];
    expect(pages.filter((page) => !existsSync(join(out, page)))).toEqual([]);
    // The Node entry's page names itself as a user imports it.
    expect(readFileSync(join(out, 'modules', 'rxrpcx_node.html'), 'utf8')).toContain('rxrpcx/node');
  });
});
