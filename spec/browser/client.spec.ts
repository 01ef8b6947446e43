/**
 * The browser example (examples/browser/) in headless Chromium: the page is
 * the example's own index.html and main.ts, bundled by the harness, talking
 * to the example's echo-and-subscribe server (serveWs in this process). The
 * test reads what the page shows — `body[data-status]`, `#details`,
 * `#counter`, `#subscribed`, `#echoed` and the `#log` lines — and drives it as
 * a user would (the echo form) or as the browser would (an `online` event).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { serveWs } from 'rxrpcx/node';
import { echoAndSubscribeFactory } from '../../examples/echoAndSubscribe';
import { nextSession, runCleanups, trackServer } from '../node/sessions/sessionHelpers';
import { launchChromium, openPage, type TestPage } from './browserHarness';

let browser: Browser | undefined;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(runCleanups);

const exampleDir = join(__dirname, '..', '..', 'examples', 'browser');

/** The example page, as `npm run example:browser` serves it, with these query parameters. */
function openExample(query: Record<string, string>): Promise<TestPage> {
  return openPage(browser!, join(exampleDir, 'main.ts'), {
    html: readFileSync(join(exampleDir, 'index.html'), 'utf8'),
    script: 'main.js',
    query,
  });
}

/** What the page shows. */
interface View {
  readonly status: string;
  readonly details: string;
  readonly counter: string;
  readonly subscribed: string;
  readonly echoed: string;
  /** The log's lines, without their time. */
  readonly log: readonly string[];
}

function readView(example: TestPage): Promise<View> {
  return example.page.evaluate(() => {
    const text = (id: string): string => document.getElementById(id)?.textContent ?? '';
    return {
      status: document.body.dataset['status'] ?? '',
      details: text('details'),
      counter: text('counter'),
      subscribed: text('subscribed'),
      echoed: text('echoed'),
      log: Array.from(document.querySelectorAll('#log li'), (item) => {
        const line = item.textContent ?? '';
        return line.slice(line.indexOf('  ') + 2);
      }),
    };
  });
}

/** Polls the page until `check` holds; fails after `ms` with what the page showed last. */
async function waitFor(example: TestPage, check: (view: View) => boolean, what: string, ms = 5000): Promise<View> {
  const deadline = Date.now() + ms;
  for (;;) {
    const view = await readView(example);
    if (check(view)) return view;
    if (Date.now() > deadline) {
      throw new Error(`the page did not show ${what} within ${ms} ms; it shows ${JSON.stringify(view, null, 2)}; problems: ${example.problems.join('\n')}`);
    }
    // Wait for the page to change, checked at the browser's animation frames.
    const snapshot = await example.page.evaluate(() => `${document.body.dataset['status']}|${document.body.textContent}`);
    await example.page
      .waitForFunction((before) => `${document.body.dataset['status']}|${document.body.textContent}` !== before, snapshot, {
        polling: 'raf', // the page's own frames, not a clock here
        timeout: Math.max(1, deadline - Date.now()),
      })
      .catch(() => undefined);
  }
}

/**
 * The page's problems, but for Chromium's own line for each refused attempt
 * ("WebSocket connection to '…' failed: … ERR_CONNECTION_REFUSED"), which no
 * page code can prevent and which the client's reconnecting is about.
 */
const problemsBesidesRefused = (example: TestPage, url: string): string[] =>
  example.problems.filter((line) => !(line.startsWith(`console.error: WebSocket connection to '${url}/' failed: `) && line.endsWith('net::ERR_CONNECTION_REFUSED')));

const counterAtLeast = (view: View, n: number): boolean => /^\d+$/.test(view.counter) && Number(view.counter) >= n;
/** The status words of the log's state lines, in order. */
const statuses = (view: View): string[] =>
  view.log.flatMap((line) => /^(connecting|open|reconnecting|closed) /.exec(line)?.[1] ?? []);

describe('the browser example (examples/browser) in Chromium', () => {
  it('shows the state and a live counter, and goes on across a server restart, answering an echo sent while down', async () => {
    const first = trackServer(await serveWs(echoAndSubscribeFactory, '127.0.0.1', 0));
    const port = first.address.port;
    const url = `ws://127.0.0.1:${port}`;
    const example = await openExample({ server: url, initialDelay: '0.1', maxDelay: '0.5' });

    let view = await waitFor(example, (v) => v.status === 'open' && counterAtLeast(v, 2), 'the counter at 2');
    expect(view.details).toBe(`to ${url}`);
    expect(view.subscribed).toBe('(subscribed 1×)');
    expect(view.log).toContain('subscribe → true');

    await first.close({ closeSessions: true });
    view = await waitFor(example, (v) => v.status === 'reconnecting', 'reconnecting');
    expect(view.details).toMatch(new RegExp(`^to ${url} in \\d+\\.\\d s, attempt \\d+ \\(.+\\)$`));

    // An echo while there is no server: it waits for the next session.
    await example.page.fill('#echo input', 'sent while down');
    await example.page.click('#echo button');
    view = await waitFor(example, (v) => v.log.some((line) => line.startsWith('echo("sent while down") sent while')), 'the echo sent');
    expect(view.log).toContainEqual(expect.stringMatching(/^echo\("sent while down"\) sent while (reconnecting|connecting)$/));
    expect(view.echoed).toBe('');

    // The server comes back on the same port: the client reconnects, subscribes again, the counter goes on.
    const second = trackServer(await serveWs(echoAndSubscribeFactory, '127.0.0.1', port));
    view = await waitFor(
      example,
      (v) => v.status === 'open' && v.subscribed === '(subscribed 2×)' && counterAtLeast(v, 2) && v.echoed !== '',
      'the second session counting and the echo answered',
    );
    expect(view.echoed).toBe('"sent while down"');
    expect(second.sessions.size).toBe(1);
    expect(view.log.filter((line) => line === 'subscribe → true')).toHaveLength(2);
    expect(view.log).not.toContainEqual(expect.stringMatching(/^(echo|subscription) failed/));
    expect(statuses(view).slice(0, 3)).toEqual(['connecting', 'open', 'reconnecting']);
    expect(statuses(view).at(-1)).toBe('open');
    expect(problemsBesidesRefused(example, url)).toEqual([]);
  });

  it('connects at once on a wake-up (the online event) instead of waiting out a long backoff', async () => {
    // A port nothing listens on, for now.
    const probe = await serveWs(echoAndSubscribeFactory, '127.0.0.1', 0);
    const port = probe.address.port;
    await probe.close();
    const url = `ws://127.0.0.1:${port}`;
    const example = await openExample({ server: url, initialDelay: '30', jitter: 'false' });

    let view = await waitFor(example, (v) => v.status === 'reconnecting', 'reconnecting');
    expect(view.details).toMatch(new RegExp(`^to ${url} in 30\\.0 s, attempt 2 \\(.+\\)$`));

    // The server is up, but the client waits out its 30 s…
    const server = trackServer(await serveWs(echoAndSubscribeFactory, '127.0.0.1', port));
    const accepted = nextSession(server);
    expect((await readView(example)).status).toBe('reconnecting');
    expect(server.sessions.size).toBe(0);

    // …until the browser says the network is back.
    const woken = Date.now();
    await example.page.evaluate(() => window.dispatchEvent(new Event('online')));
    await accepted;
    view = await waitFor(example, (v) => v.status === 'open' && v.subscribed === '(subscribed 1×)', 'open after the wake-up', 3000);
    expect(Date.now() - woken).toBeLessThan(3000);
    expect(view.details).toBe(`to ${url}`);
    expect(statuses(view)).toEqual(['connecting', 'reconnecting', 'connecting', 'open']);
    expect(problemsBesidesRefused(example, url)).toEqual([]);
  });
});
