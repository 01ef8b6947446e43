/**
 * Pushing to every live session from a timer, without awaiting, while 20
 * clients reset mid-push (`pushScenario.ts`, run as its own Node process:
 * Jest catches unhandled rejections itself, so a probe inside a test would
 * see none either way). With `notify()` there is no unhandled rejection; the
 * same server with `sendNotification()` not awaited has them — in a default
 * process the first one ends it — which shows the probe can fail.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';

const run = promisify(execFile);
let dir: string;
let script: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rxrpcx-push-'));
  script = join(dir, 'pushScenario.js');
  buildSync({ entryPoints: [join(__dirname, 'pushScenario.ts')], bundle: true, platform: 'node', outfile: script, logLevel: 'silent' });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  readonly rejections: number;
  readonly names: string[];
  readonly sessions: number;
  readonly live: number;
}

async function scenario(...args: string[]): Promise<Outcome> {
  const { stdout } = await run(process.execPath, [script, ...args], { timeout: 15_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Outcome;
}

describe('pushing to every live session while 20 clients reset mid-push (TCP, own process)', () => {
  it('with notify(): no unhandled rejection', async () => {
    expect(await scenario('notify', 'probe')).toEqual({ rejections: 0, names: [], sessions: 20, live: 0 });
  });

  it('with notify() and no listener: the process runs to the end', async () => {
    expect(await scenario('notify')).toMatchObject({ rejections: 0, sessions: 20 });
  });

  it('with sendNotification() not awaited: the rejections exist (the probe can fail)', async () => {
    const outcome = await scenario('sendNotification', 'probe');
    expect(outcome.rejections).toBeGreaterThan(0);
    expect(outcome.names.every((name) => name.startsWith('ConnectionError: '))).toBe(true);
  });

  it('with sendNotification() not awaited and no listener: the first rejection ends the process', async () => {
    const failure = (await run(process.execPath, [script, 'sendNotification'], { timeout: 15_000 }).then(
      () => undefined,
      (error: unknown) => error,
    )) as { code?: number; stderr?: string } | undefined;
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('ConnectionError');
  });
});
