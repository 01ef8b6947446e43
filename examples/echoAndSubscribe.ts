/**
 * What the four echo-and-subscribe examples share: the server's session, the
 * client's conversation, and reading a port from the command line.
 *
 * The server offers two methods:
 * - `echo(text)` answers with `text`;
 * - `subscribe()` answers `true`, then sends the notification
 *   `counter(n)` every 200 ms (n = 0, 1, 2, …) until the client goes.
 */
import { filter, interval, lastValueFrom, take, takeUntil, tap, toArray } from 'rxjs';
import { RPCSession, type Transport } from 'rxrpcx';
import type { SessionFactoryOptions } from 'rxrpcx/node';

/** Milliseconds between two `counter` notifications. */
export const COUNTER_PERIOD_MS = 200;

/** The server side of one connection. */
export class EchoAndSubscribeSession extends RPCSession {
  #subscribed = false;

  constructor(transport: Transport, options: SessionFactoryOptions = {}) {
    super(transport, options);
    this.handlers = {
      echo: (text: string) => text,
      subscribe: () => this.subscribe(),
    };
  }

  /** Starts the counter (once per session) and answers `true`. */
  private subscribe(): boolean {
    if (!this.#subscribed) {
      this.#subscribed = true;
      // Tied to the session's life: it stops when the connection ends. notify() never
      // rejects, so a client that goes away mid-push cannot crash the server.
      interval(COUNTER_PERIOD_MS, this.scheduler)
        .pipe(takeUntil(this.closed$))
        .subscribe((n) => this.notify('counter', [n]));
    }
    return true;
  }
}

/** The session factory handed to `serveRs` / `serveWs`. */
export const echoAndSubscribeFactory = (transport: Transport, options: SessionFactoryOptions): EchoAndSubscribeSession =>
  new EchoAndSubscribeSession(transport, options);

/** The client's side: echo, subscribe, print three counters, close. */
export async function talk(session: RPCSession, print: (line: string) => void = console.log): Promise<void> {
  // Listen before subscribing, so that no notification is missed.
  const counters = lastValueFrom(
    session.notifications$.pipe(
      filter((notification) => notification.method === 'counter'),
      take(3),
      tap((notification) => print(`counter ${JSON.stringify(notification.args)}`)),
      toArray(),
    ),
  );
  print(`echo("hello") → ${JSON.stringify(await session.sendRequest('echo', ['hello']))}`);
  print(`subscribe() → ${JSON.stringify(await session.sendRequest('subscribe'))}`);
  const received = await counters;
  if (received.length < 3) throw new Error(`the server went away after ${received.length} notifications`);
  await session.close();
  print('closed');
}

/** A port from the command line: 0 (any free port) to 65535, else `fallback` when absent. */
export function portArgument(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`not a port: ${JSON.stringify(text)}`);
  return port;
}

/** Runs `main`, printing a failure and setting the exit code. */
export function run(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
