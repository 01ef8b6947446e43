/**
 * The browser bundle budget, measured as a user's bundler sees the package
 * (bench/size/bundleSizes.ts: esbuild, minified, platform browser, from the
 * ESM build, rxjs external): `npm run size` prints the same figures beside
 * the peers'. A change that pulls more into a browser app's bundle fails here.
 */
import { existsSync } from 'node:fs';
import { esmEntry, kB, measure, rxrpcxCases } from '../../bench/size/bundleSizes';

/**
 * Bytes, minified: issue 14's budgets. A session with a browser WebSocket
 * carries the session core the reference defines (cost model, concurrency,
 * deadlines, writer, dispatcher, the JSON-RPC codec and its Python-worded
 * errors) and nothing it does not use: protocols, framers, address
 * validation, signature checks, outgoing batches and the responses to them
 * (`BatchRequest`), wire cancellation (`wireCancellation`) and the stream of
 * unhandled calls (`incomingCalls`) come only with their imports.
 */
const budgets: Record<string, number> = {
  'rxrpcx: RPCSession + openBrowserWebSocket': 45_000,
  'rxrpcx: RPCError alone': 5_000,
};

describe('browser bundle budget', () => {
  beforeAll(() => {
    if (!existsSync(esmEntry)) throw new Error(`${esmEntry} is missing: run \`npm run build\` first (\`npm test\` builds before running jest)`);
  });

  it.each(Object.entries(budgets))('%s stays within its budget', async (name, budget) => {
    const bundle = rxrpcxCases.find((c) => c.name === name)!;
    const size = await measure(bundle);
    const top = size.inputs.slice(0, 8).map(([path, bytes]) => `${bytes} ${path}`).join('\n');
    if (size.bytes > budget) throw new Error(`${name}: ${kB(size.bytes)} over its ${kB(budget)} budget; largest inputs:\n${top}`);
    // Only rxrpcx is counted: RxJS stays the app's, and nothing Node-only or Bitcoin-only comes along.
    const paths = size.inputs.map(([path]) => path);
    expect(paths.filter((p) => /node_modules\/(rxjs|@noble|ws|socks)\//.test(p))).toEqual([]);
  });

  it('keeps Bitcoin framing’s hash out of a session bundle and in a BitcoinFramer one', async () => {
    const withFramer = await measure({ name: 'BitcoinFramer', source: "export { BitcoinFramer } from 'rxrpcx';", external: ['rxjs', 'rxjs/*'] });
    expect(withFramer.inputs.some(([path]) => path.includes('@noble/hashes'))).toBe(true);
  });

  /** Features a session bundle leaves out, and the module that comes with the import that uses them. */
  const optIns: ReadonlyArray<readonly [feature: string, importName: string, module: RegExp]> = [
    ['outgoing batches', 'BatchRequest', /\/(Batch|BatchRequest)\.js$/],
    ['wire cancellation', 'wireCancellation', /\/wireCancellation\.js$/],
    ['the stream of unhandled calls', 'incomingCalls', /\/incomingCalls\.js$/],
    ['the signature checks', 'defineHandler', /\/handlerInvocation\.js$/],
  ];

  it.each(optIns)('keeps %s out of a session bundle and in a %s one', async (_feature, importName, module) => {
    const external = ['rxjs', 'rxjs/*'];
    const holds = (inputs: ReadonlyArray<readonly [string, number]>): boolean => inputs.some(([path]) => module.test(path));
    const plain = await measure({ name: 'RPCSession', source: "export { RPCSession } from 'rxrpcx';", external });
    const using = await measure({ name: `RPCSession + ${importName}`, source: `export { RPCSession, ${importName} } from 'rxrpcx';`, external });
    expect([holds(plain.inputs), holds(using.inputs)]).toEqual([false, true]);
  });
});
