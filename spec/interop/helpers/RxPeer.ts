/**
 * rxrpcx as a {@link Peer}: serveRs / connectRs / serveWs / connectWs with an
 * RPCSession whose method table mirrors `peers/peer.py` — same names, same
 * signatures (declared with defineHandler, so argument errors are checked the
 * reference's way), same events.
 */
import { Observable, firstValueFrom, NEVER, timer } from 'rxjs';
import {
  BatchRequest,
  BatchError,
  ConnectionError,
  JSONRPCAutoDetect,
  JSONRPCLoose,
  JSONRPCv1,
  JSONRPCv2,
  NewlineFramer,
  Notification,
  RPCError,
  RPCSession,
  ReplyAndDisconnect,
  TaskTimeout,
  defineHandler,
  type JSONRPCProtocol,
  type Request,
  type RequestArgs,
  type RPCMethodTable,
  type RPCSessionConfig,
  type Transport,
} from 'rxrpcx';
import { connectRs, connectWs, serveRs, serveWs, type SessionServer } from 'rxrpcx/node';
import { EventLog } from './EventLog';
import type { BatchItem, EndpointOptions, Outcome, Peer, ProtocolName, SessionState, Settings, Wire } from './Peer';

const PROTOCOLS: Record<ProtocolName, JSONRPCProtocol> = {
  v1: JSONRPCv1,
  v2: JSONRPCv2,
  loose: JSONRPCLoose,
  auto: JSONRPCAutoDetect,
};

/** The session the suite runs on the rxrpcx side: records notifications as the Python peer does. */
export class InteropSession extends RPCSession {
  name = '';
  readonly received: Array<[string, unknown]> = [];
  onNotification: (notification: Notification) => void = () => undefined;

  override handleRequest(request: Request | Notification): unknown {
    if (request instanceof Notification) {
      this.received.push([request.method, request.args]);
      this.onNotification(request);
    }
    return super.handleRequest(request);
  }
}

/** Sets tunables by the reference's names. */
export function applySettings(session: RPCSession, settings: Settings | Record<string, unknown>): void {
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value !== 'number') throw new RPCError(-32602, `unknown setting ${key}`);
    switch (key) {
      case 'processing_timeout':
        session.processingTimeout = value;
        break;
      case 'sent_request_timeout':
        session.sentRequestTimeout = value;
        break;
      case 'max_response_size':
        session.connection.maxResponseSize = value;
        break;
      case 'cost_soft_limit':
        session.costSoftLimit = value;
        break;
      case 'cost_hard_limit':
        session.costHardLimit = value;
        break;
      case 'cost_sleep':
        session.costSleep = value;
        break;
      case 'initial_concurrent':
        session.initialConcurrent = value;
        break;
      default:
        throw new RPCError(-32602, `unknown setting ${key}`);
    }
  }
}

/** The method table of `peers/peer.py`, for one session. */
export function interopMethods(session: InteropSession, events: EventLog): RPCMethodTable {
  const name = (): string => session.name;
  return {
    ping: defineHandler(() => 'pong'),
    echo: defineHandler((value: unknown) => value, { params: ['value'] }),
    add: defineHandler((a: number, b: number) => a + b, { params: ['a', 'b'] }),
    sum: defineHandler((values: number[]) => values.reduce((total, value) => total + value, 0), { params: ['...values'] }),
    fail: defineHandler(
      (code: number, message: string) => {
        throw new RPCError(code, message);
      },
      { params: ['code', 'message'] },
    ),
    crash: defineHandler(() => {
      throw new Error('boom');
    }),
    sleep: defineHandler(
      (seconds: number) =>
        new Observable<number>((subscriber) => {
          events.push({ event: 'started', session: name(), method: 'sleep' });
          let done = false;
          // Real time on the async scheduler: the peer on the other side is a real process.
          const sleeping = timer(seconds * 1000).subscribe(() => {
            done = true;
            events.push({ event: 'finished', session: name(), method: 'sleep' });
            subscriber.next(seconds);
            subscriber.complete();
          });
          return () => {
            sleeping.unsubscribe();
            if (!done) events.push({ event: 'cancelled', session: name(), method: 'sleep' });
          };
        }),
      { params: ['seconds'] },
    ),
    big: defineHandler((n: number) => 'x'.repeat(n), { params: ['n'] }),
    call_back: defineHandler((method: string, args: RequestArgs) => session.sendRequest(method, args), {
      params: ['method', 'args'],
    }),
    notify_back: defineHandler(
      async (method: string, args: RequestArgs) => {
        await session.sendNotification(method, args);
        return true;
      },
      { params: ['method', 'args'] },
    ),
    reply_and_disconnect: defineHandler(
      (value: unknown) => {
        throw new ReplyAndDisconnect(value);
      },
      { params: ['value'] },
    ),
    reply_error_and_disconnect: defineHandler(
      (code: number, message: string) => {
        throw new ReplyAndDisconnect(new RPCError(code, message));
      },
      { params: ['code', 'message'] },
    ),
    bump_cost: defineHandler(
      (amount: number) => {
        session.bumpCost(amount);
        return true;
      },
      { params: ['amount'] },
    ),
    disconnect: defineHandler(() => {
      session.abort();
      return NEVER;
    }),
    configure: defineHandler(
      (settings: Record<string, unknown>) => {
        applySettings(session, settings);
        return true;
      },
      { params: ['settings'] },
    ),
    whoami: defineHandler(() => session.name),
    note: defineHandler(() => null, { params: ['...args'] }),
  };
}

export class RxPeer implements Peer {
  readonly kind = 'rx' as const;
  readonly events = new EventLog();
  readonly sessions = new Map<string, InteropSession>();
  readonly #servers = new Map<string, SessionServer<InteropSession>>();
  #sessionCount = 0;
  #serverCount = 0;

  /** A session factory making interop sessions, reporting to `events`. */
  factory(options: EndpointOptions, server: string | null) {
    return (transport: Transport, factoryOptions: Pick<RPCSessionConfig, 'framer'>): InteropSession => {
      const session = new InteropSession(transport, { ...factoryOptions, protocol: PROTOCOLS[options.protocol ?? 'v2'] });
      this.#sessionCount += 1;
      session.name = `rx${this.#sessionCount}`;
      session.handlers = interopMethods(session, this.events);
      if (options.settings) applySettings(session, options.settings);
      session.onNotification = (notification) =>
        this.events.push({ event: 'notification', session: session.name, method: notification.method, args: notification.args });
      this.sessions.set(session.name, session);
      this.events.push({ event: 'session', session: session.name, server });
      session.closed$.subscribe(() => this.events.push({ event: 'closed', session: session.name }));
      return session;
    };
  }

  async serve(wire: Wire, options: EndpointOptions = {}): Promise<{ server: string; port: number }> {
    this.#serverCount += 1;
    const name = `rs${this.#serverCount}`;
    const factory = this.factory(options, name);
    const server =
      wire === 'tcp'
        ? await serveRs(factory, '127.0.0.1', 0, options.maxSize === undefined ? {} : { framer: new NewlineFramer({ maxSize: options.maxSize }) })
        : await serveWs(factory, '127.0.0.1', 0, options.maxSize === undefined ? {} : { maxPayload: options.maxSize });
    this.#servers.set(name, server);
    return { server: name, port: server.address.port };
  }

  async stop(name: string): Promise<void> {
    const server = this.#servers.get(name);
    if (!server) return;
    this.#servers.delete(name);
    const sessions = [...server.sessions];
    await server.close();
    await Promise.all(sessions.map((session) => abortAndWait(session)));
  }

  async connect(wire: Wire, port: number, options: EndpointOptions = {}): Promise<string> {
    const sessionFactory = this.factory(options, null);
    const session =
      wire === 'tcp'
        ? await connectRs<InteropSession>('127.0.0.1', port, {
            sessionFactory,
            ...(options.maxSize === undefined ? {} : { framer: new NewlineFramer({ maxSize: options.maxSize }) }),
          })
        : await connectWs<InteropSession>(`ws://127.0.0.1:${port}`, {
            sessionFactory,
            ...(options.maxSize === undefined ? {} : { maxPayload: options.maxSize }),
          });
    return session.name;
  }

  session(name: string): InteropSession {
    const session = this.sessions.get(name);
    if (!session) throw new Error(`no rxrpcx session ${name}`);
    return session;
  }

  request(session: string, method: string, args: unknown = [], timeout?: number): Promise<Outcome> {
    const options = timeout === undefined ? {} : { timeout };
    return outcomeOf(this.session(session).sendRequest(method, args as RequestArgs, options));
  }

  notify(session: string, method: string, args: unknown = []): Promise<Outcome> {
    return outcomeOf(this.session(session).sendNotification(method, args as RequestArgs));
  }

  batch(session: string, items: readonly BatchItem[], raiseErrors = false): Promise<Outcome> {
    const batch = new BatchRequest(this.session(session), raiseErrors);
    for (const item of items) {
      if (item.notification) batch.addNotification(item.method, (item.args ?? []) as RequestArgs);
      else batch.addRequest(item.method, (item.args ?? []) as RequestArgs);
    }
    return outcomeOf(batch.send().then((results) => results.map(memberOutcome)));
  }

  concurrent(session: string, calls: ReadonlyArray<readonly [string, unknown]>): Promise<Outcome[]> {
    const target = this.session(session);
    return Promise.all(calls.map(([method, args]) => outcomeOf(target.sendRequest(method, args as RequestArgs))));
  }

  async close(session: string): Promise<void> {
    await this.session(session).close();
  }

  async abort(session: string): Promise<void> {
    await abortAndWait(this.session(session));
  }

  async state(name: string): Promise<SessionState> {
    const session = this.session(name);
    const protocol = session.connection.protocol;
    return {
      errors: session.errors,
      cost: session.cost,
      pending: session.connection.pendingRequests().length,
      closing: session.isClosing(),
      recvCount: session.recvCount,
      notifications: session.received,
      protocol: (Object.keys(PROTOCOLS) as ProtocolName[]).find((key) => PROTOCOLS[key] === protocol) ?? null,
    };
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.#servers.keys()].map((name) => this.stop(name)));
    await Promise.all([...this.sessions.values()].map((session) => abortAndWait(session)));
  }
}

async function abortAndWait(session: RPCSession): Promise<void> {
  session.abort();
  await firstValueFrom(session.closed$, { defaultValue: undefined });
}

async function outcomeOf(promise: Promise<unknown>): Promise<Outcome> {
  try {
    const value = await promise;
    return { result: value === undefined ? null : value };
  } catch (error) {
    if (error instanceof BatchError) return { failure: 'batch', results: (error.request.results ?? []).map(memberOutcome) };
    if (error instanceof RPCError) return { error: { code: error.code, message: error.message } };
    if (error instanceof TaskTimeout) return { failure: 'timeout' };
    if (error instanceof ConnectionError) return { failure: 'connection' };
    throw error;
  }
}

function memberOutcome(result: unknown): Outcome {
  return result instanceof RPCError ? { error: { code: result.code, message: result.message } } : { result: result ?? null };
}
