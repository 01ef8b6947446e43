/**
 * The browser harness itself: it refuses Node-only imports at bundle time,
 * fails loudly without Chromium, serves only what it was given, and notices a
 * page's console errors, uncaught errors and failed runs — so a browser
 * test's `expect(page.problems).toEqual([])` means something.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { runCleanups } from '../node/sessions/sessionHelpers';
import { bundleForBrowser, launchChromium, openPage, pageEntry, servePage } from './browserHarness';

let browser: Browser | undefined;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(runCleanups);

describe('bundleForBrowser', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rxrpcx-bundle-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const entry = (name: string, source: string): string => {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, source);
    return file;
  };

  it("bundles 'rxrpcx' from the ES module build", async () => {
    const text = await bundleForBrowser(entry('core', "import { RPCSession } from 'rxrpcx';\nconsole.log(typeof RPCSession);\n"));
    // esbuild marks each module with its path; a bare match keeps the 600 kB bundle out of failure output.
    expect(text.includes('// dist/esm/session/RPCSession.js')).toBe(true);
    expect(/require\(["']/.test(text)).toBe(false);
  });

  it.each([
    ['rxrpcx/node', /rxrpcx\/node is not browser-safe/],
    ['ws', /ws is a Node-only package/],
    ['node:net', /node:net/],
  ])('fails the build of a page importing %s', async (specifier, message) => {
    const file = entry(`imports-${specifier.replace(/\W/g, '-')}`, `import * as m from '${specifier}';\nconsole.log(m);\n`);
    await expect(bundleForBrowser(file)).rejects.toThrow(message);
  });
});

describe('servePage', () => {
  it('serves index.html at / and the given files, and 404 for anything else', async () => {
    const served = await servePage({ 'index.html': '<p>hi</p>', 'a.js': 'x = 1' });
    try {
      const index = await fetch(served.url);
      expect(index.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await index.text()).toBe('<p>hi</p>');
      expect(await (await fetch(`${served.url}a.js?v=1`)).text()).toBe('x = 1');
      expect((await fetch(`${served.url}missing.js`)).status).toBe(404);
    } finally {
      await served.close();
    }
  });
});

describe('launchChromium', () => {
  it('fails with the install hint when the browser is missing', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(/apt-get install -y chromium/);
  });
});

describe('openPage', () => {
  it("records the page's console errors and uncaught errors", async () => {
    const page = await openPage(browser!, pageEntry('problemPage'));
    expect(await page.result()).toBe('reported');
    expect(page.problems).toEqual([
      'console.error: deliberate console error',
      expect.stringMatching(/^uncaught: Error: deliberate uncaught error/),
    ]);
  });

  it("rejects result() with the page's error when its run fails", async () => {
    const page = await openPage(browser!, pageEntry('failingPage'));
    await expect(page.result()).rejects.toMatchObject({
      message: expect.stringMatching(/^the page failed: ConnectError \[RXRPCX_ERR_CONNECT\]: deliberate failure/),
      pageError: { name: 'ConnectError', code: 'RXRPCX_ERR_CONNECT' },
    });
  });

  it('unlessPageFails() rejects with the page\'s error instead of waiting on', async () => {
    const page = await openPage(browser!, pageEntry('failingPage'));
    await expect(page.unlessPageFails(new Promise(() => undefined))).rejects.toThrow(/^the page failed: ConnectError/);
    expect(await page.unlessPageFails(Promise.resolve('settled'))).toBe('settled');
  });

  it('rejects result() when the page never reports, saying so', async () => {
    const page = await openPage(browser!, pageEntry('failingPage'), { timeout: 200 });
    await page.page.evaluate(() => delete window.__rxrpcxReport);
    await expect(page.result()).rejects.toThrow(/did not report within 200 ms/);
  });
});
