/**
 * The command line against the reference aiorpcX 0.22.1: `rxrpcx call` and
 * `rxrpcx subscribe` (the built CLI, spawned) against aiorpcX's `serve_rs`
 * and `serve_ws` (peers/peer.py), and `rxrpcx serve` answering aiorpcX's
 * `connect_rs` / WebSocket client. Needs `npm run build` first (npm run
 * test:interop does it).
 */
import { join } from 'node:path';
import { FIXTURES, assertBuilt, runCli, startServe, type CliProcess } from '../cli/cliHarness';
import type { Wire } from './helpers/Peer';
import { PythonPeer } from './helpers/PythonPeer';

let py: PythonPeer;
const ports: Partial<Record<string, number>> = {};

beforeAll(async () => {
  assertBuilt();
  py = await PythonPeer.start();
  for (const [name, wire, protocol] of [['tcp', 'tcp', 'v2'], ['ws', 'ws', 'v2'], ['tcp-v1', 'tcp', 'v1']] as const) {
    ports[name] = (await py.serve(wire, { protocol })).port;
  }
});

afterAll(async () => {
  await py?.shutdown();
});

const url = (name: string): string => `${name.startsWith('ws') ? 'ws' : 'tcp'}://127.0.0.1:${ports[name]}`;

describe('rxrpcx call against aiorpcX serve_rs / serve_ws', () => {
  it.each(['tcp', 'ws'])('prints the answer (%s)', async (name) => {
    expect(await runCli(['call', url(name), 'add', '2', '3'])).toMatchObject({ code: 0, stdout: '5\n', stderr: '' });
    expect(await runCli(['call', url(name), 'echo', '{"ü": [1.5, null, "x"]}'])).toMatchObject({ code: 0, stdout: '{"ü":[1.5,null,"x"]}\n' });
  });

  it('shows the reference error reply with its code and message, status 1', async () => {
    const result = await runCli(['call', url('tcp'), 'fail', '-32000', 'nope']);
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'error: RPCError -32000: nope\n' });
    const missing = await runCli(['call', url('tcp'), 'add', '1']);
    expect(missing.stderr).toBe('error: RPCError -32602: 1 argument passed to method "add" but it requires 2\n');
  });

  it('speaks JSON-RPC 1.0 with --protocol 1.0', async () => {
    expect(await runCli(['call', url('tcp-v1'), 'add', '20', '22', '--protocol', '1.0'])).toMatchObject({ code: 0, stdout: '42\n' });
  });

  it('sends a batch', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'rxrpcx-cli-batch-'));
    try {
      writeFileSync(join(dir, 'b.jsonl'), '["add", 1, 2]\n{"method": "note", "params": ["x"], "notification": true}\n["echo", "y"]\n');
      expect(await runCli(['call', url('ws'), '--batch', join(dir, 'b.jsonl')])).toMatchObject({ code: 0, stdout: '3\n"y"\n' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('times out on a slow reference handler, status 4', async () => {
    expect((await runCli(['call', url('tcp'), 'sleep', '3', '--timeout', '0.3'])).code).toBe(4);
  });
});

describe('rxrpcx subscribe against aiorpcX', () => {
  it.each(['tcp', 'ws'])('prints the result, then the notification the reference pushes (%s)', async (name) => {
    const result = await runCli(['subscribe', url(name), 'notify_back', 'tick', '[7, "seven"]', '--notification', 'tick', '--count', '1']);
    // aiorpcX's notify_back sends the notification before its answer; the CLI prints them as they come.
    expect(result).toMatchObject({ code: 0, stdout: '[7,"seven"]\ntrue\n', stderr: '' });
  });
});

describe('rxrpcx serve answered by the aiorpcX client', () => {
  let served: { readonly cli: CliProcess; readonly urls: Record<string, string> };

  beforeAll(async () => {
    served = await startServe(['--tcp', '0', '--ws', '0', join(FIXTURES, 'methods.mjs')]);
  });

  afterAll(async () => {
    await served?.cli.stop();
  });

  it.each<Wire>(['tcp', 'ws'])('answers requests and pushes notifications (%s)', async (wire) => {
    const port = Number(served.urls[wire]!.split(':').pop());
    const session = await py.connect(wire, port);
    try {
      expect(await py.request(session, 'add', [2, 3])).toEqual({ result: 5 });
      expect(await py.request(session, 'server.version', ['aiorpcX', '1.4'])).toEqual({ result: ['rxrpcx-cli-test', '1.4'] });
      expect(await py.request(session, 'nope')).toEqual({ error: { code: -32601, message: 'unknown method "nope"' } });
      expect(await py.request(session, 'ticks', [10])).toEqual({ result: true });
      const deadline = Date.now() + 5000;
      // Each state query is a round trip to the Python peer: the loop paces itself, no timer.
      while ((await py.state(session)).notifications.length < 2 && Date.now() < deadline);
      expect((await py.state(session)).notifications.slice(0, 2)).toEqual([
        ['ticks', [10]],
        ['ticks', [11]],
      ]);
    } finally {
      await py.close(session);
    }
    await served.cli.waitFor(new RegExp(`Z close ${wire} 127\\.0\\.0\\.1:\\d+ after`));
  });
});
