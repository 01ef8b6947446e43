import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

/**
 * Runs a probe script (`spec/helpers/probes/<name>.probe.ts`) in a child
 * `node --expose-gc`, bundled with esbuild, and returns the JSON it prints
 * last. The child has a heap of its own, so a probe measures what it holds
 * after a full GC without the test runner's noise; it is killed after
 * `timeoutMs`.
 */
export async function runHeapProbe<T>(name: string, args: readonly string[] = [], timeoutMs = 60_000): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'rxrpcx-probe-'));
  try {
    const outfile = join(dir, `${name}.js`);
    buildSync({
      entryPoints: [join(__dirname, 'probes', `${name}.probe.ts`)],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile,
      logLevel: 'error',
      tsconfig: join(__dirname, '..', '..', 'tsconfig.json'),
    });
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--expose-gc', outfile, ...args], { timeout: timeoutMs }, (error, out, err) => {
        if (error) reject(new Error(`probe ${name} failed: ${error.message}\n${err}`));
        else resolve(out);
      });
    });
    const lines = stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1]!) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
