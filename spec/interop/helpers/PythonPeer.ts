/**
 * The reference aiorpcX 0.22.1 as a {@link Peer}: `peers/peer.py` under
 * Debian's /usr/bin/python3, driven by JSON lines on its stdin.
 *
 * The process is killed by its PID in `shutdown()`; it also exits by itself
 * when its stdin closes (this process ending), and a process 'exit' hook
 * kills any peer a failed test left behind.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { decodeJSONMessage } from '../../../lib/jsonrpc/jsonrpcInternals';
import { unlessSettled, within } from '../../helpers/deadline';
import { EventLog, type PeerEvent } from './EventLog';
import type { BatchItem, EndpointOptions, Outcome, Peer, SessionState, Wire } from './Peer';

export const PYTHON = '/usr/bin/python3';
export const PEER_SCRIPT = join(__dirname, '..', 'peers', 'peer.py');
export const INSTALL_HINT =
  'the interop suite needs the reference aiorpcX 0.22.1 and websockets under /usr/bin/python3: ' +
  'apt-get install -y python3-aiorpcx python3-websockets';

/** Bound on one command; a test fails in this time rather than hang. */
const COMMAND_MS = 30_000;

const live = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
}

interface Reply {
  readonly re: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

export class PythonPeer implements Peer {
  readonly kind = 'py' as const;
  readonly events = new EventLog();
  /** What the reference reported about itself on start. */
  versions: { aiorpcx?: string; websockets?: string } = {};
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly #exited: Promise<void>;
  #nextId = 1;
  #stderr = '';

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('close', () => resolve()));
  }

  /**
   * Starts a peer process; fails with the install hint if the reference is not there.
   * @param python - the interpreter and flags (tests of the hint use others)
   */
  static start(python: readonly string[] = [PYTHON]): Promise<PythonPeer> {
    installExitHook();
    const [command = PYTHON, ...flags] = python;
    return new Promise<PythonPeer>((resolve, reject) => {
      let child: ChildProcessWithoutNullStreams;
      try {
        child = spawn(command, [...flags, '-u', PEER_SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (error) {
        reject(new Error(`${INSTALL_HINT}\n(${String(error)})`));
        return;
      }
      live.add(child);
      const peer = new PythonPeer(child);
      let started = false;
      const fail = (detail: string): void => {
        if (started) return;
        started = true;
        void peer.shutdown();
        reject(new Error(`${INSTALL_HINT}\n(${detail})`));
      };
      child.once('error', (error) => fail(`${command}: ${error.message}`));
      child.once('close', (code) => {
        live.delete(child);
        fail(`${command} ${PEER_SCRIPT} exited with status ${code}: ${peer.#stderr.trim()}`);
        peer.#failAll(new Error(`the Python peer exited (status ${code}): ${peer.#stderr.trim()}`));
      });
      // A write to a peer that has died fails its pending calls (on 'close'), not the test process.
      child.stdin.on('error', () => undefined);
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text: string) => {
        if (peer.#stderr.length < 20_000) peer.#stderr += text;
      });
      peer.#readLines((line) => {
        // Python's JSON (NaN and Infinity included), as the reference writes it.
        const decoded = decodeJSONMessage(Buffer.from(line, 'utf8'));
        const message = (decoded.ok ? decoded.value : { unreadable: line }) as Record<string, unknown>;
        if (!started) {
          if (message.event === 'ready') {
            started = true;
            peer.versions = { aiorpcx: message.aiorpcx as string, websockets: message.websockets as string };
            resolve(peer);
          } else {
            fail(`the peer reported ${line}`);
          }
          return;
        }
        if (typeof message.re === 'number') peer.#settle(message as unknown as Reply);
        else peer.events.push(message as unknown as PeerEvent);
      });
    });
  }

  #readLines(onLine: (line: string) => void): void {
    let pending: Buffer[] = [];
    this.#child.stdout.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
        pending.push(chunk.subarray(start, newline));
        const line = Buffer.concat(pending).toString('utf8');
        pending = [];
        start = newline + 1;
        if (line.trim() !== '') onLine(line);
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    });
  }

  #settle(reply: Reply): void {
    const call = this.#calls.get(reply.re);
    if (!call) return;
    this.#calls.delete(reply.re);
    if (reply.ok) call.resolve(reply.value);
    else call.reject(new Error(`the Python peer failed: ${reply.error}`));
  }

  #failAll(error: Error): void {
    for (const [id, call] of this.#calls) {
      this.#calls.delete(id);
      call.reject(error);
    }
  }

  /** Sends one command and resolves with its value. */
  call<T>(op: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    const answered = new Promise<T>((resolve, reject) => {
      this.#calls.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.stdin.write(`${JSON.stringify({ id, op, ...params })}\n`);
    });
    return within(answered, COMMAND_MS, () => `the Python peer did not answer ${op} within ${COMMAND_MS} ms`).finally(() => this.#calls.delete(id));
  }

  async serve(wire: Wire, options: EndpointOptions = {}): Promise<{ server: string; port: number }> {
    return this.call('serve', { transport: wireName(wire), ...options });
  }

  async stop(server: string): Promise<void> {
    await this.call('stop', { server });
  }

  async connect(wire: Wire, port: number, options: EndpointOptions = {}): Promise<string> {
    const { session } = await this.call<{ session: string }>('connect', { transport: wireName(wire), port, ...options });
    return session;
  }

  request(session: string, method: string, args: unknown = [], timeout?: number): Promise<Outcome> {
    return this.call('request', { session, method, args, ...(timeout === undefined ? {} : { timeout }) });
  }

  notify(session: string, method: string, args: unknown = []): Promise<Outcome> {
    return this.call('notify', { session, method, args });
  }

  batch(session: string, items: readonly BatchItem[], raiseErrors = false): Promise<Outcome> {
    return this.call('batch', { session, items, raiseErrors });
  }

  concurrent(session: string, calls: ReadonlyArray<readonly [string, unknown]>): Promise<Outcome[]> {
    return this.call('concurrent', { session, calls });
  }

  async close(session: string): Promise<void> {
    await this.call('close', { session });
  }

  async abort(session: string): Promise<void> {
    await this.call('abort', { session });
  }

  state(session: string): Promise<SessionState> {
    return this.call('state', { session });
  }

  /** Kills the process by its PID (SIGTERM, then SIGKILL if it lingers) and waits for it to go. */
  async shutdown(): Promise<void> {
    const child = this.#child;
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      const kill = (signal: NodeJS.Signals): void => {
        try {
          if (child.exitCode === null && child.signalCode === null) process.kill(child.pid as number, signal);
        } catch {
          // already gone
        }
      };
      kill('SIGTERM');
      await unlessSettled(this.#exited, 2000, () => kill('SIGKILL'));
    }
    live.delete(child);
    this.#failAll(new Error('the Python peer was shut down'));
  }
}

function wireName(wire: Wire): 'rs' | 'ws' {
  return wire === 'tcp' ? 'rs' : 'ws';
}
