import { TestScheduler } from 'rxjs/testing';
import { ConnectionError, SessionKind, memoryTransportPair } from 'rxrpcx';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function newScheduler(): TestScheduler {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  // Outside run(), flush() stops at 750 virtual ms unless told otherwise.
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
  return scheduler;
}

interface Recorded {
  chunks: number[][];
  completed: boolean;
  error: unknown;
}

function record(source: { subscribe: (o: object) => unknown }): Recorded {
  const r: Recorded = { chunks: [], completed: false, error: undefined };
  source.subscribe({
    next: (b: Uint8Array) => r.chunks.push([...b]),
    complete: () => (r.completed = true),
    error: (e: unknown) => (r.error = e),
  });
  return r;
}

describe('memoryTransportPair', () => {
  it('has a client end and a server end', () => {
    const [client, server] = memoryTransportPair();
    expect(client.kind).toBe(SessionKind.CLIENT);
    expect(server.kind).toBe(SessionKind.SERVER);
    expect(client.messageBoundaries).toBe(false);
  });

  it('delivers in order, split into chunks, after the delay (virtual time)', () => {
    const scheduler = newScheduler();
    const [client, server] = memoryTransportPair({ scheduler, chunkSize: 2, delay: 0.005 });
    const seen = record(server.incoming);
    void client.write(bytes(1, 2, 3, 4, 5));
    scheduler.flush();
    expect(seen.chunks).toEqual([[1, 2], [3, 4], [5]]);
    expect(scheduler.now()).toBe(5);
  });

  it('keeps what arrives before the reader subscribes', async () => {
    const [client, server] = memoryTransportPair();
    await client.write(bytes(7));
    await client.close();
    const seen = record(server.incoming);
    expect(seen.chunks).toEqual([[7]]);
    expect(seen.completed).toBe(true);
  });

  it('holds write() until the peer takes the bytes above the high-water mark', async () => {
    const scheduler = newScheduler();
    const [client, server] = memoryTransportPair({ scheduler, highWaterMark: 4 });
    record(server.incoming);
    let settled = false;
    const write = client.write(bytes(1, 2, 3, 4, 5)).then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    expect(client.bufferedAmount()).toBe(5);
    scheduler.flush();
    await write;
    expect(settled).toBe(true);
    expect(client.bufferedAmount()).toBe(0);
  });

  it('closes in order: EOF follows the data, both ends complete', async () => {
    const scheduler = newScheduler();
    const [client, server] = memoryTransportPair({ scheduler, delay: 0.001 });
    const atServer = record(server.incoming);
    const atClient = record(client.incoming);
    void client.write(bytes(1));
    const closed = client.close();
    expect(client.isClosing()).toBe(true);
    await expect(client.write(bytes(2))).rejects.toBeInstanceOf(ConnectionError);
    scheduler.flush();
    await closed;
    expect(atServer.chunks).toEqual([[1]]);
    expect(atServer.completed).toBe(true);
    expect(atClient.completed).toBe(true);
    expect(server.isClosing()).toBe(true);
    expect(scheduler.actions.length).toBe(0);
  });

  it('aborts: the peer errors with ConnectionError and in-flight bytes are dropped', () => {
    const scheduler = newScheduler();
    const [client, server] = memoryTransportPair({ scheduler, delay: 0.001 });
    const atServer = record(server.incoming);
    const atClient = record(client.incoming);
    void client.write(bytes(1));
    client.abort();
    scheduler.flush();
    expect(atServer.chunks).toEqual([]);
    expect(atServer.error).toBeInstanceOf(ConnectionError);
    expect(atClient.completed).toBe(true);
    expect(scheduler.actions.length).toBe(0);
  });

  it('forces the close after forceAfter when the peer never answers the EOF', async () => {
    const scheduler = newScheduler();
    const [client, server] = memoryTransportPair({ scheduler, delay: 10 });
    record(server.incoming);
    const closed = client.close({ forceAfter: 2 });
    scheduler.flush();
    await closed;
    expect(scheduler.now()).toBe(2000);
    expect(server.isClosing()).toBe(true);
  });

  it('rejects blocked writes with ConnectionError when the connection is aborted', async () => {
    const scheduler = newScheduler();
    const [client, server] = memoryTransportPair({ scheduler, highWaterMark: 1 });
    server.pauseReading();
    record(server.incoming);
    const blocked = client.write(bytes(1, 2, 3));
    scheduler.flush();
    client.abort();
    await expect(blocked).rejects.toBeInstanceOf(ConnectionError);
  });

  it('holds incoming bytes while reading is paused, and the writer with them', async () => {
    const scheduler = newScheduler();
    const [client, server] = memoryTransportPair({ scheduler, highWaterMark: 2 });
    const seen = record(server.incoming);
    server.pauseReading();
    let settled = false;
    const write = client.write(bytes(1, 2, 3)).then(() => (settled = true));
    scheduler.flush();
    await Promise.resolve();
    expect(seen.chunks).toEqual([]);
    expect(settled).toBe(false);
    server.resumeReading();
    await write;
    expect(seen.chunks).toEqual([[1, 2, 3]]);
  });

  it('allows one reader', () => {
    const [, server] = memoryTransportPair();
    record(server.incoming);
    const second = record(server.incoming);
    expect(second.error).toBeInstanceOf(ConnectionError);
  });
});
