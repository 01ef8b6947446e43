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
