import { RPCSession, serveRs, sessionDefaults, serveWs, type RPCSessionOptions, type SessionServer, type SessionFactory } from '../index.js';
import { readFlagFile } from './clientOptionsFromFlags.js';
import { ExitCode } from './ExitCode.js';
import { framerFromFlag, numberFromFlag, protocolFromFlag } from './flagValues.js';
import { bindToSession, loadMethodTable } from './loadMethodTable.js';
import type { Output } from './Output.js';
import { parseFlags } from './parseFlags.js';
import { UsageError } from './UsageError.js';

/** `rxrpcx serve --help`. */
export const serveHelp = `Usage: rxrpcx serve [--tcp PORT] [--ws PORT] [flags] MODULE

Serves the functions MODULE exports (an ES module or CommonJS file) as
JSON-RPC methods, by export name; the functions of a default-exported object
too. In a method, \`this\` is the session: \`this.sendNotification(name, args)\`
pushes a notification, \`this.closed$\` tells when the client leaves.
Each session's connect and close is logged to stderr. Ctrl-C closes the live
sessions gracefully and exits; a second Ctrl-C exits at once.

Listeners (at least one; PORT 0 picks a free port, logged on start):
  --tcp PORT                      newline-framed JSON-RPC over TCP (TLS with --tls-cert)
  --ws PORT                       WebSocket, one message per frame (wss with --tls-cert)
  --host HOST                     the address to bind (default 127.0.0.1; 0.0.0.0 for all)
  --tls-cert FILE --tls-key FILE  serve TLS (tls:// and wss://) with this PEM pair
Sessions:
  --protocol 2.0|1.0|loose|auto   JSON-RPC version (default 2.0)
  --framing newline|content-length
                                  TCP framing (default newline)
  --max-size BYTES                largest message (TCP framer maxSize, WebSocket maxPayload)
Protection (the library's defaults apply unless set):
  --cost-soft-limit N             cost at which the session starts to be throttled (${sessionDefaults.costSoftLimit})
  --cost-hard-limit N             cost at which the session is closed (${sessionDefaults.costHardLimit})
  --initial-concurrent N          requests handled at once per session (${sessionDefaults.initialConcurrent})
  --max-pending-requests N        requests waiting per session before reading pauses (${sessionDefaults.maxPendingRequests})
  --processing-timeout SECONDS    a request that takes longer is answered 'server busy' (${sessionDefaults.processingTimeout})
  --max-send-delay SECONDS        a peer that does not read for this long is dropped (${sessionDefaults.maxSendDelay})
  --ping-interval SECONDS         WebSocket pings; a client that misses one is dropped (0: none)
  -h, --help                      this help

Exit status: 0 after Ctrl-C, 2 usage (or the module cannot be loaded),
3 cannot listen.

Example:
  rxrpcx serve --tcp 50001 --ws 50003 ./methods.mjs`;

const serveFlags = {
  tcp: { type: 'string' },
  ws: { type: 'string' },
  host: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  protocol: { type: 'string' },
  framing: { type: 'string' },
  'max-size': { type: 'string' },
  'cost-soft-limit': { type: 'string' },
  'cost-hard-limit': { type: 'string' },
  'initial-concurrent': { type: 'string' },
  'max-pending-requests': { type: 'string' },
  'processing-timeout': { type: 'string' },
  'max-send-delay': { type: 'string' },
  'ping-interval': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * `rxrpcx serve`: `serveRs` and/or `serveWs` with a session per connection
 * whose handlers are the module's functions, until Ctrl-C.
 *
 * @param args - the words after `serve`
 * @param out - where output goes
 * @param signal - aborted on Ctrl-C: the servers close their sessions
 * @returns the exit status
 */
export async function serveCommand(args: readonly string[], out: Output, signal: AbortSignal): Promise<ExitCode> {
  const { values, positionals } = parseFlags(args, serveFlags);
  if (values.help) {
    out.text(serveHelp);
    return ExitCode.OK;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing MODULE' : `one MODULE, not ${positionals.length}`);
  if (values.tcp === undefined && values.ws === undefined) throw new UsageError('give --tcp PORT, --ws PORT, or both');
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  const host = values.host ?? '127.0.0.1';
  const maxSize = values['max-size'] === undefined ? undefined : numberFromFlag('max-size', values['max-size'], 0, 'count');
  const protocol = protocolFromFlag(values.protocol);
  const makeFramer = framerFromFlag(values.framing, maxSize);
  const tls =
    values['tls-cert'] === undefined ? undefined : { cert: readFlagFile('tls-cert', values['tls-cert']), key: readFlagFile('tls-key', values['tls-key']!) };
  const tunables: RPCSessionOptions = {
    ...tunable('costSoftLimit', 'cost-soft-limit', values['cost-soft-limit'], 'count'),
    ...tunable('costHardLimit', 'cost-hard-limit', values['cost-hard-limit'], 'count'),
    ...tunable('initialConcurrent', 'initial-concurrent', values['initial-concurrent'], 'count'),
    ...tunable('maxPendingRequests', 'max-pending-requests', values['max-pending-requests'], 'count'),
    ...tunable('processingTimeout', 'processing-timeout', values['processing-timeout'], 'seconds'),
    ...tunable('maxSendDelay', 'max-send-delay', values['max-send-delay'], 'seconds'),
  };
  const pingInterval = numberFromFlag('ping-interval', values['ping-interval'], 0, 'seconds');
  const tcpPort = values.tcp === undefined ? undefined : numberFromFlag('tcp', values.tcp, 0, 'port');
  const wsPort = values.ws === undefined ? undefined : numberFromFlag('ws', values.ws, 0, 'port');
  const { handlers } = await loadMethodTable(positionals[0]!);

  const factory =
    (kind: string, framed: boolean): SessionFactory<RPCSession> =>
    (transport, options) => {
      const framer = framed ? makeFramer?.() : undefined;
      const session = new RPCSession(transport, { ...options, ...tunables, protocol, ...(framer === undefined ? {} : { framer }) });
      session.handlers = bindToSession(handlers, session);
      logSession(out, kind, session);
      return session;
    };

  const servers: Array<SessionServer<RPCSession>> = [];
  const closeAll = (): Promise<unknown> => Promise.all(servers.map((server) => server.close({ closeSessions: true, forceAfter: 5 })));
  try {
    if (tcpPort !== undefined) {
      const scheme = tls ? 'tls' : 'tcp';
      const server = await serveRs(factory(scheme, true), host, tcpPort, tls ? { tls } : {});
      servers.push(server);
      out.log(`listening on ${scheme}://${server.address}`);
    }
    if (wsPort !== undefined) {
      const scheme = tls ? 'wss' : 'ws';
      const server = await serveWs(factory(scheme, false), host, wsPort, {
        ...(tls ? { tls } : {}),
        ...(maxSize === undefined ? {} : { maxPayload: maxSize }),
        pingInterval,
      });
      servers.push(server);
      out.log(`listening on ${scheme}://${server.address}`);
    }
    out.log(`serving ${Object.keys(handlers).sort().join(', ')}`);
  } catch (error) {
    await closeAll();
    throw error;
  }
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  const live = servers.reduce((sum, server) => sum + server.sessions.size, 0);
  out.log(`closing ${live} session${live === 1 ? '' : 's'}`);
  await closeAll();
  return ExitCode.OK;
}

/** One session option from its flag, or nothing when the flag is absent. */
function tunable(key: keyof RPCSessionOptions, flag: string, value: string | undefined, kind: 'count' | 'seconds'): Partial<RPCSessionOptions> {
  return value === undefined ? {} : { [key]: numberFromFlag(flag, value, 0, kind) };
}

/** Logs a session's connect now and its close when it comes, with what it did. */
function logSession(out: Output, kind: string, session: RPCSession): void {
  const peer = String(session.remoteAddress() ?? 'unknown peer');
  const started = Date.now();
  out.log(`${new Date(started).toISOString()} ${out.paintError('green', 'connect')} ${kind} ${peer}`);
  session.closed$.subscribe(() => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    out.log(
      `${new Date().toISOString()} ${out.paintError('yellow', 'close')} ${kind} ${peer} after ${seconds}s, ${session.recvCount} received, ${session.sendCount} sent, ${session.errors} errors`,
    );
  });
}
