/**
 * Browser bundle sizes, measured the way a user's bundler would see them:
 * esbuild, minified, `platform: 'browser'`, ES module output, from the
 * package's ESM build (`dist/esm`, with the package's `sideEffects: false`).
 * For rxrpcx, rxjs is external — it is the app's own peer dependency — so
 * only rxrpcx is counted; the peers are bundled whole (RxJS's `webSocket`
 * is RxJS itself).
 *
 * Used by `npm run size` (bench/size/sizes.ts, a table for the README) and by
 * the budget test (spec/package/bundleBudget.spec.ts).
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The repository's root (bench/size/ and dist-bench/size/ are both two levels down). */
export const root = join(__dirname, '..', '..');

/** One bundle to measure: an ES module's source that imports what an app would. */
export interface BundleCase {
  readonly name: string;
  /** The module's text; `rxrpcx` resolves to the ESM build. */
  readonly source: string;
  /** Packages left out of the count (rxjs for rxrpcx: the app has its own). */
  readonly external: readonly string[];
}

/** A measured bundle. */
export interface BundleSize {
  readonly name: string;
  /** Minified bytes. */
  readonly bytes: number;
  /** The same, gzipped (level 9). */
  readonly gzip: number;
  /** Input files that made it into the bundle, by bytes in the output, largest first. */
  readonly inputs: ReadonlyArray<readonly [path: string, bytes: number]>;
}

const rxjsExternal = ['rxjs', 'rxjs/*'];

/** The two budgeted bundles and the other rxrpcx shapes worth knowing. */
export const rxrpcxCases: readonly BundleCase[] = [
  { name: 'rxrpcx: RPCSession + openBrowserWebSocket', source: "export { RPCSession, openBrowserWebSocket } from 'rxrpcx';", external: rxjsExternal },
  { name: 'rxrpcx: RPCError alone', source: "export { RPCError } from 'rxrpcx';", external: rxjsExternal },
  { name: 'rxrpcx: connect$ (reconnecting client)', source: "export { connect$ } from 'rxrpcx';", external: rxjsExternal },
  { name: 'rxrpcx: the whole core entry', source: "export * from 'rxrpcx';", external: rxjsExternal },
];

/** Peers, bundled whole, as a user of each would import them for a browser JSON-RPC client. */
export const peerCases: readonly BundleCase[] = [
  { name: 'RxJS webSocket (RxJS included)', source: "export { webSocket } from 'rxjs/webSocket';", external: [] },
  { name: 'json-rpc-2.0 (JSONRPCServerAndClient)', source: "export { JSONRPCServerAndClient, JSONRPCClient, JSONRPCServer } from 'json-rpc-2.0';", external: [] },
  {
    name: 'vscode-jsonrpc/browser',
    source: "export { createMessageConnection, BrowserMessageReader, BrowserMessageWriter } from 'vscode-jsonrpc/browser';",
    external: [],
  },
  {
    name: 'rxrpcx: RPCSession + openBrowserWebSocket, RxJS included',
    source: "export { RPCSession, openBrowserWebSocket } from 'rxrpcx';",
    external: [],
  },
];

/** Where `rxrpcx` resolves for a measurement: the ESM build's entry. */
export const esmEntry = join(root, 'dist', 'esm', 'index.js');

/** Bundles one case and measures it. */
export async function measure(bundle: BundleCase): Promise<BundleSize> {
  const result = await build({
    stdin: { contents: bundle.source, resolveDir: root, sourcefile: 'entry.mjs', loader: 'js' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: [...bundle.external],
    alias: { rxrpcx: esmEntry },
  });
  const output = result.outputFiles[0]!.contents;
  const meta = Object.values(result.metafile.outputs)[0]!;
  const inputs = Object.entries(meta.inputs)
    .map(([path, info]) => [path, info.bytesInOutput] as const)
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1]);
  return { name: bundle.name, bytes: output.length, gzip: gzipSync(output, { level: 9 }).length, inputs };
}

/** Bytes as kB (1000 bytes), one decimal. */
export function kB(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}
