/**
 * What the end-to-end client specs run against: an Electrum-like server
 * (`headers.subscribe`, `echo`, `hang`, `server.ping`, a `log`
 * notification) served over real loopback sockets — TCP, WebSocket or TLS —
 * that a test stops and starts again on the same port, and a recorder of a
 * client's states.
 */
import { NEVER, asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { RPCSession, type ClientState, type RPCClient, type Transport } from 'rxrpcx';
import { serveRs, serveWs, type NodeConnectOptions, type SessionFactoryOptions, type SessionServer } from 'rxrpcx/node';
import type { Certificate } from '../nodeHelpers';
import { defer } from '../sessions/sessionHelpers';

/** One server's view of the world and what its sessions were asked. */
export class Chain {
  /** Calls of each method, notifications included, across this server's sessions. */
  readonly calls = new Map<string, number>();
  /** The `log` notifications received, by argument. */
  readonly logs: unknown[] = [];

  constructor(
    public height: number,
    /** How `server.ping` answers: `'answer'` (with null) or `'never'` (a request that never completes). */
    readonly ping: 'answer' | 'never' = 'answer',
  ) {}

  count(method: string): number {
    return this.calls.get(method) ?? 0;
  }

  called(method: string): void {
    this.calls.set(method, this.count(method) + 1);
  }
}

/** A server session of the Electrum-like server. */
export class ElectrumLikeSession extends RPCSession {
  constructor(transport: Transport, options: SessionFactoryOptions, chain: Chain) {
    super(transport, {
      ...options,
      handlers: {
        'headers.subscribe': () => {
          chain.called('headers.subscribe');
          return { height: chain.height };
        },
        echo: (value: unknown) => {
          chain.called('echo');
          return value;
        },
        hang: () => {
          chain.called('hang');
          return NEVER;
        },
        'server.ping': () => {
          chain.called('server.ping');
          return chain.ping === 'answer' ? null : NEVER;
        },
        log: (message: unknown) => {
          chain.called('log');
          chain.logs.push(message);
        },
      },
    });
  }
}

/** A transport to test over: how to serve it on a port and how the client reaches it. */
export interface Kind {
  readonly name: string;
  serve(chain: Chain, port: number): Promise<SessionServer<ElectrumLikeSession>>;
  url(port: number): string;
  /** The client options this kind needs (the test certificate for TLS). */
  readonly options: NodeConnectOptions;
}

/** Makes the Electrum-like sessions of a server serving `chain`. */
export const factoryOf =
  (chain: Chain) =>
  (transport: Transport, options: SessionFactoryOptions): ElectrumLikeSession =>
    new ElectrumLikeSession(transport, options, chain);

export const tcp: Kind = {
  name: 'tcp',
  serve: (chain, port) => serveRs(factoryOf(chain), '127.0.0.1', port),
  url: (port) => `tcp://127.0.0.1:${port}`,
  options: {},
};

export const ws: Kind = {
  name: 'ws',
  serve: (chain, port) => serveWs(factoryOf(chain), '127.0.0.1', port),
  url: (port) => `ws://127.0.0.1:${port}`,
  options: {},
};

/** TLS with `certificate` (made for `localhost`), trusted by the client. */
export function tls(certificate: () => Certificate): Kind {
  return {
    name: 'tls',
    serve: (chain, port) => serveRs(factoryOf(chain), '127.0.0.1', port, { tls: { key: certificate().key, cert: certificate().cert } }),
    url: (port) => `tls://127.0.0.1:${port}`,
    get options(): NodeConnectOptions {
      return { tls: { ca: certificate().cert, servername: 'localhost' } };
    },
  };
}

/** A server that stops and starts again on the same port; closed (with its sessions) after the test. */
export interface RestartableServer {
  /** The port, fixed by the first start (on port 0). */
  readonly port: number;
  /** The running server, if any. */
  readonly current: SessionServer<ElectrumLikeSession> | undefined;
  /** Closes the server and every live session. */
  stop(): Promise<void>;
  /** Serves `chain` on the same port again. */
  start(chain: Chain): Promise<SessionServer<ElectrumLikeSession>>;
  /** Sends `headers.subscribe` `[{height}]` to every live session of the running server. */
  pushHeight(height: number): Promise<void>;
}

export async function restartableServer(kind: Kind, chain: Chain): Promise<RestartableServer> {
  let current: SessionServer<ElectrumLikeSession> | undefined = await kind.serve(chain, 0);
  let chainNow = chain;
  const port = current.address.port;
  const stop = async (): Promise<void> => {
    const server = current;
    current = undefined;
    await server?.close({ closeSessions: true });
  };
  defer(async () => {
    const server = current;
    current = undefined;
    await server?.close({ closeSessions: true, forceAfter: 0 });
  });
  return {
    port,
    get current() {
      return current;
    },
    stop,
    start: async (next) => {
      if (current !== undefined) throw new Error('the server is running');
      chainNow = next;
      current = await kind.serve(next, port);
      return current;
    },
    pushHeight: async (height) => {
      chainNow.height = height;
      await Promise.all([...(current?.sessions ?? [])].map((session) => session.sendNotification('headers.subscribe', [{ height }])));
    },
  };
}

/** Closes `client` after the test; returns it. */
export function trackClient<C extends RPCClient>(client: C): C {
  defer(() => client.close());
  return client;
}

/** Every state a client goes through, from the current one on. */
export interface StateLog {
  readonly states: ClientState[];
  /** The states from index `from` on. */
  since(from: number): ClientState[];
  /** Whether `state$` completed. */
  readonly completed: boolean;
}

export function recordStates(client: RPCClient): StateLog {
  const states: ClientState[] = [];
  let completed = false;
  const subscription: Subscription = client.state$.subscribe({
    next: (state) => states.push(state),
    complete: () => (completed = true),
  });
  defer(() => subscription.unsubscribe());
  return {
    states,
    since: (from) => states.slice(from),
    get completed() {
      return completed;
    },
  };
}

/** A promise's outcome so far, without awaiting it. */
export interface Watched<T> {
  readonly settled: boolean;
  readonly promise: Promise<T>;
}

export function watch<T>(promise: Promise<T>): Watched<T> {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  watched.catch(() => undefined);
  return {
    get settled() {
      return settled;
    },
    promise,
  };
}

/**
 * `asyncScheduler` (real time), counting the actions scheduled through it
 * that are still due to run: a client given it shows whether it leaves a
 * timer behind.
 */
export class CountingScheduler implements SchedulerLike {
  readonly #actions = new Set<Subscription & { readonly pending?: boolean }>();

  now(): number {
    return asyncScheduler.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    const action = asyncScheduler.schedule(work, delay, state);
    this.#actions.add(action);
    return action;
  }

  /** Actions scheduled and neither run (without rescheduling) nor cancelled. */
  live(): number {
    for (const action of this.#actions) if (action.closed || action.pending === false) this.#actions.delete(action);
    return this.#actions.size;
  }
}
