/**
 * Bundles the browser example (main.ts, with esbuild) into
 * dist-examples/browser/ and serves it on 127.0.0.1:
 *
 *   npm run example:ws-server               # in one terminal
 *   npm run example:browser                 # in another: http://127.0.0.1:8080/
 *   npm run example:browser -- 8081         # another port (0: any free one)
 *
 * 'rxrpcx' is bundled from its source (lib/index.ts, the browser-safe core
 * entry), which lets esbuild drop what the page does not use.
 */
import { build } from 'esbuild';
import { copyFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { portArgument, run } from '../echoAndSubscribe';

const root = join(__dirname, '..', '..');
const source = join(root, 'examples', 'browser');
const output = join(root, 'dist-examples', 'browser');

run(async () => {
  const port = portArgument(process.argv[2], 8080);
  await build({
    entryPoints: [join(source, 'main.ts')],
    outfile: join(output, 'main.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    alias: { rxrpcx: join(root, 'lib', 'index.ts') },
  });
  copyFileSync(join(source, 'index.html'), join(output, 'index.html'));

  const files: Record<string, readonly [string, string]> = {
    '/': ['index.html', 'text/html; charset=utf-8'],
    '/index.html': ['index.html', 'text/html; charset=utf-8'],
    '/main.js': ['main.js', 'text/javascript; charset=utf-8'],
  };
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://localhost').pathname];
    if (file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' }).end(readFileSync(join(output, file[0])));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: listening } = server.address() as AddressInfo;
  console.log(`browser example on http://127.0.0.1:${listening}/ (add ?server=ws://host:port for another server); Ctrl-C stops it`);
});
