import { readFileSync } from 'node:fs';
import { firstValueFrom } from 'rxjs';
import { BatchRequest, RPCError, connect$, type RPCClient, type RPCSession } from '../index.js';
import { checkEndpoint } from './checkEndpoint.js';
import { clientFlags, clientFlagsHelp, clientOptionsFromFlags } from './clientOptionsFromFlags.js';
import { ExitCode } from './ExitCode.js';
import type { Output } from './Output.js';
import { parseArgumentWord, parseCallArguments } from './parseCallArguments.js';
import { parseFlags } from './parseFlags.js';
import { showProgress } from './showProgress.js';
import { untilAborted } from './untilAborted.js';
import { UsageError } from './UsageError.js';

/** `rxrpcx call --help`. */
export const callHelp = `Usage: rxrpcx call URL METHOD [ARG…] [flags]
       rxrpcx call URL --batch FILE [flags]

Sends one request and prints its result.

URL is tcp://host:port, tls://host:port, ws://host:port[/path] or wss://…
Each ARG is a JSON value ('"me"', 12, true, '[1,2]'); a word that is not JSON
is sent as a string. Put -- before an argument that starts with a dash.

  --named                         ARGs are key=value: send params as an object
  --batch FILE                    send a batch: one JSON line per member,
                                  {"method": M, "params": P} (add "notification": true
                                  for a notification) or ["method", arg, …];
                                  prints one result per request, in order
${clientFlagsHelp}

Output: on a terminal, indented coloured JSON; piped, one compact JSON value
per line. Errors go to stderr as 'error: Name code: message'.

Exit status: 0 ok, 1 the server answered with an error, 2 usage,
3 could not connect (or the connection was lost), 4 timeout,
5 protocol error, 130 interrupted.

Examples:
  rxrpcx call tls://electrum.example.org:50002 server.version '"me"' '"1.4"'
  rxrpcx call tcp://127.0.0.1:50001 add 2 3 | jq .
  rxrpcx call ws://127.0.0.1:50003 greet --named name=ann
  rxrpcx call tcp://abc…xyz.onion:50001 server.banner --proxy auto --random-auth`;

/**
 * `rxrpcx call`: one request (or one batch) on a client that does not
 * reconnect, printed as JSON.
 *
 * @param args - the words after `call`
 * @param out - where output goes
 * @param signal - aborted on Ctrl-C
 * @returns the exit status
 */
export async function callCommand(args: readonly string[], out: Output, signal: AbortSignal): Promise<ExitCode> {
  const { values, positionals } = parseFlags(args, { ...clientFlags, named: { type: 'boolean' }, batch: { type: 'string' } });
  if (values.help) {
    out.text(callHelp);
    return ExitCode.OK;
  }
  const [rawUrl, method, ...words] = positionals;
  const url = checkEndpoint(rawUrl);
  const batch = values.batch === undefined ? undefined : readBatch(values.batch);
  if (batch === undefined && method === undefined) throw new UsageError('missing METHOD');
  if (batch !== undefined && method !== undefined) throw new UsageError('--batch takes the calls from its file: no METHOD or ARG');
  const params = batch === undefined ? parseCallArguments(words, values.named === true) : undefined;

  const options = await untilAborted(showProgress(out, values.proxy === 'auto' ? 'detecting a local SOCKS proxy' : undefined, clientOptionsFromFlags(values)), signal);
  const client: RPCClient = connect$(url, options);
  const progress = client.state$.subscribe((state) => {
    if (state.status === 'connecting') out.spinner.start(`connecting to ${url}${options.proxy ? ` via ${options.proxy.address}` : ''}`);
    else if (state.status === 'open') out.spinner.start(batch === undefined ? `waiting for ${method}` : `waiting for the batch`);
  });
  try {
    if (batch === undefined) {
      out.value(await untilAborted(client.sendRequest(method!, params), signal));
      return ExitCode.OK;
    }
    const session = await untilAborted(firstSession(client), signal);
    const request = new BatchRequest(session);
    for (const member of batch) {
      if (member.notification) request.addNotification(member.method, member.params);
      else request.addRequest(member.method, member.params);
    }
    const results = await untilAborted(request.send(), signal);
    for (const result of results) out.value(result instanceof RPCError ? { error: result.toJSON() } : result);
    return results.some((result) => result instanceof Error) ? ExitCode.RPC_ERROR : ExitCode.OK;
  } finally {
    progress.unsubscribe();
    out.spinner.stop();
    await client.close();
  }
}

/** The client's first session, or the error that kept it from having one. */
export async function firstSession(client: RPCClient): Promise<RPCSession> {
  try {
    return await firstValueFrom(client.session$);
  } catch (error) {
    const state = client.state;
    throw state.status === 'closed' && state.lastError !== undefined ? state.lastError : error;
  }
}

interface BatchMember {
  readonly method: string;
  readonly params: unknown[] | Record<string, unknown> | undefined;
  readonly notification: boolean;
}

/** Reads a `--batch` file: one JSON member per line; blank lines are skipped. */
function readBatch(path: string): BatchMember[] {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`--batch: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const members: BatchMember[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `--batch ${path}, line ${index + 1}`;
    const value = parseArgumentWord(line);
    if (Array.isArray(value) && typeof value[0] === 'string') {
      members.push({ method: value[0], params: value.slice(1), notification: false });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${where}: expected {"method": …, "params": …} or ["method", arg, …]`);
    const { method, params, notification } = value as Record<string, unknown>;
    if (typeof method !== 'string') throw new UsageError(`${where}: "method" must be a string`);
    if (params !== undefined && (typeof params !== 'object' || params === null)) throw new UsageError(`${where}: "params" must be an array or an object`);
    members.push({ method, params: params as BatchMember['params'], notification: notification === true });
  });
  if (members.length === 0) throw new UsageError(`--batch ${path}: no calls`);
  return members;
}
