/**
 * A server's statistics over real sockets, and the Prometheus endpoint that
 * serves them: serveRs on loopback, a raw client sending good and bad
 * lines, the exposition scraped over HTTP and parsed. prom-client loads
 * only when metrics are asked for, and its absence is a typed error.
 */
import { connect, type Socket } from 'node:net';
import { lastValueFrom, toArray } from 'rxjs';
import { JSONRPC, RPCSession } from 'rxrpcx';
import { ListenError, prometheusMetrics, serveMetrics, serveRs, type ServerStats } from 'rxrpcx/node';
import { Registry } from 'prom-client';
import { defer, runCleanups, trackServer, until } from './sessions/sessionHelpers';

afterEach(runCleanups);

const handlers = { echo: (x: unknown) => x };

/** A raw newline-JSON client: lines out, replies counted. */
async function rawClient(port: number): Promise<{ socket: Socket; replies: unknown[]; send(...lines: string[]): void }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  defer(() => void socket.destroy());
  const replies: unknown[] = [];
  let buffer = '';
  socket.setEncoding('utf8').on('data', (text: string) => {
    buffer += text;
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      replies.push(JSON.parse(buffer.slice(0, end)));
      buffer = buffer.slice(end + 1);
    }
  });
  return { socket, replies, send: (...lines) => void socket.write(lines.map((line) => `${line}\n`).join('')) };
}

/** One sample of the exposition text: `name{labels} value`. */
type Samples = Map<string, number>;

/** The samples of a Prometheus text exposition, keyed by name and labels as written. */
function parseExposition(text: string): { samples: Samples; types: Map<string, string> } {
  const samples: Samples = new Map();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^(\S+?(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    samples.set(sample[1]!, Number(sample[2]));
  }
  return { samples, types };
}

async function scrape(url: string): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(url);
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

describe('server statistics and the Prometheus endpoint, over loopback', () => {
  it('scrapes requests, error replies by code, bytes and sessions, as the server counted them', async () => {
    const server = trackServer(await serveRs((t, o) => new RPCSession(t, { ...o, handlers }), '127.0.0.1', 0));
    const endpoint = await serveMetrics(server, { port: 0 });
    defer(() => endpoint.close());
    expect(endpoint.url).toBe(`http://127.0.0.1:${endpoint.address.port}/metrics`);

    const client = await rawClient(server.address.port);
    client.send(
      JSON.stringify({ jsonrpc: '2.0', method: 'echo', params: [1], id: 1 }),
      JSON.stringify({ jsonrpc: '2.0', method: 'nope', params: [], id: 2 }),
      JSON.stringify({ jsonrpc: '2.0', method: 'echo', params: [3] }),
      '{"jsonrpc":',
      JSON.stringify([{ jsonrpc: '2.0', method: 'echo', params: [4], id: 4 }, 7]),
    );
    await until(() => client.replies.length === 4, 'four replies');

    const { status, contentType, text } = await scrape(endpoint.url);
    expect(status).toBe(200);
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { samples, types } = parseExposition(text);
    const stats = server.stats();
    expect(samples.get('rxrpcx_sessions_open')).toBe(1);
    expect(samples.get('rxrpcx_sessions_opened_total')).toBe(1);
    expect(samples.get('rxrpcx_requests_total')).toBe(3);
    expect(samples.get('rxrpcx_notifications_total')).toBe(1);
    expect(samples.get(`rxrpcx_errors_total{code="${JSONRPC.METHOD_NOT_FOUND}"}`)).toBe(1);
    expect(samples.get(`rxrpcx_errors_total{code="${JSONRPC.PARSE_ERROR}"}`)).toBe(1);
    expect(samples.get(`rxrpcx_errors_total{code="${JSONRPC.INVALID_REQUEST}"}`)).toBe(1);
    expect(samples.get('rxrpcx_messages_received_total')).toBe(5);
    expect(samples.get('rxrpcx_messages_sent_total')).toBe(4);
    expect(samples.get('rxrpcx_bytes_received_total')).toBe(stats.bytesReceived);
    expect(samples.get('rxrpcx_bytes_sent_total')).toBe(stats.bytesSent);
    expect(stats.bytesReceived).toBe(client.socket.bytesWritten);
    expect(samples.get('rxrpcx_sessions_cost_disconnected_total')).toBe(0);
    expect(samples.get('rxrpcx_session_cost{quantile="0.5"}')).toBe(server.sessions.values().next().value?.cost);
    expect(types.get('rxrpcx_requests_total')).toBe('counter');
    expect(types.get('rxrpcx_sessions_open')).toBe('gauge');
    expect([...types.keys()].sort()).toEqual([...endpoint.metrics.names].sort());

    // The client leaves: its counts stay, folded into the server's.
    client.socket.end();
    await until(() => server.sessions.size === 0, 'the session to end');
    const after = parseExposition((await scrape(endpoint.url)).text).samples;
    expect(after.get('rxrpcx_sessions_open')).toBe(0);
    expect(after.get('rxrpcx_requests_total')).toBe(3);
    expect(after.get(`rxrpcx_errors_total{code="${JSONRPC.METHOD_NOT_FOUND}"}`)).toBe(1);
    expect(after.get('rxrpcx_bytes_received_total')).toBe(stats.bytesReceived);
    expect(after.get('rxrpcx_session_cost{quantile="1"}')).toBe(0);
  });

  it('answers 404 off the path, 405 to other methods, and HEAD without a body; close() takes the metrics out', async () => {
    const server = trackServer(await serveRs(undefined, '127.0.0.1', 0));
    const registry = new Registry();
    const endpoint = await serveMetrics(server, { port: 0, path: '/m', registry, prefix: 'electrum_' });
    expect((await fetch(`http://127.0.0.1:${endpoint.address.port}/metrics`)).status).toBe(404);
    expect((await fetch(endpoint.url, { method: 'POST' })).status).toBe(405);
    const head = await fetch(endpoint.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await scrape(`${endpoint.url}?x=1`)).text).toContain('electrum_sessions_open 0');
    await endpoint.close();
    expect(await registry.metrics()).toBe('\n');
  });

  it('refuses a name taken in the registry and takes back what it registered', async () => {
    const server = trackServer(await serveRs(undefined, '127.0.0.1', 0));
    const registry = new Registry();
    prometheusMetrics(server, { registry });
    expect(() => prometheusMetrics(server, { registry })).toThrow(/already been registered/);
    expect(registry.getMetricsAsArray()).toHaveLength(13);
    prometheusMetrics(server, { registry, prefix: 'second_' });
    expect(registry.getMetricsAsArray()).toHaveLength(26);
  });

  it('fails to listen with a ListenError, registering nothing', async () => {
    const server = trackServer(await serveRs(undefined, '127.0.0.1', 0));
    const registry = new Registry();
    const error = await serveMetrics(server, { port: server.address.port, registry }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).code).toBe('RXRPCX_ERR_LISTEN');
    expect(registry.getMetricsAsArray()).toHaveLength(0);
  });

  it('serveRs: stats$ emits on its interval, and a last snapshot when close() has closed the sessions', async () => {
    const server = trackServer(await serveRs((t, o) => new RPCSession(t, { ...o, handlers }), '127.0.0.1', 0, { statsInterval: 0.05 }));
    const snapshots: ServerStats[] = [];
    const done = lastValueFrom(server.stats$.pipe(toArray()));
    server.stats$.subscribe((snapshot) => snapshots.push(snapshot));
    const client = await rawClient(server.address.port);
    client.send(JSON.stringify({ jsonrpc: '2.0', method: 'echo', params: [1], id: 1 }));
    await until(() => client.replies.length === 1, 'a reply');
    const before = snapshots.length;
    await until(() => snapshots.length > before, 'a snapshot on the interval');
    await server.close({ closeSessions: true, forceAfter: 0 });
    expect(await done).toHaveLength(snapshots.length);
    expect(snapshots[0]?.requests).toBe(0);
    const last = snapshots.at(-1);
    expect(last).toMatchObject({ sessionsOpen: 0, sessionsOpened: 1, requests: 1, messagesSent: 1 });
  });

  it('rejects a statsInterval that is not positive before listening', async () => {
    await expect(serveRs(undefined, '127.0.0.1', 0, { statsInterval: 0 })).rejects.toThrow(RangeError);
  });
});

describe('prom-client, an optional peer dependency', () => {
  afterEach(() => jest.dontMock('prom-client'));

  it('is not loaded by rxrpcx/node, only when metrics are asked for', () => {
    let loads = 0;
    jest.isolateModules(() => {
      jest.doMock('prom-client', () => {
        loads += 1;
        return jest.requireActual('prom-client');
      });
      const node = require('rxrpcx/node') as typeof import('rxrpcx/node');
      expect(loads).toBe(0);
      const stats = { stats: (): ServerStats => emptyStats };
      node.prometheusMetrics(stats).remove();
      expect(loads).toBe(1);
    });
  });

  it('missing: a MissingDependencyError with the install hint, thrown or as a rejection', async () => {
    let node: typeof import('rxrpcx/node') | undefined;
    jest.isolateModules(() => {
      jest.doMock('prom-client', () => {
        throw Object.assign(new Error("Cannot find module 'prom-client' from 'lib/node/promClientInternals.ts'"), { code: 'MODULE_NOT_FOUND' });
      });
      node = require('rxrpcx/node') as typeof import('rxrpcx/node');
    });
    const source = { stats: (): ServerStats => emptyStats };
    let thrown: unknown;
    try {
      node!.prometheusMetrics(source);
    } catch (error) {
      thrown = error;
    }
    // The isolated module's own class.
    expect(thrown).toBeInstanceOf(node!.MissingDependencyError);
    expect(thrown).toMatchObject({ name: 'MissingDependencyError', code: 'RXRPCX_ERR_MISSING_DEPENDENCY', packageName: 'prom-client' });
    expect((thrown as Error).message).toContain('npm install prom-client');
    await expect(node!.serveMetrics(source, { port: 0 })).rejects.toMatchObject({ code: 'RXRPCX_ERR_MISSING_DEPENDENCY' });
  });
});

const emptyStats: ServerStats = {
  time: 0,
  sessionsOpen: 0,
  sessionsOpened: 0,
  requests: 0,
  notifications: 0,
  requestsPerSecond: 0,
  notificationsPerSecond: 0,
  rateWindow: 0,
  errorReplies: {},
  errors: 0,
  messagesReceived: 0,
  messagesSent: 0,
  bytesReceived: 0,
  bytesSent: 0,
  costDisconnects: 0,
  cost: { overSoftLimit: 0, p50: 0, p90: 0, p99: 0, max: 0 },
};
