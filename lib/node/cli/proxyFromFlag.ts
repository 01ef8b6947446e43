import { ConnectError, SOCKS4, SOCKS4a, SOCKS5, SOCKSProxy, SOCKSRandomAuth, SOCKSUserAuth, type SOCKSAuth, type SOCKSProtocol } from '../index.js';
import { UsageError } from './UsageError.js';

/** The ports `--proxy auto` tries on localhost: Tor's daemon, then Tor Browser. */
export const TOR_PORTS: readonly number[] = [9050, 9150];

const SCHEMES: Readonly<Record<string, SOCKSProtocol>> = { 'socks5:': SOCKS5, 'socks5h:': SOCKS5, 'socks4:': SOCKS4, 'socks4a:': SOCKS4a };

/**
 * The proxy of `--proxy`: `socks5://[user:pass@]host:port` (also `socks4://`,
 * `socks4a://`), or `auto` — SOCKS auto-detection on localhost ports 9050 and
 * 9150 (a local Tor). `randomAuth` (`--random-auth`) sends fresh random
 * credentials on each connection, so Tor isolates it on its own circuit.
 *
 * @param value - the flag's value
 * @param options - `randomAuth`; `timeout` (seconds) for each detection probe
 * @returns the proxy; auto-detection that finds nothing fails with `ConnectError` `refused`
 */
export async function proxyFromFlag(value: string, options: { readonly randomAuth: boolean; readonly timeout: number }): Promise<SOCKSProxy> {
  if (value === 'auto') {
    const auth = options.randomAuth ? new SOCKSRandomAuth() : null;
    const found = await SOCKSProxy.autoDetectAtHost('localhost', TOR_PORTS, auth, { timeout: Math.min(options.timeout, 5) });
    if (found === null) throw new ConnectError('refused', `localhost:${TOR_PORTS.join(',')}`, `--proxy auto: no SOCKS proxy on localhost ports ${TOR_PORTS.join(', ')}`);
    return found;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--proxy takes socks5://[user:pass@]host:port, socks4://…, socks4a://… or auto, not ${JSON.stringify(value)}`);
  }
  const protocol = SCHEMES[url.protocol];
  if (protocol === undefined) throw new UsageError(`--proxy: unknown scheme ${url.protocol} (socks5:, socks4:, socks4a:)`);
  if (url.hostname === '' || url.port === '') throw new UsageError('--proxy needs a host and a port');
  if (url.username !== '' && options.randomAuth) throw new UsageError('--random-auth and credentials in --proxy are exclusive');
  let auth: SOCKSAuth | null = null;
  if (url.username !== '') auth = new SOCKSUserAuth(decodeURIComponent(url.username), decodeURIComponent(url.password));
  else if (options.randomAuth) auth = new SOCKSRandomAuth();
  return new SOCKSProxy(`${url.hostname}:${url.port}`, protocol, auth);
}
