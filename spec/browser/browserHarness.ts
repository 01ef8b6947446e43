/**
 * Real-browser tests: Debian's headless Chromium driven by playwright-core.
 *
 * A test bundles a page entry (`spec/browser/pages/*.ts`, which imports
 * 'rxrpcx' — the browser-safe core, as shipped: the ES module build in
 * dist/esm — and reports through `pageKit.report`),
 * serves it from a loopback HTTP server, opens it in a fresh browser context
 * and reads what the page reported:
 *
 * ```ts
 * let browser: Browser;
 * beforeAll(async () => void (browser = await launchChromium()));
 * afterAll(() => browser?.close());
 * afterEach(runCleanups);
 *
 * it('…', async () => {
 *   const page = await openPage(browser, pageEntry('sessionPage'), { query: { ws: url } });
 *   expect(await page.result()).toEqual({ … });
 *   expect(page.problems).toEqual([]);
 * });
 * ```
 *
 * `openPage` registers its own cleanup (context and HTTP server) with the
 * session helpers' `defer`, so `afterEach(runCleanups)` closes it.
 */
import { build, type Plugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { defer } from '../node/sessions/sessionHelpers';
import type { PageReport } from './pages/pageKit';

const root = join(__dirname, '..', '..');

/** The Chromium the tests drive: Debian's package, or RXRPCX_CHROMIUM. */
export const chromiumPath = process.env['RXRPCX_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Launch flags. The background-networking ones matter: without them Chromium
 * dials out at start (updates, sync, field trials) and this machine's closed
 * network refuses it; inside the loopback-only namespace it would fail anyway.
 */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The path of a page entry under spec/browser/pages, by base name. */
export function pageEntry(name: string): string {
  return join(__dirname, 'pages', `${name}.ts`);
}

/** The core entry of the ES module build, what a browser app's bundler picks from the package. */
export const esmEntry = join(root, 'dist', 'esm', 'index.js');

/**
 * Resolves 'rxrpcx' to the ES module build's core entry, and refuses what a
 * page must never pull in: 'rxrpcx/node' (and any other subpath), 'ws' and
 * 'socks'.
 */
const browserOnly: Plugin = {
  name: 'rxrpcx-browser-only',
  setup(builder) {
    builder.onResolve({ filter: /^rxrpcx(\/.*)?$/ }, (args) => {
      if (args.path === 'rxrpcx') return { path: esmEntry };
      return { errors: [{ text: `${args.path} is not browser-safe: a browser page imports 'rxrpcx' only` }] };
    });
    builder.onResolve({ filter: /^(ws|socks)(\/.*)?$/ }, (args) => ({
      errors: [{ text: `${args.path} is a Node-only package: a browser page cannot import it` }],
    }));
  },
};

/**
 * Bundles a page entry for the browser (esbuild, platform 'browser', one IIFE
 * with everything inlined; no source map, since page stacks reach the test
 * unmapped anyway and esbuild's `// dist/esm/…` module comments locate code).
 * 'rxrpcx' is the ES module build (dist/esm, made by `npm run build`; a
 * clear error if it is missing); importing 'rxrpcx/node', 'ws', 'socks' or a
 * `node:` built-in fails the build, and the rejection lists esbuild's messages.
 */
export async function bundleForBrowser(entryFile: string): Promise<string> {
  if (!existsSync(esmEntry)) {
    throw new Error(`browser pages bundle the ES module build, and ${esmEntry} is missing: run npm run build first (npm test builds before running jest)`);
  }
  const result = await build({
    entryPoints: [entryFile],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [browserOnly],
  });
  return result.outputFiles[0]!.text;
}

const bundles = new Map<string, Promise<string>>();

/** {@link bundleForBrowser}, once per entry file per test file (sources do not change during a run). */
function bundleOnce(entryFile: string): Promise<string> {
  let bundle = bundles.get(entryFile);
  if (bundle === undefined) {
    bundle = bundleForBrowser(entryFile);
    bundles.set(entryFile, bundle);
    bundle.catch(() => bundles.delete(entryFile));
  }
  return bundle;
}

/** A running static HTTP server. */
export interface ServedPage {
  /** `http://127.0.0.1:<port>/`: the index.html. */
  readonly url: string;
  /** Stops the server, dropping kept-alive connections. */
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css',
};

/**
 * Serves `files` (path without the leading slash → content) from 127.0.0.1
 * on a free port; '/' is 'index.html'. Anything else is 404, and only GET
 * and HEAD are answered.
 */
export async function servePage(files: Record<string, string | Uint8Array>): Promise<ServedPage> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname.slice(1) || 'index.html';
    const body = Object.prototype.hasOwnProperty.call(files, path) ? files[path] : undefined;
    if (body === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': contentTypes[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * Launches headless Chromium (a fresh temporary profile, which Playwright
 * removes on close). Fails — never skips — when the browser is missing.
 * Close the browser in `afterAll`.
 */
export async function launchChromium(executablePath = chromiumPath): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(`browser tests need Chromium at ${executablePath}: apt-get install -y chromium (or set RXRPCX_CHROMIUM to another Chromium)`);
  }
  return chromium.launch({ executablePath, headless: true, args: [...chromiumArgs], timeout: 10_000 });
}

/**
 * Records a page's console errors and uncaught errors, as lines, in the array
 * returned (which fills as they happen). Assert it is empty at the end.
 */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('crash', () => problems.push('the page crashed'));
  return problems;
}

/** The HTML page that runs one bundle. The empty icon stops a favicon 404 in the console. */
export function indexHtml(script = 'page.js'): string {
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>rxrpcx</title></head><body><script src="${script}"></script></body></html>`;
}

/** Options of {@link openPage}. */
export interface OpenPageOptions {
  /** Query-string parameters of the page's URL (read with pageKit's `queryParam`). */
  readonly query?: Record<string, string>;
  /** Milliseconds {@link TestPage.result} waits for the report. @default 10000 */
  readonly timeout?: number;
  /** The page's own index.html (an example's, say), loading the bundle as `script`. @default {@link indexHtml}(script) */
  readonly html?: string;
  /** The path the bundle is served at. @default 'page.js' */
  readonly script?: string;
}

/** A page opened by {@link openPage}. */
export interface TestPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** The page's URL, query included. */
  readonly url: string;
  /** Console errors and uncaught errors so far (see {@link collectProblems}). */
  readonly problems: string[];
  /**
   * Waits for the page's `report` and returns its value; rejects with the
   * page's error (name, code, message, page stack) if the run failed, or
   * with the problems seen if no report came in time.
   */
  result<T = unknown>(): Promise<T>;
  /**
   * `promise`, unless the page's run fails first: then rejects as
   * {@link result} does. Wrap test-side waits that depend on the page (a
   * server's next session, say), so a page that fails shows its error at once
   * rather than a jest timeout.
   */
  unlessPageFails<T>(promise: Promise<T>): Promise<T>;
  /** The raw report, or undefined if the page has not reported yet. */
  peekReport(): Promise<PageReport | undefined>;
  /** Closes the context and the HTTP server (also done by `runCleanups`). */
  close(): Promise<void>;
}

/**
 * Bundles `entryFile`, serves it with an index.html, opens it in a fresh
 * context of `browser` and waits for the load event (the bundle has run its
 * synchronous part by then). The page is closed by `runCleanups`, or earlier
 * by `close()`.
 */
export async function openPage(browser: Browser, entryFile: string, options: OpenPageOptions = {}): Promise<TestPage> {
  const bundle = await bundleOnce(entryFile);
  const script = options.script ?? 'page.js';
  const served = await servePage({ 'index.html': options.html ?? indexHtml(script), [script]: bundle });
  let context: BrowserContext | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        await context?.close();
      } finally {
        await served.close();
      }
    })());
  defer(close);
  context = await browser.newContext();
  const page = await context.newPage();
  const problems = collectProblems(page);
  const query = new URLSearchParams(options.query ?? {}).toString();
  const url = query ? `${served.url}?${query}` : served.url;
  await page.goto(url, { waitUntil: 'load', timeout: 10_000 });
  const timeout = options.timeout ?? 10_000;
  const peekReport = () => page.evaluate(() => window.__rxrpcxReport);
  const testPage: TestPage = {
    page,
    context,
    url,
    problems,
    peekReport,
    close,
    unlessPageFails<T>(promise: Promise<T>): Promise<T> {
      const failed = new Promise<never>((_resolve, reject) => {
        page
          .waitForFunction(() => window.__rxrpcxReport?.ok === false, undefined, { timeout: 0, polling: 50 })
          .then(() => testPage.result(), () => undefined) // the page closed first: nothing to report
          .then(() => undefined, reject);
      });
      return Promise.race([promise, failed]);
    },
    async result<T>(): Promise<T> {
      try {
        await page.waitForFunction(() => window.__rxrpcxReport !== undefined, undefined, { timeout, polling: 20 });
      } catch (error) {
        const seen = problems.length ? `; page problems:\n${problems.join('\n')}` : '; no page problems logged';
        throw new Error(`the page did not report within ${timeout} ms (${(error as Error).message.split('\n')[0]})${seen}`);
      }
      const report = (await peekReport())!;
      if (report.ok) return report.value as T;
      const { name, message, code, stack } = report.error;
      const failure = new Error(`the page failed: ${name}${code === undefined ? '' : ` [${String(code)}]`}: ${message}\n${stack ?? ''}`);
      throw Object.assign(failure, { pageError: report.error });
    },
  };
  return testPage;
}
