import { UsageError } from './UsageError.js';

/**
 * Checks a server URL before any I/O: `tcp://host:port`, `tls://host:port`,
 * `ws://…` or `wss://…`.
 *
 * @param url - the command line's URL
 * @returns the URL, unchanged
 */
export function checkEndpoint(url: string | undefined): string {
  if (url === undefined) throw new UsageError('missing URL (tcp://host:port, tls://host:port, ws://… or wss://…)');
  const match = /^(tcp|tls|ws|wss):\/\/(.+)$/i.exec(url);
  if (match === null) throw new UsageError(`${JSON.stringify(url)} is not a tcp://, tls://, ws:// or wss:// URL`);
  if (/^(tcp|tls)$/i.test(match[1]!) && !/:\d+\/?$/.test(match[2]!)) throw new UsageError(`${url}: ${match[1]}:// needs a host and a port`);
  return url;
}
