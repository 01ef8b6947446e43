/**
 * The stacks the harness compares: for each, how to start its server and its
 * client, and which framing the common raw load generator must speak to drive
 * its server (scenario e). Paths are resolved from the project root, so the
 * compiled programs in dist-bench/compare and the Python peer in
 * bench/compare (not compiled) are both found.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HandlerKind } from './common';
import type { Command } from './procs';

/** The stacks' names, in table order. */
export const STACK_NAMES = ['raw', 'rxrpcx', 'json-rpc-2.0', 'vscode-jsonrpc', 'aiorpcx'] as const;
export type StackName = (typeof STACK_NAMES)[number];

/** The system Python that has the python3-aiorpcx package (not the pyenv one on PATH). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** One stack. */
export interface Stack {
  readonly name: StackName;
  /** Its server with that `echo` handler (`--handler`): prints {"port":N} and serves until stopped. */
  server(handler: HandlerKind): Command;
  /** Its client, given the load flags (--port, --conns, …); prints one JSON result line. */
  client(flags: readonly string[]): Command;
  /** The raw generator's framing for this stack's server (scenario e). */
  readonly rawFraming: 'newline' | 'lsp';
}

/** The project root: the compiled harness is in dist-bench/compare. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

const compiled = (program: string): string => join(PROJECT_ROOT, 'dist-bench', 'compare', `${program}.js`);

function nodeProgram(program: string, args: readonly string[] = []): Command {
  return { file: process.execPath, args: [compiled(program), ...args] };
}

/** The Python peer's path (in the source tree: it is not compiled). */
export const AIORPCX_PEER = join(PROJECT_ROOT, 'bench', 'compare', 'aiorpcx_peer.py');

/** The common raw load generator (the raw stack's client), speaking `framing`. */
export function rawGenerator(framing: 'newline' | 'lsp', flags: readonly string[]): Command {
  return nodeProgram('raw-client', [...flags, '--framing', framing]);
}

/** Every stack by name. */
export const STACKS: Readonly<Record<StackName, Stack>> = {
  raw: {
    name: 'raw',
    server: (handler) => nodeProgram('raw-server', ['--handler', handler]),
    client: (flags) => nodeProgram('raw-client', flags),
    rawFraming: 'newline',
  },
  rxrpcx: {
    name: 'rxrpcx',
    server: (handler) => nodeProgram('rxrpcx-server', ['--handler', handler]),
    client: (flags) => nodeProgram('rxrpcx-client', flags),
    rawFraming: 'newline',
  },
  'json-rpc-2.0': {
    name: 'json-rpc-2.0',
    server: (handler) => nodeProgram('jsonrpc2-server', ['--handler', handler]),
    client: (flags) => nodeProgram('jsonrpc2-client', flags),
    rawFraming: 'newline',
  },
  'vscode-jsonrpc': {
    name: 'vscode-jsonrpc',
    server: (handler) => nodeProgram('vscode-server', ['--handler', handler]),
    client: (flags) => nodeProgram('vscode-client', flags),
    rawFraming: 'lsp',
  },
  aiorpcx: {
    name: 'aiorpcx',
    server: (handler) => ({ file: SYSTEM_PYTHON, args: [AIORPCX_PEER, 'server', '--handler', handler] }),
    client: (flags) => ({ file: SYSTEM_PYTHON, args: [AIORPCX_PEER, 'client', ...flags] }),
    rawFraming: 'newline',
  },
};

/** Python and aiorpcX versions when /usr/bin/python3 can import aiorpcx, else why not. */
export function probeAiorpcx(): { readonly python: string; readonly aiorpcx: string } | { readonly missing: string } {
  if (!existsSync(SYSTEM_PYTHON)) return { missing: `${SYSTEM_PYTHON} not found` };
  if (!existsSync(AIORPCX_PEER)) return { missing: `${AIORPCX_PEER} not found` };
  const probe = spawnSync(SYSTEM_PYTHON, [AIORPCX_PEER, 'version'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || '').trim().split('\n').pop() ?? 'failed';
    return { missing: `${SYSTEM_PYTHON} cannot import aiorpcx (${why})` };
  }
  try {
    const found = JSON.parse(probe.stdout.trim()) as { python?: unknown; aiorpcx?: unknown };
    return { python: String(found.python), aiorpcx: String(found.aiorpcx) };
  } catch {
    return { missing: `unexpected answer from ${AIORPCX_PEER} version: ${probe.stdout.slice(0, 200)}` };
  }
}
