/**
 * The Angular example (examples/angular) builds with the Angular compiler, as
 * an app's build would compile it: `ngc` with `strictTemplates`, which
 * type-checks the component's template against the service's types and
 * compiles it to an Ivy definition. A small component whose template misreads
 * a field must fail with the same options, so the check is known to bite.
 * Both compiles run at once, each in a child process (output to a temporary
 * directory).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const example = join(root, 'examples', 'angular');
const compilerCli = join(root, 'node_modules', '@angular', 'compiler-cli');
const ngc = join(compilerCli, (JSON.parse(readFileSync(join(compilerCli, 'package.json'), 'utf8')) as { bin: { ngc: string } }).bin.ngc);

interface Run {
  readonly code: number;
  readonly output: string;
}

function runNgc(args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ngc, ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      // ngc colours its diagnostics; the assertions read plain text.
      resolve({ code, output: `${stdout}${stderr}`.replace(/\x1b\[[0-9;]*m/g, '') });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'rxrpcx-angular-'));
const outDir = join(dir, 'out');
let good: Run;
let broken: Run;

beforeAll(async () => {
  // A component whose template misreads its own field: the example's compiler
  // options (strictTemplates) must reject it. It imports nothing of the
  // example, so this second compile checks no more than the one file.
  writeFileSync(
    join(dir, 'broken.component.ts'),
    [
      "import { Component, signal } from '@angular/core';",
      '',
      "@Component({ selector: 'broken-tip', template: `Tip: block {{ tip().hieght }}` })",
      'export class BrokenTipComponent {',
      '  readonly tip = signal({ height: 0, hex: "" });',
      '}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(example, 'tsconfig.json'),
      // Outside the repository, so @angular/core resolves through paths.
      compilerOptions: { noEmit: true, rootDir: '/', paths: { '@angular/*': ['node_modules/@angular/*'] } },
      files: ['broken.component.ts'],
    }),
  );
  [good, broken] = await Promise.all([
    runNgc(['-p', join(example, 'tsconfig.json'), '--outDir', outDir]),
    runNgc(['-p', join(dir, 'tsconfig.json')]),
  ]);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Angular example, built with ngc', () => {
  it('compiles with strictTemplates and no diagnostics', () => {
    expect(good.output).toBe('');
    expect(good.code).toBe(0);
  });

  it('emits the component with its compiled template and factory', () => {
    const js = readFileSync(join(outDir, 'examples', 'angular', 'chain-tip.component.js'), 'utf8');
    expect(js).toMatch(/static ɵfac = /);
    expect(js).toMatch(/static ɵcmp = .*ɵɵdefineComponent\(\{ type: ChainTipComponent, selectors: \[\["chain-tip"\]\]/);
    // The template became instructions: the status text, the @if over the tip, and its height.
    expect(js).toContain('template: function ChainTipComponent_Template(rf, ctx)');
    expect(js).toContain('ɵɵtextInterpolate(ctx.status())');
    expect(js).toMatch(/ɵɵconditional\(\(tmp_\d+_\d+ = ctx\.tip\(\)\)/);
    expect(js).toContain('ɵɵtextInterpolate1("Tip: block ", ctx.height)');
  });

  it('emits the service as an injectable provided in root', () => {
    const js = readFileSync(join(outDir, 'examples', 'angular', 'electrum.service.js'), 'utf8');
    expect(js).toMatch(/static ɵprov = .*ɵɵdefineInjectable\(\{ token: ElectrumService, factory: ElectrumService\.ɵfac, providedIn: 'root' \}\)/);
  });

  it('with the same options, rejects a template that misreads a type', () => {
    expect(broken.code).not.toBe(0);
    expect(broken.output).toMatch(/broken\.component\.ts.*error TS2551: Property 'hieght' does not exist on type '\{ height: number; hex: string; \}'/);
  });
});
