/**
 * The Angular example (examples/angular) builds with the Angular compiler, as
 * an app's build would compile it: `ngc` with `strictTemplates`, which
 * type-checks the component's template against the service's types and
 * compiles it to an Ivy definition. A copy with a template that misreads the
 * tip must fail the same build, so the check is known to bite. Both compiles
 * run at once, each in a child process writing to a temporary directory.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const example = join(root, 'examples', 'angular');
const ngc = join(root, 'node_modules', '@angular', 'compiler-cli', 'bundles', 'src', 'bin', 'ngc.js');

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
  // A component that reads `tip.hieght`: strictTemplates must reject it.
  const component = readFileSync(join(example, 'chain-tip.component.ts'), 'utf8')
    .replace('{{ tip.height }}', '{{ tip.hieght }}')
    .replace("from './electrum.service'", `from ${JSON.stringify(join(example, 'electrum.service'))}`);
  expect(component).toContain('tip.hieght');
  writeFileSync(join(dir, 'broken.component.ts'), component);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(example, 'tsconfig.json'),
      // Outside the repository, so @angular/* resolves by the same paths as rxrpcx.
      compilerOptions: { noEmit: true, rootDir: '/', paths: { rxrpcx: ['lib/index.ts'], '@angular/*': ['node_modules/@angular/*'] } },
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

  it('rejects a template that misreads the service’s types', () => {
    expect(broken.code).not.toBe(0);
    expect(broken.output).toMatch(/error TS2551: Property 'hieght' does not exist on type 'HeaderNotification'/);
  });
});
