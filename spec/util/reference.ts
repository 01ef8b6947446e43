/**
 * Differential testing against the reference: the same calls go through
 * aiorpcx.util (Debian's python3-aiorpcx, run by /usr/bin/python3 with
 * `reference.py`) and through lib/util, and each spec compares the outcomes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  AddressError,
  NetAddress,
  Service,
  classifyHost,
  isValidHostname,
  validatePort,
  validateProtocol,
  type NetAddressFromStringOptions,
  type ServiceDefaultFunc,
} from '../../lib/util';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'reference.py');
const INSTALL_HINT = 'apt-get install -y python3-aiorpcx';

/** A value a default function returns. */
type DefaultValue = string | number | null;

/** How `NetAddress.fromString` gets its defaults in a call. */
export type AddressDefaults =
  /** a default function answering from the table, its calls recorded */
  | { kind: 'table'; table: { host?: DefaultValue; port?: DefaultValue } }
  /** our `{ defaultHost, defaultPort }` options; the reference's default_host_and_port */
  | { kind: 'options'; host?: string | null; port?: number | string | null }
  | { kind: 'defaultHost'; host: string }
  | { kind: 'defaultPort'; port: number | string }
  | { kind: 'defaultHostAndPort'; host: string | null; port: number | string | null };

/** A default function for `Service.fromString`, its calls recorded. */
export interface ServiceDefaults {
  /** the answer for the protocol */
  protocol?: DefaultValue;
  /** host and port answers by (lowercased) protocol */
  table?: Record<string, { host?: DefaultValue; port?: DefaultValue }>;
  /** answers for a protocol not in the table */
  fallback?: { host?: DefaultValue; port?: DefaultValue };
}

/** One call of a util function, the same on both sides. */
export type Call =
  | { op: 'isValidHostname'; args: [unknown] }
  | { op: 'classifyHost'; args: [unknown] }
  | { op: 'validatePort'; args: [unknown] }
  | { op: 'validateProtocol'; args: [unknown] }
  | { op: 'netAddress'; args: [unknown, unknown] }
  | { op: 'netAddressFromString'; args: [unknown, AddressDefaults | null] }
  | { op: 'netAddressEquals'; args: [string, string] }
  | { op: 'service'; args: [string, string] }
  | { op: 'serviceFromString'; args: [unknown, ServiceDefaults | null] }
  | { op: 'serviceEquals'; args: [string, string] };

/** What a call did: a JSON-shaped value, or the error type and message. */
export type Outcome =
  | { ok: true; value: unknown; calls: unknown[] }
  | { ok: false; error: string; message: string; calls: unknown[] };

/**
 * Runs every call through the reference in one Python process. Throws, with
 * the install hint, when python3-aiorpcx is missing: specs call this in
 * `beforeAll`, so a missing reference fails them rather than skipping.
 */
export function runReference(calls: readonly Call[]): Outcome[] {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found; the util specs need it: ${INSTALL_HINT}`);
  let stdout: string;
  try {
    stdout = execFileSync(PYTHON, [SCRIPT], {
      input: JSON.stringify(calls),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    const { status, stderr } = error as { status?: number; stderr?: string };
    if (status === 3) throw new Error(`aiorpcx is not importable by ${PYTHON} (${String(stderr).trim()}): ${INSTALL_HINT}`);
    throw error;
  }
  const outcomes = JSON.parse(stdout) as Outcome[];
  if (outcomes.length !== calls.length) throw new Error(`reference answered ${outcomes.length} of ${calls.length} calls`);
  return outcomes;
}

function addressValue(address: NetAddress): unknown {
  return { kind: address.hostKind, host: address.host, port: address.port, str: address.toString() };
}

function serviceValue(service: Service): unknown {
  return { protocol: service.protocol, ...(addressValue(service.address) as object) };
}

function addressOptions(spec: AddressDefaults | null, calls: unknown[]): NetAddressFromStringOptions | undefined {
  if (spec === null) return undefined;
  switch (spec.kind) {
    case 'table':
      return {
        defaultFunc: (part) => {
          calls.push(part);
          return spec.table[part];
        },
      };
    case 'options': {
      const options: { defaultHost?: string | null; defaultPort?: number | string | null } = {};
      if ('host' in spec) options.defaultHost = spec.host;
      if ('port' in spec) options.defaultPort = spec.port;
      return options;
    }
    case 'defaultHost':
      return { defaultFunc: NetAddress.defaultHost(spec.host) };
    case 'defaultPort':
      return { defaultFunc: NetAddress.defaultPort(spec.port) };
    case 'defaultHostAndPort':
      return { defaultFunc: NetAddress.defaultHostAndPort(spec.host, spec.port) };
  }
}

function serviceDefaultFunc(spec: ServiceDefaults | null, calls: unknown[]): ServiceDefaultFunc | undefined {
  if (spec === null) return undefined;
  return (protocol, part) => {
    calls.push([protocol, part]);
    if (part === 'protocol') return spec.protocol;
    const entry = (protocol !== null && spec.table?.[protocol]) || spec.fallback || {};
    return entry[part];
  };
}

function run(call: Call, calls: unknown[]): unknown {
  // Arguments of any type on purpose, as an untyped JavaScript caller could pass.
  const [a, b] = call.args as [never, never];
  switch (call.op) {
    case 'isValidHostname':
      return isValidHostname(a);
    case 'classifyHost': {
      const { kind, host } = classifyHost(a);
      return { kind, host };
    }
    case 'validatePort':
      return validatePort(a);
    case 'validateProtocol':
      return validateProtocol(a);
    case 'netAddress':
      return addressValue(new NetAddress(a, b));
    case 'netAddressFromString':
      return addressValue(NetAddress.fromString(a, addressOptions(b, calls)));
    case 'netAddressEquals':
      return NetAddress.fromString(a).equals(NetAddress.fromString(b));
    case 'service':
      return serviceValue(new Service(a, b));
    case 'serviceFromString': {
      const defaultFunc = serviceDefaultFunc(b, calls);
      return serviceValue(Service.fromString(a, defaultFunc && { defaultFunc }));
    }
    case 'serviceEquals':
      return Service.fromString(a).equals(Service.fromString(b));
  }
}

/**
 * Runs one call through lib/util, shaped like the reference's outcome; an
 * AddressError stands for the reference's ValueError.
 */
export function runOurs(call: Call): Outcome {
  const calls: unknown[] = [];
  try {
    return { ok: true, value: run(call, calls), calls };
  } catch (error) {
    if (error instanceof AddressError) return { ok: false, error: 'ValueError', message: error.message, calls };
    if (error instanceof TypeError) return { ok: false, error: 'TypeError', message: error.message, calls };
    throw error;
  }
}

/** A readable label for a call in a test title, long arguments cut short. */
export function describeCall(call: Call): string {
  const show = (arg: unknown): string => {
    const text = JSON.stringify(arg) ?? String(arg);
    return text.length > 60 ? `${text.slice(0, 40)}…(${text.length} chars)` : text;
  };
  return `${call.op}(${call.args.map(show).join(', ')})`;
}

/**
 * Runs `calls` through both sides and lists every disagreement (empty when
 * all agree), for one-assertion checks over large generated batches.
 */
export function disagreements(calls: readonly Call[], reference: readonly Outcome[]): string[] {
  return calls.flatMap((call, index) => {
    const ours = runOurs(call);
    const theirs = reference[index];
    return isDeepStrictEqual(ours, theirs)
      ? []
      : [`${describeCall(call)}: ours ${JSON.stringify(ours)}, reference ${JSON.stringify(theirs)}`];
  });
}

/**
 * Registers a suite comparing lib/util with the reference: one test per
 * hand-picked call (titled with the call), one test per generated batch; the
 * reference runs once, in `beforeAll`, on everything.
 */
export function describeAgainstReference(
  title: string,
  calls: readonly Call[],
  batches: Readonly<Record<string, readonly Call[]>> = {},
): void {
  describe(title, () => {
    const all = [...calls, ...Object.values(batches).flat()];
    let reference: Outcome[] = [];
    beforeAll(() => {
      reference = runReference(all);
    });

    it.each(calls.map((call, index) => [index, describeCall(call)] as const))('#%i %s', (index) => {
      expect(runOurs(calls[index]!)).toEqual(reference[index]);
    });

    let offset = calls.length;
    for (const [name, batch] of Object.entries(batches)) {
      const start = offset;
      offset += batch.length;
      it(`${name} (${batch.length} generated calls)`, () => {
        expect(disagreements(batch, reference.slice(start, start + batch.length))).toEqual([]);
      });
    }
  });
}
