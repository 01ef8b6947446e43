/**
 * One interface over the two implementations the suite plays against each
 * other: the reference aiorpcX (a Python process, `PythonPeer`) and rxrpcx
 * (in this process, `RxPeer`). Either can serve and either can connect, over
 * TCP or WebSocket; scenarios are written once against this interface and run
 * in every pairing, so the expectations are checked against the reference
 * talking to itself too.
 */
import type { EventLog } from './EventLog';

export type Wire = 'tcp' | 'ws';
export type ProtocolName = 'v1' | 'v2' | 'loose' | 'auto';

/** Session tunables, by the reference's names. */
export interface Settings {
  readonly processing_timeout?: number;
  readonly sent_request_timeout?: number;
  readonly max_response_size?: number;
  readonly cost_soft_limit?: number;
  readonly cost_hard_limit?: number;
  readonly cost_sleep?: number;
  readonly initial_concurrent?: number;
}

export interface EndpointOptions {
  /** The JSON-RPC protocol of the connection. @default 'v2' */
  readonly protocol?: ProtocolName;
  /** The largest message: the newline framer's limit (TCP) or the WebSocket's (ws). @default the library's */
  readonly maxSize?: number;
  /** Tunables applied to each session made. */
  readonly settings?: Settings;
}

/** What became of a request, as both peers describe it. */
export type Outcome =
  | { readonly result: unknown }
  | { readonly error: { readonly code: number; readonly message: string } }
  | { readonly failure: 'timeout' | 'connection' }
  | { readonly failure: 'batch'; readonly results: readonly Outcome[] }
  | { readonly failure: string };

export interface BatchItem {
  readonly method: string;
  readonly args?: unknown;
  readonly notification?: boolean;
}

export interface SessionState {
  readonly errors: number;
  readonly cost: number;
  /** Requests sent and still awaited (`pending_requests()`). */
  readonly pending: number;
  readonly closing: boolean;
  readonly recvCount: number;
  /** Notifications received, as [method, args]. */
  readonly notifications: ReadonlyArray<readonly [string, unknown]>;
  /** The connection's protocol now (after auto-detection, the detected one). */
  readonly protocol: ProtocolName | null;
}

export interface Peer {
  /** 'py': the reference aiorpcX 0.22.1; 'rx': rxrpcx. */
  readonly kind: 'py' | 'rx';
  /** Sessions opening ('session') and ending ('closed'), notifications, handlers 'started' / 'cancelled'. */
  readonly events: EventLog;
  /** Listens on 127.0.0.1 on a free port. */
  serve(wire: Wire, options?: EndpointOptions): Promise<{ readonly server: string; readonly port: number }>;
  /** Stops listening and aborts the server's sessions. */
  stop(server: string): Promise<void>;
  /** Connects to 127.0.0.1:port; returns the session's name. */
  connect(wire: Wire, port: number, options?: EndpointOptions): Promise<string>;
  /** Sends a request on a session (client side or server side); `timeout` in seconds. */
  request(session: string, method: string, args?: unknown, timeout?: number): Promise<Outcome>;
  notify(session: string, method: string, args?: unknown): Promise<Outcome>;
  batch(session: string, items: readonly BatchItem[], raiseErrors?: boolean): Promise<Outcome>;
  /** Sends all the requests at once and waits for every outcome. */
  concurrent(session: string, calls: ReadonlyArray<readonly [string, unknown]>): Promise<Outcome[]>;
  close(session: string): Promise<void>;
  abort(session: string): Promise<void>;
  state(session: string): Promise<SessionState>;
  /** Stops everything; for a Python peer, ends the process. */
  shutdown(): Promise<void>;
}
