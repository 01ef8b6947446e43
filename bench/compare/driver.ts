/**
 * The load loop the library clients (rxrpcx, json-rpc-2.0, vscode-jsonrpc)
 * share: as a user of a Promise-returning client would write it.
 *
 * - pipelined: `conns` connections, each with `outstanding` workers looping
 *   `await call(text)`, so each connection keeps that many requests in flight;
 * - latency: one connection, one request at a time.
 *
 * In both modes every request is timed, from just before `call` to the
 * worker resuming with its reply (`process.hrtime.bigint()`), and the
 * latencies of those completed inside the window go to a preallocated
 * {@link LatencySample}: p50 and p99 for every shape.
 *
 * After `ramp` seconds on the same connections, the measured window of
 * `seconds` starts; the server's CPU ticks are read at both edges. The result
 * is printed as one JSON line ({@link ClientResult}).
 */
import {
  ECHO_TEXT,
  LatencySample,
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
  const latencies = new LatencySample();

  const worker = async (endpoint: Endpoint): Promise<void> => {
    while (!stopped) {
      const sent = process.hrtime.bigint();
      const reply = await endpoint.call(ECHO_TEXT);
      if (timing) latencies.record(Number(process.hrtime.bigint() - sent) / 1e3);
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
    timing = true;
    await sleep(options.seconds);
    end = windowEdge(completed, options.serverPid);
    timing = false;
    stopped = true;
  })();
  await Promise.race([window, failed.then(() => { if (!stopped) throw new Error('workers ended early'); })]);
  await failed;
  await Promise.all(endpoints.map((endpoint) => endpoint.close()));
  if (!start || !end) throw new Error('the measured window did not complete');
  const result: ClientResult = { ...windowResult(start, end, wrong), ...latencies.summary() };
  printJson(result);
  return result;
}
