/**
 * `rxrpcx`: the command line — curl and websocat for JSON-RPC over TCP, TLS,
 * WebSocket and SOCKS. Dispatches to one command per file; `bin.ts` is the
 * executable that runs it.
 *
 * @packageDocumentation
 */
import { callCommand, callHelp } from './callCommand.js';
import { ExitCode, exitCodeOf } from './ExitCode.js';
import { InterruptedError } from './InterruptedError.js';
import { packageVersion } from '../packageInternals.js';
import { Output } from './Output.js';
import { proxyDetectCommand, proxyDetectHelp } from './proxyDetectCommand.js';
import { serveCommand, serveHelp } from './serveCommand.js';
import { subscribeCommand, subscribeHelp } from './subscribeCommand.js';
import { UsageError } from './UsageError.js';

type Command = (args: readonly string[], out: Output, signal: AbortSignal) => Promise<ExitCode>;

const commands: Readonly<Record<string, { readonly run: Command; readonly help: string }>> = {
  call: { run: callCommand, help: callHelp },
  subscribe: { run: subscribeCommand, help: subscribeHelp },
  serve: { run: serveCommand, help: serveHelp },
  'proxy-detect': { run: proxyDetectCommand, help: proxyDetectHelp },
};

/** `rxrpcx --help`. */
export const mainHelp = `Usage: rxrpcx COMMAND [ARG…] [flags]

JSON-RPC from the shell, over TCP, TLS, WebSocket and SOCKS (rxrpcx, aiorpcX's port).

Commands:
  call URL METHOD [ARG…]          send a request (or --batch FILE), print the result
  subscribe URL METHOD [ARG…]     print the result, then each notification
  serve [--tcp PORT] [--ws PORT] MODULE
                                  serve a JS module's exported functions
  proxy-detect HOST [PORT…]       look for a SOCKS proxy (default ports 9050 9150)

URL: tcp://host:port, tls://host:port, ws://host:port[/path], wss://…

  rxrpcx COMMAND --help           a command's flags
  -V, --version                   the version

Output: a terminal gets indented, coloured JSON and a spinner on stderr;
a pipe gets one compact JSON value per line. NO_COLOR turns colour off,
FORCE_COLOR=1 on.

Exit status:
  0    success (and Ctrl-C ending 'subscribe' or 'serve')
  1    the server answered with a JSON-RPC error
  2    usage: bad flags or arguments, an unreadable file or module
  3    no connection: refused, DNS, TLS, SOCKS, connection lost; cannot listen; no proxy found
  4    timeout (--timeout)
  5    protocol error: the reply broke JSON-RPC
  130  interrupted (Ctrl-C) before the answer`;


/**
 * Runs one command line.
 *
 * @param argv - the words after `rxrpcx`
 * @param out - where output goes
 * @param signal - aborted on Ctrl-C / SIGTERM
 * @returns the exit status
 */
export async function main(argv: readonly string[], out: Output, signal: AbortSignal): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.text(mainHelp);
    return name === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  if (name === '--version' || name === '-V') {
    out.text(packageVersion());
    return ExitCode.OK;
  }
  const command = commands[name];
  try {
    if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)} (call, subscribe, serve, proxy-detect)`);
    return await command.run(rest, out, signal);
  } catch (error) {
    if (error instanceof InterruptedError) out.log(out.paintError('dim', 'interrupted'));
    else out.error(error);
    if (error instanceof UsageError) out.log(`see: rxrpcx ${command === undefined ? '' : `${name} `}--help`);
    return exitCodeOf(error);
  }
}
