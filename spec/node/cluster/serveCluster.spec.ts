/**
 * serveCluster end to end: a 2-worker cluster in a child process (the
 * fixture, bundled with esbuild), real clients over loopback TCP. Requests
 * are served by both workers, the primary's combined view counts the
 * sessions of both, a killed worker is replaced, and SIGTERM to the primary
 * closes every session and ends every process.
 */
import { until } from '../sessions/sessionHelpers';
import { createServer, type AddressInfo } from 'node:net';
import { firstValueFrom, type Observable } from 'rxjs';
import type { RPCSession } from 'rxrpcx';
import { connectRs } from 'rxrpcx/node';
import type { ClusterSessions } from '../../../lib/node/serveCluster';
import { alive, bundleFixture, FixtureProcess } from './clusterHelpers';

jest.setTimeout(60_000);

type View = ClusterSessions & { readonly event: 'sessions' };
const isView = (line: Record<string, unknown>): line is Record<string, unknown> & View => line['event'] === 'sessions';

let bundle: ReturnType<typeof bundleFixture>;
const fixtures: FixtureProcess[] = [];
const clients: RPCSession[] = [];

beforeAll(() => {
  bundle = bundleFixture('clusterFixture');
});
afterAll(() => bundle.remove());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close({ forceAfter: 0 }).catch(() => undefined)));
  await Promise.all(fixtures.splice(0).map((fixture) => fixture.kill()));
});

async function start(...args: string[]): Promise<{ fixture: FixtureProcess; port: number }> {
  const fixture = new FixtureProcess(bundle.file, ['--workers', '2', ...args]);
  fixtures.push(fixture);
  const ready = await fixture.waitFor<{ port: number }>((line) => line['event'] === 'ready', 20_000);
  return { fixture, port: ready.port };
}

async function connect(port: number): Promise<{ client: RPCSession; pid: number }> {
  const client = await connectRs('127.0.0.1', port, { timeout: 5 });
  clients.push(client);
  return { client, pid: await client.sendRequest<number>('pid', []) };
}

const ended = (closed$: Observable<void>): Promise<void> => firstValueFrom(closed$, { defaultValue: undefined });

describe('serveCluster', () => {
  it('serves from both workers, counts sessions across them, restarts a killed worker, and closes on SIGTERM', async () => {
    const { fixture, port } = await start();
    const first = await fixture.waitFor<View>((line) => isView(line) && line.workers.length === 2);
    const workerPids = first.workers.map((w) => w.pid).sort();
    expect(new Set(workerPids).size).toBe(2);
    expect(workerPids).not.toContain(fixture.pid);

    // Six clients: node:cluster's round robin spreads them over both workers.
    const connected = [];
    for (let i = 0; i < 6; i++) connected.push(await connect(port));
    expect(new Set(connected.map((c) => c.pid))).toEqual(new Set(workerPids));
    expect(await connected[0]!.client.sendRequest('echo', ['hi'])).toBe('hi');

    const counted = await fixture.waitFor<View>((line) => isView(line) && line.total === 6);
    const perWorker = new Map(counted.workers.map((w) => [w.pid, w.sessions]));
    for (const pid of workerPids) expect(perWorker.get(pid)).toBe(connected.filter((c) => c.pid === pid).length);

    // Kill one worker: its clients lose their sessions, and a new worker takes its place.
    const victim = workerPids[0]!;
    const victims = connected.filter((c) => c.pid === victim);
    const survivors = connected.filter((c) => c.pid !== victim);
    process.kill(victim, 'SIGKILL');
    await Promise.all(victims.map((c) => ended(c.client.closed$)));
    const replaced = await fixture.waitFor<View>(
      (line) => isView(line) && line.workers.length === 2 && !line.workers.some((w) => w.pid === victim),
    );
    const newPid = replaced.workers.find((w) => !workerPids.includes(w.pid))!.pid;
    expect(alive(newPid)).toBe(true);
    expect(replaced.total).toBe(survivors.length);
    for (const c of survivors) expect(await c.client.sendRequest('pid', [])).toBe(c.pid);

    // The replacement serves on the same port.
    const later = [];
    for (let i = 0; i < 4; i++) later.push(await connect(port));
    expect(later.map((c) => c.pid)).toContain(newPid);

    // SIGTERM to the primary: every session closed, every process gone, exit code 0.
    const open = [...survivors, ...later];
    const mark = fixture.lines.length;
    process.kill(fixture.pid, 'SIGTERM');
    await Promise.all(open.map((c) => ended(c.client.closed$)));
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    expect(fixture.lines.slice(mark).some((line) => line['event'] === 'closed')).toBe(true);
    const last = fixture.lines.filter(isView).pop()!;
    expect(last.workers).toEqual([]);
    for (const pid of fixture.workerPids) expect(alive(pid)).toBe(false);
  });

  it('rejects in the primary with RXRPCX_ERR_CLUSTER_START when a worker cannot listen, and leaves nothing running', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const fixture = new FixtureProcess(bundle.file, ['--workers', '2', '--port', String(port)]);
      fixtures.push(fixture);
      expect(await fixture.exited).toEqual({ code: 1, signal: null });
      expect(fixture.stderr()).toMatch(/^ClusterError RXRPCX_ERR_CLUSTER_START: worker \d+ failed to start: ListenError/m);
      for (const pid of fixture.workerPids) expect(alive(pid)).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('stops restarting past maxRestarts, reporting RXRPCX_ERR_CLUSTER_RESTARTS, and the other worker serves on', async () => {
    const { fixture, port } = await start('--max-restarts', '1');
    await fixture.waitFor<View>((line) => isView(line) && line.workers.length === 2);
    const crash = async (): Promise<void> => {
      const { client } = await connect(port);
      await client.sendRequest('crash', []).catch(() => undefined);
      await ended(client.closed$);
    };
    await crash();
    // Restarted once: two workers again, one of them new.
    const mark = fixture.lines.length;
    await fixture.waitFor<View>((line) => isView(line) && line.workers.length === 2, 10_000, mark);
    await crash();
    await fixture.waitFor<View>((line) => isView(line) && line.workers.length === 1);
    await until(() => fixture.stderr().includes('not restarted'), 'the primary to give up restarting');
    expect(fixture.stderr()).toMatch(/after 1 restarts in 60 s; not restarted/);
    const { client, pid } = await connect(port);
    expect(await client.sendRequest('echo', ['still here'])).toBe('still here');
    expect(alive(pid)).toBe(true);
  });

  it('does not replace a worker that leaves on its own (SIGTERM to it alone), after closing its sessions', async () => {
    const { fixture, port } = await start();
    const both = await fixture.waitFor<View>((line) => isView(line) && line.workers.length === 2);
    const { client, pid } = await connect(port);
    process.kill(pid, 'SIGTERM');
    await ended(client.closed$);
    const left = await fixture.waitFor<View>((line) => isView(line) && line.workers.length === 1);
    expect(left.workers[0]!.pid).toBe(both.workers.find((w) => w.pid !== pid)!.pid);
    // The primary says it decided not to replace it; a replacement would have been reported as a view with two workers.
    await until(() => fixture.stderr().includes('not replaced'), 'the primary to decide');
    expect(fixture.stderr()).toMatch(/left on its own \(code 0\); not replaced/);
    expect(fixture.lines.filter(isView).pop()!.workers).toHaveLength(1);
  });
});
