/**
 * Shared pieces of the Node transport specs: loopback connections, a
 * throw-away self-signed certificate, and a recorder for `incoming`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import { firstValueFrom, take } from 'rxjs';
import { listenSockets, openSocket, type SocketListener } from 'rxrpcx/node';

export interface Recorded {
  readonly chunks: Uint8Array[];
  completed: boolean;
  error: unknown;
  /** Resolves when the stream completes or errors. */
  readonly ended: Promise<void>;
  /** All bytes received so far, concatenated. */
  bytes(): Buffer;
  text(): string;
  unsubscribe(): void;
}

export function record(source: Observable<Uint8Array>): Recorded {
  let settle!: () => void;
  const ended = new Promise<void>((resolve) => (settle = resolve));
  const chunks: Uint8Array[] = [];
  const recorded: Recorded = {
    chunks,
    completed: false,
    error: undefined,
    ended,
    bytes: () => Buffer.concat(chunks),
    text: () => Buffer.concat(chunks).toString('utf8'),
    unsubscribe: () => subscription.unsubscribe(),
  };
  const subscription = source.subscribe({
    next: (chunk) => chunks.push(chunk),
    complete: () => {
      recorded.completed = true;
      settle();
    },
    error: (error: unknown) => {
      recorded.error = error;
      settle();
    },
  });
  return recorded;
}

/** Resolves once `recorded` holds at least `count` bytes. */
export async function untilBytes(recorded: Recorded, count: number): Promise<void> {
  while (recorded.bytes().length < count) {
    if (recorded.completed || recorded.error) throw new Error(`stream ended at ${recorded.bytes().length} of ${count} bytes`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Resolves on the next `event` of `emitter`. */
export function once<T = unknown>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (value: T) => resolve(value)));
}

/** A connected pair of sockets over loopback, plus the listener (already closed). */
export async function socketPair(listenerOptions: Parameters<typeof listenSockets>[2] = {}): Promise<[client: Socket, server: Socket]> {
  const listener: SocketListener = await listenSockets('127.0.0.1', 0, listenerOptions);
  try {
    const accepted = firstValueFrom(listener.connections.pipe(take(1)));
    const client = await openSocket('127.0.0.1', listener.address.port);
    return [client, await accepted];
  } finally {
    await listener.close();
  }
}

export interface Certificate {
  readonly key: Buffer;
  readonly cert: Buffer;
  remove(): void;
}

/** A fresh self-signed certificate for `localhost` (and 127.0.0.1), made with openssl. */
export function selfSignedCertificate(): Certificate {
  const dir = mkdtempSync(join(tmpdir(), 'rxrpcx-cert-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost'],
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(keyPath),
    cert: readFileSync(certPath),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
