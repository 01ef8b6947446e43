/**
 * The load loop the library clients (rxrpcx, json-rpc-2.0, vscode-jsonrpc)
 * share: as a user of a Promise-returning client would write it.
 *
 * - pipelined: `conns` connections, each with `outstanding` workers looping
 *   `await call(text)`, so each connection keeps that many requests in flight;
 * - latency: one connection, one request at a time, timed with
 *   `process.hrtime.bigint()`.
 *
 * After `ramp` seconds on the same connections, the measured window of
 * `seconds` starts; the server's CPU ticks are read at both edges. The result
 * is printed as one JSON line ({@link ClientResult}).
 */
import {
  ECHO_TEXT,
  percentile,
  printJson,
  sleep,
  windowEdge,
  windowResult,
  type ClientResult,
  type LoadOptions,
  type WindowEdge,
} from './common';

/** One connection of a library client. */
export interface Endpoint {
  /** Sends `echo(text)` and resolves with the reply. */
  call(text: string): Promise<unknown>;
  /** Closes the connection. */
  close(): Promise<void>;
}

/** Runs the load and prints the result. */
export async function drive(options: LoadOptions, connect: () => Promise<Endpoint>): Promise<ClientResult> {
  const endpoints = await Promise.all(Array.from({ length: options.conns }, () => connect()));
  let stopped = false;
  let completed = 0;
  let wrong = 0;
  let timing = false;
  const latencies: number[] = [];

  const worker = async (endpoint: Endpoint): Promise<void> => {
    while (!stopped) {
      const sent = timing ? process.hrtime.bigint() : 0n;
      const reply = await endpoint.call(ECHO_TEXT);
      if (timing && sent !== 0n) latencies.push(Number(process.hrtime.bigint() - sent) / 1000);
      if (reply !== ECHO_TEXT) wrong++;
      completed++;
    }
  };
  const workers: Promise<void>[] = [];
  for (const endpoint of endpoints) {
    for (let i = 0; i < options.outstanding; i++) workers.push(worker(endpoint));
  }
  // A failing request ends the run at once.
  const failed = Promise.all(workers).then(() => undefined);
  let start: WindowEdge | undefined;
  let end: WindowEdge | undefined;
  const window = (async () => {
    await sleep(options.ramp);
    start = windowEdge(completed, options.serverPid);
    timing = options.mode === 'latency';
    await sleep(options.seconds);
    end = windowEdge(completed, options.serverPid);
    timing = false;
    stopped = true;
  })();
  await Promise.race([window, failed.then(() => { if (!stopped) throw new Error('workers ended early'); })]);
  await failed;
  await Promise.all(endpoints.map((endpoint) => endpoint.close()));
  if (!start || !end) throw new Error('the measured window did not complete');
  let result = windowResult(start, end, wrong);
  if (options.mode === 'latency') {
    const sorted = Float64Array.from(latencies).sort();
    const mean = latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length);
    result = { ...result, p50Us: percentile(sorted, 50), p99Us: percentile(sorted, 99), meanUs: mean };
  }
  printJson(result);
  return result;
}
