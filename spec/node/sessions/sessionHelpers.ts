/**
 * Shared pieces of the session-level Node specs: a cleanup list run after
 * each test, an echo-and-subscribe server, and small waiting helpers that
 * wait on events or spin the event loop (under a deadline), never sleep.
 */
import type { Socket } from 'node:net';
import { Observable, firstValueFrom } from 'rxjs';
import { RPCSession, type RPCSessionConfig, type SessionLogger, type Transport } from 'rxrpcx';
import type { SessionFactory, SessionFactoryOptions, SessionServer } from 'rxrpcx/node';
import WebSocket from 'ws';
import { once } from '../nodeHelpers';

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

/** Runs the registered cleanups, last first; call from `afterEach`. */
export async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** Registers something to undo after the test. */
export function defer(cleanup: Cleanup): void {
  cleanups.push(cleanup);
}

/** Closes `server` (and every live session) after the test; returns it. */
export function trackServer<S extends SessionServer<RPCSession>>(server: S): S {
  defer(() => server.close({ closeSessions: true, forceAfter: 0 }));
  return server;
}

/** Aborts `session` after the test, if still open, and waits for it to end. */
export function trackSession<S extends RPCSession>(session: S): S {
  defer(async () => {
    session.abort();
    await closedOf(session);
  });
  return session;
}

/** Destroys a raw socket after the test and waits for its 'close'. */
export function trackSocket<T extends Socket>(socket: T): T {
  defer(async () => {
    if (socket.destroyed && !socket.connecting) return;
    const closed = once(socket, 'close');
    socket.destroy();
    await closed;
  });
  return socket;
}

/** Terminates a raw `ws` socket after the test and waits for its 'close'. */
export function trackWebSocket(socket: WebSocket): WebSocket {
  defer(async () => {
    if (socket.readyState === WebSocket.CLOSED) return;
    const closed = once(socket, 'close');
    socket.terminate();
    await closed;
  });
  return socket;
}

/** Resolves when the session has ended. */
export function closedOf(session: { readonly closed$: Observable<void> }): Promise<void> {
  return firstValueFrom(session.closed$, { defaultValue: undefined });
}

/** The next session a server accepts (subscribe before the client connects). */
export function nextSession<S extends RPCSession>(server: SessionServer<S>): Promise<S> {
  return firstValueFrom(server.sessions$);
}

/** What a promise rejected with; fails the test if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** Turns of the event loop, enough for loopback bytes to move. */
export async function ticks(count = 20): Promise<void> {
  for (let i = 0; i < count; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Spins the event loop until `condition` holds; fails after `seconds` of wall-clock time. */
export async function until(condition: () => boolean, what: string, seconds = 5): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A logger that records every line, by level. */
export interface RecordingLogger extends SessionLogger {
  readonly lines: Array<{ readonly level: string; readonly message: string }>;
}

export function recordingLogger(): RecordingLogger {
  const lines: Array<{ level: string; message: string }> = [];
  const at =
    (level: string) =>
    (message: string): void => {
      lines.push({ level, message });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * The test server's session: `echo` returns its argument, `add` adds,
 * `subscribe` answers `true` and then sends `count` notifications `tick`
 * (0, 1, …), and `hang` never answers (counting handlers running and
 * cancelled, so a test can see that nothing is left behind).
 */
export class EchoSession extends RPCSession {
  /** `hang` handlers running now. */
  hanging = 0;
  /** `hang` handlers cancelled (unsubscribed) so far. */
  hangsCancelled = 0;

  constructor(transport: Transport, config: RPCSessionConfig = {}) {
    super(transport, {
      ...config,
      handlers: {
        echo: (value: unknown) => value,
        add: (a: number, b: number) => a + b,
        subscribe: (count = 3) => {
          queueMicrotask(() => void this.#push(count));
          return true;
        },
        hang: () =>
          new Observable<never>(() => {
            this.hanging += 1;
            return () => {
              this.hanging -= 1;
              this.hangsCancelled += 1;
            };
          }),
        ...config.handlers,
      },
    });
  }

  async #push(count: number): Promise<void> {
    for (let i = 0; i < count && !this.isClosing(); i += 1) await this.sendNotification('tick', [i]).catch(() => undefined);
  }
}

/** A factory for {@link EchoSession}s with extra options. */
export function echoFactory(config: RPCSessionConfig = {}): SessionFactory<EchoSession> {
  return (transport: Transport, options: SessionFactoryOptions) => new EchoSession(transport, { ...config, ...options });
}
