import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { RPCSession, consoleLogger, quietLogger, type NodeConnectOptions, type RPCSessionConfig, type Transport } from '../index.js';
import { framerFromFlag, numberFromFlag, protocolFromFlag } from './flagValues.js';
import { proxyFromFlag } from './proxyFromFlag.js';
import { UsageError } from './UsageError.js';

/** The flags `call` and `subscribe` share, in `util.parseArgs` form. */
export const clientFlags = {
  protocol: { type: 'string' },
  framing: { type: 'string' },
  timeout: { type: 'string' },
  proxy: { type: 'string' },
  'random-auth': { type: 'boolean' },
  insecure: { type: 'boolean' },
  ca: { type: 'string' },
  servername: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What `util.parseArgs` gives for {@link clientFlags}. */
export interface ClientFlagValues {
  readonly protocol?: string;
  readonly framing?: string;
  readonly timeout?: string;
  readonly proxy?: string;
  readonly 'random-auth'?: boolean;
  readonly insecure?: boolean;
  readonly ca?: string;
  readonly servername?: string;
  readonly verbose?: boolean;
}

/** The help lines of {@link clientFlags}. */
export const clientFlagsHelp = `Connection:
  --protocol 2.0|1.0|loose|auto   JSON-RPC version (default 2.0)
  --framing newline|content-length
                                  message framing (default: newline on tcp/tls, none on ws/wss)
  --timeout SECONDS               for connecting, and again for each answer (default 30)
  --proxy URL                     socks5://[user:pass@]host:port, socks4://…, socks4a://…,
                                  or auto (a local Tor on 9050 or 9150); tcp:// and tls:// only
  --random-auth                   fresh random SOCKS credentials (Tor stream isolation)
TLS (tls://, wss://):
  --ca FILE                       trust this CA (PEM) instead of the system's
  --servername NAME               the name to check the certificate against (and SNI)
  --insecure                      do not check the certificate at all (never the default)
Other:
  -v, --verbose                   log the client's connection attempts to stderr
  -h, --help                      this help`;

/**
 * The {@link NodeConnectOptions} of a one-shot client: no reconnection (it
 * must not retry forever), `--timeout` bounding the connection attempt and
 * each answer, and the protocol, framing, proxy and TLS of the flags.
 *
 * @param values - the parsed flags
 * @param options - `reconnect`: keep the library's reconnection policy (subscribe `--reconnect`)
 * @returns the options, once the proxy is known (`--proxy auto` detects first)
 */
export async function clientOptionsFromFlags(values: ClientFlagValues, options: { readonly reconnect?: boolean } = {}): Promise<NodeConnectOptions & { readonly timeout: number }> {
  const timeout = numberFromFlag('timeout', values.timeout, 30, 'seconds');
  const protocol = protocolFromFlag(values.protocol);
  const makeFramer = framerFromFlag(values.framing);
  if (values['random-auth'] && values.proxy === undefined) throw new UsageError('--random-auth needs --proxy');
  const proxy = values.proxy === undefined ? undefined : await proxyFromFlag(values.proxy, { randomAuth: values['random-auth'] === true, timeout });
  const tls: ConnectionOptions = {};
  if (values.insecure) Object.assign(tls, { rejectUnauthorized: false });
  if (values.ca !== undefined) Object.assign(tls, { ca: readFlagFile('ca', values.ca) });
  if (values.servername !== undefined) Object.assign(tls, { servername: values.servername });
  const logger = values.verbose ? consoleLogger : quietLogger;
  return {
    timeout,
    reconnect: options.reconnect ? {} : false,
    connectTimeout: timeout,
    requestTimeout: timeout,
    logger,
    session: {
      protocol,
      sentRequestTimeout: timeout,
      logger,
    },
    // A fresh framer for each session the client opens.
    ...(makeFramer === undefined ? {} : { sessionFactory: (transport: Transport, config: RPCSessionConfig) => new RPCSession(transport, { ...config, framer: makeFramer() }) }),
    ...(proxy === undefined ? {} : { proxy }),
    ...(Object.keys(tls).length === 0 ? {} : { tls }),
  };
}

/** Reads a file named by a flag; a missing file is a usage error. */
export function readFlagFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`--${flag}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
