/**
 * What the SOCKS suite runs against: the real proxies (microsocks, danted)
 * started on free loopback ports, a loopback echo server, and a scripted
 * proxy written here for the replies no real proxy sends.
 *
 * Everything listens on 127.0.0.1 and nothing here ever dials anything else.
 * The suite runs in a network namespace that has only loopback
 * (`scripts/loopback-netns.sh`); {@link assertLoopbackOnly} refuses to run otherwise.
 */
import { spawnSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type DaemonProcess } from '../../helpers/daemon';
import { createServer as createTlsServer } from 'node:tls';

export const LOOPBACK = '127.0.0.1';
const INSTALL_HINT = 'apt-get install -y microsocks dante-server';

/** Fails unless the only network interface is loopback. */
export function assertLoopbackOnly(): void {
  const names = Object.keys(networkInterfaces());
  if (names.some((name) => name !== 'lo')) {
    throw new Error(
      `network interfaces other than loopback are up (${names.join(', ')}): ` +
        'run the SOCKS suite via `npm run test:socks` (inside a loopback-only network namespace)',
    );
  }
}

/** The path of a binary, or a failure that says how to install it. */
export function requireBinary(name: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name} || ls /usr/sbin/${name} /usr/bin/${name} 2>/dev/null`], { encoding: 'utf8' });
  const path = found.stdout.split('\n')[0]?.trim();
  if (!path) throw new Error(`${name} is not installed; the SOCKS suite needs real proxies: ${INSTALL_HINT}`);
  return path;
}

/** A port nobody listens on right now (bound on 127.0.0.1, then released). */
export { freePort, waitForPort } from '../../helpers/daemon';

/** A proxy process of ours, stopped by its PID. */
export type ProxyProcess = DaemonProcess;

/** microsocks (SOCKS5), with username/password authentication when given; on `port` if given (else a free one). */
export function startMicrosocks(auth?: { readonly username: string; readonly password: string }, port?: number): Promise<ProxyProcess> {
  const binary = requireBinary('microsocks');
  return startDaemon(
    binary,
    (chosen) => ['-i', LOOPBACK, '-p', String(chosen), ...(auth ? ['-u', auth.username, '-P', auth.password] : [])],
    auth ? 'microsocks-auth' : 'microsocks',
    port,
  );
}

/** dante's danted, SOCKS4 and SOCKS5 without authentication, loopback only. */
export function startDanted(): Promise<ProxyProcess> {
  const binary = requireBinary('danted');
  return startDaemon(
    binary,
    (port, dir) => {
      const config = join(dir, 'danted.conf');
      writeFileSync(
        config,
        [
          'logoutput: stderr',
          `internal: ${LOOPBACK} port = ${port}`,
          `external: ${LOOPBACK}`,
          'clientmethod: none',
          'socksmethod: none',
          'user.privileged: root',
          'user.unprivileged: nobody',
          'client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }',
          'socks pass { from: 127.0.0.0/8 to: 127.0.0.0/8 }',
          '',
        ].join('\n'),
      );
      return ['-f', config, '-p', join(dir, 'danted.pid'), '-N', '1'];
    },
    'danted',
  );
}

/** A TCP server on 127.0.0.1; `close()` also destroys its open connections. */
export interface TestServer {
  readonly port: number;
  readonly server: Server;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function listen(
  onConnection: (socket: Socket) => void,
  tls?: { readonly key: string; readonly cert: string },
  host: string = LOOPBACK,
): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let count = 0;
  const track = (socket: Socket): void => {
    count += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  };
  const server = tls ? createTlsServer(tls, track) : createServer(track);
  if (tls) server.on('connection', (socket: Socket) => socket.on('error', () => undefined));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    server,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Echoes every byte back; on 127.0.0.1, or on `host` (`'::1'`). */
export function startEchoServer(host: string = LOOPBACK): Promise<TestServer> {
  return listen((socket) => socket.pipe(socket), undefined, host);
}

/** Echoes over TLS with the test-only certificate for localhost / 127.0.0.1. */
export function startTlsEchoServer(): Promise<TestServer> {
  return listen((socket) => socket.pipe(socket), { key: fixture('localhost.key'), cert: fixture('localhost.crt') });
}

/** A file of `fixtures/` (a self-signed test certificate, valid 100 years, for nothing but these tests). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

/** Writes `bytes` and reads until as many bytes came back. */
export function roundTrip(socket: Socket, bytes: Buffer): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes.length) {
        socket.off('data', onData);
        socket.off('error', reject);
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(bytes);
  });
}

/** Reads until `count` bytes arrived (without writing). */
export function readBytes(socket: Socket, count: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= count) {
        socket.off('data', onData);
        resolve(Buffer.concat(chunks));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('end', () => reject(new Error(`EOF after ${length} of ${count} bytes`)));
  });
}

/**
 * One connection to the scripted proxy, read with `await read(n)`.
 */
export class ScriptedConnection {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended = false;
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiter?.();
    });
    socket.on('end', () => {
      this.ended = true;
      this.waiter?.();
    });
    this.closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () => {
      this.ended = true;
      this.waiter?.();
    });
  }

  /** The next `count` bytes; rejects if the client closes first. */
  async read(count: number): Promise<Buffer> {
    while (this.buffer.length < count) {
      if (this.ended) throw new Error(`client closed after ${this.buffer.length} of ${count} bytes`);
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
    const out = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return out;
  }

  /** Bytes up to and including the next NUL, without it. */
  async readNulTerminated(): Promise<string> {
    const bytes: number[] = [];
    for (;;) {
      const [byte] = await this.read(1);
      if (byte === 0) return Buffer.from(bytes).toString('utf8');
      bytes.push(byte!);
    }
  }

  write(bytes: Buffer | Uint8Array | number[]): void {
    this.socket.write(Buffer.from(bytes as Uint8Array));
  }

  /** From now on, relays both ways between the client and `upstream` (what was not read yet goes first). */
  relayTo(upstream: Socket): void {
    this.socket.removeAllListeners('data');
    if (this.buffer.length > 0) upstream.write(this.buffer);
    this.buffer = Buffer.alloc(0);
    this.socket.pipe(upstream);
    upstream.pipe(this.socket);
    upstream.on('error', () => this.socket.destroy());
    upstream.on('close', () => this.socket.destroy());
    this.socket.on('close', () => upstream.destroy());
  }
}

/** What the scripted proxy was asked. */
export interface ProxyRecord {
  readonly protocol: 4 | 5;
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
}

/** A proxy whose every connection runs `script`. */
export async function startScriptedProxy(script: (connection: ScriptedConnection) => Promise<void>): Promise<TestServer> {
  return listen((socket) => {
    const connection = new ScriptedConnection(socket);
    script(connection).catch(() => socket.destroy());
  });
}

/** Connects to a loopback destination (a host name is resolved here, IPv4 only); `undefined` if that fails. */
async function connectUpstream(host: string, port: number): Promise<Socket | undefined> {
  const address = (await lookup(host, { family: 4 }).catch(() => undefined))?.address;
  // Never dial anything but loopback, whatever a test asks for.
  if (address === undefined || !address.startsWith('127.')) return undefined;
  const upstream = netConnect({ host: address, port });
  const ok = await new Promise<boolean>((resolve) => {
    upstream.once('connect', () => resolve(true));
    upstream.once('error', () => resolve(false));
  });
  if (!ok) {
    upstream.destroy();
    return undefined;
  }
  return upstream;
}

/**
 * A real SOCKS4 / SOCKS4a server (to loopback destinations only): reads the
 * request, resolves a SOCKS4a host name itself, connects, replies, relays.
 * With `refuseHostnames` it closes on SOCKS4a requests, like a SOCKS4-only
 * server that drops what it cannot parse.
 */
export function socks4Script(records: ProxyRecord[], options: { readonly refuseHostnames?: boolean } = {}) {
  return async (connection: ScriptedConnection): Promise<void> => {
    // Not SOCKS4 (a SOCKS5 greeting is 3 bytes): drop the connection at once.
    const [version] = await connection.read(1);
    if (version !== 4) {
      connection.socket.destroy();
      return;
    }
    const head = Buffer.concat([Buffer.from([4]), await connection.read(7)]);
    if (head[1] !== 1) {
      connection.socket.destroy();
      return;
    }
    const port = head.readUInt16BE(2);
    const ip = [...head.subarray(4, 8)].join('.');
    const username = await connection.readNulTerminated();
    const isSocks4a = head[4] === 0 && head[5] === 0 && head[6] === 0 && head[7] !== 0;
    const host = isSocks4a ? await connection.readNulTerminated() : ip;
    records.push({ protocol: 4, host, port, username });
    if (isSocks4a && options.refuseHostnames) {
      connection.socket.destroy();
      return;
    }
    const reply = (code: number): number[] => [0, code, 0, 0, 0, 0, 0, 0];
    const upstream = await connectUpstream(host, port);
    if (!upstream) {
      connection.write(reply(91));
      connection.socket.end();
      return;
    }
    connection.write(reply(90));
    connection.relayTo(upstream);
  };
}

/**
 * A real SOCKS5 server (to loopback destinations only) that records the
 * credentials it is sent, accepting any; with `refuse` it answers every
 * request with that reply code instead.
 */
export function socks5Script(records: ProxyRecord[], options: { readonly refuse?: number } = {}) {
  return async (connection: ScriptedConnection): Promise<void> => {
    const [version, count] = await connection.read(2);
    if (version !== 5) {
      connection.socket.destroy();
      return;
    }
    const methods = [...(await connection.read(count!))];
    let username: string | undefined;
    let password: string | undefined;
    if (methods.includes(2)) {
      connection.write([5, 2]);
      const [, userLength] = await connection.read(2);
      username = (await connection.read(userLength!)).toString('utf8');
      const [passwordLength] = await connection.read(1);
      password = (await connection.read(passwordLength!)).toString('utf8');
      connection.write([1, 0]);
    } else {
      connection.write([5, 0]);
    }
    const [, command, , addressType] = await connection.read(4);
    let host: string;
    if (addressType === 1) host = [...(await connection.read(4))].join('.');
    else if (addressType === 3) host = (await connection.read((await connection.read(1))[0]!)).toString('utf8');
    else host = [...(await connection.read(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const port = (await connection.read(2)).readUInt16BE(0);
    records.push({ protocol: 5, host, port, ...(username === undefined ? {} : { username, password: password! }) });
    const reply = (code: number): number[] => [5, code, 0, 1, 127, 0, 0, 1, 0, 0];
    if (command !== 1) {
      connection.write(reply(7));
      return;
    }
    if (options.refuse !== undefined) {
      connection.write(reply(options.refuse));
      connection.socket.end();
      return;
    }
    const upstream = await connectUpstream(host, port);
    if (!upstream) {
      connection.write(reply(5));
      connection.socket.end();
      return;
    }
    connection.write(reply(0));
    connection.relayTo(upstream);
  };
}
