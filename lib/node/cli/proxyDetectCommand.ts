import { SOCKSProxy, SOCKSRandomAuth } from '../index.js';
import { ExitCode } from './ExitCode.js';
import { numberFromFlag } from './flagValues.js';
import type { Output } from './Output.js';
import { parseFlags } from './parseFlags.js';
import { TOR_PORTS } from './proxyFromFlag.js';
import { showProgress } from './showProgress.js';
import { untilAborted } from './untilAborted.js';
import { UsageError } from './UsageError.js';

/** `rxrpcx proxy-detect --help`. */
export const proxyDetectHelp = `Usage: rxrpcx proxy-detect HOST [PORT…] [flags]

Looks for a SOCKS proxy at HOST on each PORT in turn (default ${TOR_PORTS.join(' ')},
Tor's daemon and Tor Browser), trying SOCKS5, then SOCKS4a, then SOCKS4, and
prints the first found: {"protocol", "address", "auth"}. A proxy counts as
found when it connects to the probe destination (8.8.8.8:53, or
www.apple.com:80 for SOCKS4a) or properly refuses it.

  --timeout SECONDS               per probe (default 5)
  --random-auth                   probe with random credentials, as Tor isolation would
  -h, --help                      this help

Exit status: 0 found, 2 usage, 3 no proxy found.

Example:
  rxrpcx proxy-detect localhost`;

/**
 * `rxrpcx proxy-detect`: `SOCKSProxy.autoDetectAtHost`, printed.
 *
 * @param args - the words after `proxy-detect`
 * @param out - where output goes
 * @param signal - aborted on Ctrl-C
 * @returns the exit status
 */
export async function proxyDetectCommand(args: readonly string[], out: Output, signal: AbortSignal): Promise<ExitCode> {
  const { values, positionals } = parseFlags(args, {
    timeout: { type: 'string' },
    'random-auth': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    out.text(proxyDetectHelp);
    return ExitCode.OK;
  }
  const [host, ...portWords] = positionals;
  if (host === undefined) throw new UsageError('missing HOST');
  const ports = portWords.length === 0 ? TOR_PORTS : portWords.map((word) => numberFromFlag('PORT', word, 0, 'port'));
  const timeout = numberFromFlag('timeout', values.timeout, 5, 'seconds');
  const auth = values['random-auth'] ? new SOCKSRandomAuth() : null;
  const found = await untilAborted(
    showProgress(out, `looking for a SOCKS proxy at ${host} on ${ports.join(', ')}`, SOCKSProxy.autoDetectAtHost(host, ports, auth, { timeout, signal })),
    signal,
  );
  if (found === null) {
    out.log(`${out.paintError('red', 'not found:')} no SOCKS proxy at ${host} on port${ports.length === 1 ? '' : 's'} ${ports.join(', ')}`);
    return ExitCode.CONNECT;
  }
  out.value({ protocol: found.protocol, address: String(found.address), auth: found.auth === null ? 'none' : 'username' });
  return ExitCode.OK;
}
