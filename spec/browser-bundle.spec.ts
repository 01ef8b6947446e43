/**
 * The core entry bundles for a browser: esbuild, platform 'browser', no
 * externals. Any `node:` import or Node-only package (ws, socks) fails the
 * build or shows up in the metafile.
 */
import { build } from 'esbuild';
import { join } from 'node:path';

const root = join(__dirname, '..');

describe('browser bundle of the core entry', () => {
  it('bundles lib/index.ts for the browser with no Node built-ins', async () => {
    const result = await build({
      entryPoints: [join(root, 'lib', 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const nodeOnly = inputs.filter((p) => /(^|\/)node_modules\/(ws|socks|ip-address|smart-buffer)\//.test(p) || p.startsWith('node:'));
    expect(nodeOnly).toEqual([]);
    const text = result.outputFiles[0]!.text;
    expect(text).not.toMatch(/require\(["']node:/);
    expect(text).not.toMatch(/from ["']node:/);
  });
});

describe('browser bundles of the ES module build (dist/esm, through the exports map)', () => {
  /** Bundles `import { names } from 'rxrpcx'` and lists the package files that end up in the output. */
  async function bundledFiles(names: string): Promise<string[]> {
    const result = await build({
      stdin: { contents: `import { ${names} } from 'rxrpcx';\nconsole.log(${names});\n`, resolveDir: root },
      // Not the repository's tsconfig: its paths map 'rxrpcx' to lib/, and a consumer resolves the package.
      tsconfigRaw: {},
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      external: ['rxjs'],
    });
    // metafile.inputs lists every file esbuild read; an output's inputs, only what it kept.
    const [output] = Object.values(result.metafile.outputs);
    return Object.entries(output!.inputs)
      .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
      .map(([path]) => path);
  }

  it('has no @noble/hashes (Bitcoin framing only) in a bundle of RPCSession', async () => {
    const files = await bundledFiles('RPCSession, openBrowserWebSocket');
    expect(files.some((path) => path.startsWith('dist/esm/'))).toBe(true);
    expect(files.filter((path) => path.includes('@noble/'))).toEqual([]);
  });

  it('has @noble/hashes in a bundle of BitcoinFramer', async () => {
    const files = await bundledFiles('BitcoinFramer');
    expect(files.filter((path) => path.includes('@noble/hashes/'))).not.toEqual([]);
  });
});
