/**
 * The client test kit: a virtual server that a client's connector reaches in
 * virtual time (inside `TestScheduler.run`), which can be stopped (every
 * session aborted, every attempt refused) and started again, and a recorder
 * of a client's states with the virtual time of each.
 */
import { asyncScheduler, mergeMap, of, throwError, timer } from 'rxjs';
import { ConnectError, RPCSession, memoryTransportPair, type ClientState, type Connector, type RPCClient, type RPCSessionConfig } from 'rxrpcx';

export { at, capturingLogger, testScheduler } from '../session/sessionTestKit';

/** A server reached through `connector`, one RPCSession per connection. */
export interface VirtualServer {
  readonly connector: Connector;
  /** Live server sessions. */
  readonly sessions: Set<RPCSession>;
  /** `time:endpoint` of each connection attempt that reached the server. */
  readonly attempts: string[];
  /** Aborts every session and refuses connections (`ConnectError` `refused`) until `start()`. */
  stop(): void;
  start(): void;
  /** Sends a notification from every live session. */
  push(method: string, args: unknown[]): void;
}

/**
 * A virtual server: each attempt takes `latency` ms, then opens (a memory
 * pair, the far end served by an RPCSession with `config`) or fails, as
 * `refuse(endpoint)` says (by default: refused while stopped).
 */
export function virtualServer(
  config: RPCSessionConfig = {},
  options: { readonly latency?: number; readonly refuse?: (endpoint: string) => ConnectError | undefined } = {},
): VirtualServer {
  let up = true;
  const sessions = new Set<RPCSession>();
  const attempts: string[] = [];
  const latency = options.latency ?? 1;
  const connector: Connector = (endpoint) =>
    timer(latency).pipe(
      mergeMap(() => {
        attempts.push(`${asyncScheduler.now()}:${endpoint}`);
        const refusal = up ? options.refuse?.(endpoint) : new ConnectError('refused', endpoint, `connect to ${endpoint} refused`);
        if (refusal !== undefined) return throwError(() => refusal);
        const [clientEnd, serverEnd] = memoryTransportPair();
        const session = new RPCSession(serverEnd, config);
        sessions.add(session);
        session.closed$.subscribe(() => sessions.delete(session));
        return of(clientEnd);
      }),
    );
  return {
    connector,
    sessions,
    attempts,
    stop: () => {
      up = false;
      for (const session of sessions) session.abort();
    },
    start: () => {
      up = true;
    },
    push: (method, args) => {
      for (const session of sessions) session.sendNotification(method, args).catch(() => undefined);
    },
  };
}

/** A state in one line: `status` and, where there are, `attempt`, `endpoint`, `delay` (ms) and the last error's name. */
export function summary(state: ClientState): string {
  const parts: string[] = [state.status];
  if ('attempt' in state) parts.push(`#${state.attempt}`);
  if ('endpoint' in state) parts.push(state.endpoint);
  if (state.status === 'reconnecting') parts.push(`in ${Math.round(state.delay * 1000)}ms`);
  const error = 'lastError' in state ? state.lastError : undefined;
  if (error instanceof Error) parts.push(error.name);
  return parts.join(' ');
}

/** Records `time summary` for each state of the client (call inside the run; read after it). */
export function recordStates(client: RPCClient): string[] {
  const seen: string[] = [];
  client.state$.subscribe({
    next: (state) => seen.push(`${asyncScheduler.now()} ${summary(state)}`),
    complete: () => seen.push(`${asyncScheduler.now()} |`),
  });
  return seen;
}
