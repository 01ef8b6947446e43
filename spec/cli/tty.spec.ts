/**
 * The CLI on a terminal, under a pseudo-terminal (`script` from util-linux):
 * indented, coloured JSON on stdout and a spinner with elapsed time on stderr
 * while a reply is slow; none of it when piped or with NO_COLOR.
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { unlessSettled } from '../helpers/deadline';
import { CLI, FIXTURES, assertBuilt, runCli, startServe, type CliProcess } from './cliHarness';

let server: { readonly cli: CliProcess; readonly urls: Record<string, string> };

beforeAll(async () => {
  assertBuilt();
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('the TTY specs need script(1): apt-get install -y util-linux');
  }
  server = await startServe(['--tcp', '0', join(FIXTURES, 'methods.mjs')]);
});

afterAll(async () => {
  await server?.cli.stop();
});

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

/** The CLI on a pseudo-terminal: what the terminal has got so far, a wait for a pattern in it, and everything once it exits. */
interface Terminal {
  readonly closed: Promise<string>;
  shows(pattern: RegExp): Promise<void>;
}

/** Runs the CLI with stdout and stderr on a pseudo-terminal; resolves with what the terminal got. */
function onTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return startTerminal(args, env).closed;
}

function startTerminal(args: readonly string[], env: NodeJS.ProcessEnv = {}): Terminal {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const childEnv = { ...process.env, ...env };
  delete childEnv.FORCE_COLOR;
  // A person's terminal: under CI=true Node reports a 2-colour terminal (tty.getColorDepth), so the CLI rightly prints no colour.
  delete childEnv.CI;
  if (env.NO_COLOR === undefined) delete childEnv.NO_COLOR;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { ...childEnv, TERM: 'xterm-256color' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  const watchers = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    for (const watcher of [...watchers]) watcher();
  });
  const closed = unlessSettled(
    new Promise<string>((resolve) => child.once('close', () => resolve(text))),
    15_000,
    () => child.kill('SIGKILL'),
  );
  const shows = (pattern: RegExp): Promise<void> => {
    let check = (): void => undefined;
    const seen = new Promise<void>((resolve, reject) => {
      check = () => (pattern.test(text) ? resolve() : undefined);
      closed.then(() => reject(new Error(`the terminal closed before showing ${pattern}:\n${text}`)), reject);
      check();
    });
    watchers.add(check);
    return seen.finally(() => watchers.delete(check));
  };
  return { closed, shows };
}

const SPINNER_FRAME = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (\u001b\[2m)?waiting for hold {2}0\.\ds/;

const ESC = '\u001b';

describe('on a terminal', () => {
  it('prints indented, coloured JSON', async () => {
    const text = await onTerminal(['call', server.urls.tcp!, 'echo', '{"a":[1,"x",null]}']);
    expect(text).toContain(`${ESC}[36m"a"${ESC}[39m`); // a key, cyan
    expect(text).toContain(`${ESC}[32m"x"${ESC}[39m`); // a string, green
    expect(text).toContain(`${ESC}[33m1${ESC}[39m`); // a number, yellow
    expect(text.replace(/\u001b\[\d+m/g, '')).toBe('{\r\n  "a": [\r\n    1,\r\n    "x",\r\n    null\r\n  ]\r\n}\r\n');
  });

  it('draws a spinner with the elapsed time on stderr while the reply is slow, then erases it', async () => {
    // The reply comes only once the spinner is on the terminal.
    const terminal = startTerminal(['call', server.urls.tcp!, 'hold', '1']);
    await terminal.shows(SPINNER_FRAME);
    expect(await runCli(['call', server.urls.tcp!, 'release', '1', '0.6'])).toMatchObject({ code: 0, stdout: 'true\n' });
    const text = await terminal.closed;
    expect(text).toMatch(SPINNER_FRAME);
    // readline.cursorTo(0) + clearLine(0) before each frame and before the answer
    expect(text).toContain(`${ESC}[1G${ESC}[2K`);
    expect(text.replace(/\u001b\[\d*[A-Za-z]/g, '').split(/\r\n/).pop()).toBe('');
    expect(text).toMatch(/\u001b\[2K\u001b\[33m0\.6\u001b\[39m\r\n$/);
  });

  it('leaves colour out with NO_COLOR, and keeps the indentation', async () => {
    const text = await onTerminal(['call', server.urls.tcp!, 'echo', '{"a":1}'], { NO_COLOR: '1' });
    expect(text).toBe('{\r\n  "a": 1\r\n}\r\n');
  });

  it('colours errors on stderr', async () => {
    const text = await onTerminal(['call', server.urls.tcp!, 'nope']);
    expect(text).toContain(`${ESC}[31merror:${ESC}[39m RPCError -32601`);
  });
});

describe('piped', () => {
  it('prints compact JSON, no escape codes and no spinner, even for a slow reply', async () => {
    // Slow: the reply waits until a twin call, started after it on a terminal, shows its spinner.
    const piped = runCli(['call', server.urls.tcp!, 'hold', '2']);
    const twin = startTerminal(['call', server.urls.tcp!, 'hold', '3']);
    await twin.shows(SPINNER_FRAME);
    await runCli(['call', server.urls.tcp!, 'release', '2', '0.4']);
    await runCli(['call', server.urls.tcp!, 'release', '3', '0']);
    await twin.closed;
    const result = await piped;
    expect(result).toMatchObject({ code: 0, stdout: '0.4\n', stderr: '' });
    expect((await runCli(['call', server.urls.tcp!, 'echo', '{"a":[1]}'])).stdout).toBe('{"a":[1]}\n');
  });

  it('colours when FORCE_COLOR asks, even piped', async () => {
    expect((await runCli(['call', server.urls.tcp!, 'echo', '{"a":1}'], { env: { FORCE_COLOR: '1' } })).stdout).toContain(`${ESC}[36m"a"`);
  });
});
