/**
 * `npm run size`: the browser bundle sizes of rxrpcx's shapes beside its
 * peers', as a Markdown table (the README's), measured from the ESM build
 * (see bundleSizes.ts for how). `--inputs` lists what each rxrpcx bundle
 * holds, largest first.
 */
import { kB, measure, peerCases, rxrpcxCases } from './bundleSizes';

async function main(): Promise<void> {
  const showInputs = process.argv.includes('--inputs');
  console.log('| bundle (esbuild, minified, platform browser) | minified | gzip |');
  console.log('|---|---:|---:|');
  const details: string[] = [];
  for (const bundle of [...rxrpcxCases, ...peerCases]) {
    const size = await measure(bundle);
    console.log(`| ${size.name} | ${kB(size.bytes)} | ${kB(size.gzip)} |`);
    if (showInputs && bundle.name.startsWith('rxrpcx')) {
      details.push(`\n${size.name}:`, ...size.inputs.slice(0, 25).map(([path, bytes]) => `${String(bytes).padStart(7)}  ${path}`));
    }
  }
  if (details.length > 0) console.log(details.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
