/**
 * The IPC messages between a serveCluster primary and its workers. Every one
 * carries `channel: CLUSTER_CHANNEL`, so a program's own `process.send`
 * messages (which the cluster module delivers on the same channel) are never
 * taken for ours, and ours are easy for the program to skip.
 * @internal
 */

/** The tag on every message of ours. @internal */
export const CLUSTER_CHANNEL = 'rxrpcx:cluster/1';

/** The environment variable that hands a worker the port to listen on. @internal */
export const CLUSTER_PORT_ENV = 'RXRPCX_CLUSTER_PORT';

/** Worker → primary: its server listens. @internal */
export interface ListeningMessage {
  readonly channel: typeof CLUSTER_CHANNEL;
  readonly type: 'listening';
  readonly host: string;
  readonly port: number;
}

/** Worker → primary: its start function failed. @internal */
export interface FailedMessage {
  readonly channel: typeof CLUSTER_CHANNEL;
  readonly type: 'failed';
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
}

/** Worker → primary: how many sessions it has now. @internal */
export interface SessionsMessage {
  readonly channel: typeof CLUSTER_CHANNEL;
  readonly type: 'sessions';
  readonly sessions: number;
}

/** Primary → worker: stop listening, close (or drain) the sessions, and leave. @internal */
export interface CloseMessage {
  readonly channel: typeof CLUSTER_CHANNEL;
  readonly type: 'close';
  readonly closeSessions: boolean;
  readonly forceAfter: number;
}

/** What workers send. @internal */
export type WorkerMessage = ListeningMessage | FailedMessage | SessionsMessage;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Whether an IPC message from a worker is one of ours, and well formed. @internal */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (!isRecord(value) || value['channel'] !== CLUSTER_CHANNEL) return false;
  switch (value['type']) {
    case 'listening':
      return typeof value['host'] === 'string' && typeof value['port'] === 'number';
    case 'failed':
      return typeof value['name'] === 'string' && typeof value['message'] === 'string';
    case 'sessions':
      return typeof value['sessions'] === 'number';
    default:
      return false;
  }
}

/** Whether an IPC message from the primary is our close request. @internal */
export function isCloseMessage(value: unknown): value is CloseMessage {
  return (
    isRecord(value) &&
    value['channel'] === CLUSTER_CHANNEL &&
    value['type'] === 'close' &&
    typeof value['closeSessions'] === 'boolean' &&
    typeof value['forceAfter'] === 'number'
  );
}
