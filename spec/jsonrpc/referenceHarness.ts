/**
 * Differential testing against the reference aiorpcX: the same cases run
 * through `aiorpcxReference.py` (Debian's python3-aiorpcx, under
 * /usr/bin/python3) and through rxrpcx, described in one shape, and compared.
 * Message bytes are compared as parsed JSON with key order kept, since JSON
 * text may differ in spacing and escaping.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import {
  Batch,
  ConnectionError,
  defineHandler,
  handlerInvocation,
  IncomingRequest,
  JSONRPCAutoDetect,
  JSONRPCConnection,
  JSONRPCLoose,
  JSONRPCv1,
  JSONRPCv2,
  Notification,
  ProtocolError,
  Request,
  RPCError,
  type HandlerSignature,
  type JSONRPCProtocol,
  type MessageItem,
  type RequestArgs,
} from '../../lib/jsonrpc';
import { decodeJSONMessage } from '../../lib/jsonrpc/jsonrpcInternals';
import { pyStr } from '../../lib/jsonrpc/pythonReprInternals';

export const PROTOCOLS = { JSONRPCv1, JSONRPCv2, JSONRPCLoose, JSONRPCAutoDetect } as const;
export type ProtocolName = keyof typeof PROTOCOLS;
export const PROTOCOL_NAMES = Object.keys(PROTOCOLS) as ProtocolName[];

export interface ItemSpec {
  readonly kind: 'request' | 'notification';
  readonly method: unknown;
  readonly args?: unknown;
}
export interface ReplySpec {
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string };
}

export type Step =
  | { readonly op: 'request'; readonly method: unknown; readonly args?: unknown }
  | { readonly op: 'notification'; readonly method: unknown; readonly args?: unknown }
  | { readonly op: 'batch'; readonly items: readonly ItemSpec[] }
  | { readonly op: 'receive'; readonly hex: string }
  | ({ readonly op: 'reply'; readonly index: number } & ReplySpec)
  | { readonly op: 'futures' }
  | { readonly op: 'cancel' }
  | { readonly op: 'pending' }
  | { readonly op: 'maxResponseSize'; readonly value: number }
  | { readonly op: 'protocol' };

export type Case =
  | { readonly op: 'messageToItem'; readonly protocol: ProtocolName; readonly hex: string }
  | { readonly op: 'detect'; readonly hex: string }
  | { readonly op: 'requestMessage'; readonly protocol: ProtocolName; readonly method: unknown; readonly args: unknown; readonly id: unknown }
  | { readonly op: 'notificationMessage'; readonly protocol: ProtocolName; readonly method: unknown; readonly args: unknown }
  | ({ readonly op: 'responseMessage'; readonly protocol: ProtocolName; readonly id: unknown } & ReplySpec)
  | { readonly op: 'batchMessage'; readonly protocol: ProtocolName; readonly items: readonly ItemSpec[]; readonly ids: readonly unknown[] }
  | { readonly op: 'batchMessageFromParts'; readonly protocol: ProtocolName; readonly parts: readonly string[] }
  | { readonly op: 'encodePayload'; readonly protocol: ProtocolName; readonly payload: unknown }
  | { readonly op: 'connection'; readonly protocol: ProtocolName; readonly steps: readonly Step[] }
  | { readonly op: 'handler'; readonly spec: HandlerSignature | null; readonly method: string; readonly args: unknown }
  | { readonly op: 'str'; readonly value: unknown };

export const INSTALL_HINT = 'the reference aiorpcX is needed: apt-get install -y python3-aiorpcx';

/** Runs the cases through the reference, in one Python process. */
export function runReference(cases: readonly Case[]): unknown[] {
  let stdout: Buffer;
  try {
    stdout = execFileSync('/usr/bin/python3', [join(__dirname, 'aiorpcxReference.py')], {
      input: JSON.stringify({ cases }),
      maxBuffer: 512 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`${INSTALL_HINT}\n(running /usr/bin/python3 failed: ${detail})`);
  }
  const decoded = decodeJSONMessage(stdout);
  if (!decoded.ok) throw new Error('the reference harness wrote invalid JSON');
  const results = (decoded.value as { results?: unknown }).results;
  if (!Array.isArray(results) || results.length !== cases.length) throw new Error('the reference harness lost cases');
  return results.map(normalize);
}

/** Runs the cases through rxrpcx, described as the reference harness describes them. */
export function runOurs(cases: readonly Case[]): unknown[] {
  return cases.map((testCase) => normalize(runCase(testCase)));
}

// ---------------------------------------------------------------------------

export const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
export const hexText = (text: string): string => Buffer.from(text, 'utf8').toString('hex');
export const bytesOf = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

/** Parsed JSON with objects as ordered entry lists, so key order is compared too. */
export function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (typeof value === 'object' && value !== null) {
    return { entries: Object.entries(value).map(([key, item]) => [key, ordered(item)]) };
  }
  return value;
}

/** Hex message fields (`bytes`, `reply`) become parsed JSON, in order. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if ((key === 'bytes' || key === 'reply') && typeof item === 'string') {
      const decoded = decodeJSONMessage(bytesOf(item));
      out[key] = decoded.ok ? { json: ordered(decoded.value) } : { hex: item };
    } else {
      // defineProperty: a "__proto__" key in decoded JSON must stay a key.
      Object.defineProperty(out, key, { value: normalize(item), enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof ProtocolError) {
    const d: Record<string, unknown> = {
      type: 'ProtocolError',
      code: error.code,
      message: error.message,
      reply: error.replyBytes === undefined ? null : hexOf(error.replyBytes),
      inResponse: error.inResponse,
    };
    if (error.inResponse) d['responseId'] = error.responseId;
    return d;
  }
  if (error instanceof RPCError) return { type: 'RPCError', code: error.code, message: error.message };
  return { type: error instanceof Error ? error.name : typeof error };
}

function describeResult(result: unknown): unknown {
  return result instanceof RPCError ? { error: describeError(result) } : { value: result };
}

function describeItem(parsed: MessageItem): unknown {
  switch (parsed.kind) {
    case 'request':
      return { kind: 'request', method: parsed.item.method, args: parsed.item.args, id: parsed.id };
    case 'notification':
      return { kind: 'notification', method: parsed.item.method, args: parsed.item.args };
    case 'batch':
      return { kind: 'batch', payloads: parsed.payloads };
    case 'response':
      return { kind: 'response', result: describeResult(parsed.item.result), id: parsed.id };
  }
}

function replyValue(spec: ReplySpec): unknown {
  return spec.error ? new RPCError(spec.error.code, spec.error.message) : (spec.result ?? null);
}

function makeItem(spec: ItemSpec): Request | Notification {
  const args = (spec.args ?? []) as RequestArgs;
  return spec.kind === 'request' ? new Request(spec.method as string, args) : new Notification(spec.method as string, args);
}

type FutureState = 'pending' | { readonly done: unknown };

function watch(response$: Observable<unknown>, batch: boolean): { state: FutureState } {
  const holder: { state: FutureState } = { state: 'pending' };
  response$.subscribe({
    next: (value) => {
      holder.state = {
        done: batch ? { batch: (value as unknown[]).map(describeResult) } : { result: describeResult(value) },
      };
    },
    error: (error: unknown) => {
      holder.state = { done: error instanceof ConnectionError ? 'cancelled' : { error: describeError(error) } };
    },
  });
  return holder;
}

/**
 * `receiveMessage`, described as the reference would see it: where we report
 * violations in `errors` and `reply`, the reference raises a ProtocolError —
 * the first violation of a message, or for a batch of nothing but invalid
 * members its sentinel `ProtocolError(0, '')` carrying the batch reply. A
 * batch of notifications and invalid members is where rxrpcx deliberately
 * differs: it answers the invalid members at once, where the reference
 * returns the notifications and never answers. The items are compared with
 * the reference's here; the reply is asserted in JSONRPCConnection.spec.ts.
 */
function receiveLikeTheReference(connection: JSONRPCConnection, message: Uint8Array): Array<IncomingRequest | Notification> {
  const { items, reply, errors } = connection.receiveMessage(message);
  const [first] = errors;
  if (first === undefined) {
    if (reply !== undefined) throw new Error('a reply without a violation');
    return [...items];
  }
  if (items.length > 0) return [...items];
  if (reply === first.replyBytes) throw first;
  throw new ProtocolError(0, '', { replyBytes: reply });
}

function runSteps(protocol: JSONRPCProtocol, steps: readonly Step[]): unknown[] {
  const connection = new JSONRPCConnection(protocol);
  const futures: Array<{ state: FutureState }> = [];
  let received: Array<IncomingRequest | Notification> = [];
  return steps.map((step) => {
    try {
      switch (step.op) {
        case 'request': {
          const [message, response$] = connection.sendRequest(new Request(step.method as string, (step.args ?? []) as RequestArgs));
          futures.push(watch(response$, false));
          return { bytes: hexOf(message) };
        }
        case 'notification':
          return { bytes: hexOf(connection.sendNotification(new Notification(step.method as string, (step.args ?? []) as RequestArgs))) };
        case 'batch': {
          const [message, response$] = connection.sendBatch(new Batch(step.items.map(makeItem)));
          if (response$) futures.push(watch(response$, true));
          return { bytes: hexOf(message), hasResponse: response$ !== undefined };
        }
        case 'receive':
          received = receiveLikeTheReference(connection, bytesOf(step.hex));
          return {
            items: received.map((item) => ({
              kind: item instanceof IncomingRequest ? 'request' : 'notification',
              method: item.method,
              args: item.args,
            })),
          };
        case 'reply': {
          // Mirror Python's failures for an index out of range or a notification.
          const item = received[step.index];
          if (item === undefined) return { error: { type: 'IndexError' } };
          if (!(item instanceof IncomingRequest)) return { error: { type: 'AttributeError' } };
          const bytes = item.reply(replyValue(step));
          return { bytes: bytes === undefined ? null : hexOf(bytes) };
        }
        case 'futures':
          return { futures: futures.map(({ state }) => (state === 'pending' ? 'pending' : state.done)) };
        case 'cancel':
          connection.cancelPendingRequests();
          return {};
        case 'pending':
          return { count: connection.pendingRequests().length };
        case 'maxResponseSize':
          connection.maxResponseSize = step.value;
          return {};
        case 'protocol':
          return { protocol: connection.protocol.name };
      }
    } catch (error) {
      return { error: describeError(error) };
    }
  });
}

/** A handler whose result shows how it was called, as the Python one does. */
function probeHandler(spec: HandlerSignature) {
  const params = (spec.params ?? []).filter((p) => !p.startsWith('...')).map((p) => p.replace(/\?$/, ''));
  const hasRest = (spec.params ?? []).some((p) => p.startsWith('...'));
  const namedOnly = (spec.namedOnly ?? []).map((n) => n.replace(/\?$/, ''));
  const hasNamed = spec.anyNamed === true || namedOnly.length > 0;
  return defineHandler((...args: unknown[]) => {
    const named = hasNamed ? (args[params.length + (hasRest ? 1 : 0)] as Record<string, unknown>) : {};
    const namedOut: Record<string, unknown> = {};
    for (const name of namedOnly) namedOut[name] = named[name] ?? null;
    Object.assign(namedOut, named);
    return {
      params: params.map((_, i) => args[i] ?? null),
      rest: hasRest ? args[params.length] : null,
      named: namedOut,
    };
  }, spec);
}

function runCase(testCase: Case): unknown {
  try {
    switch (testCase.op) {
      case 'messageToItem':
        return { item: describeItem(PROTOCOLS[testCase.protocol].messageToItem(bytesOf(testCase.hex))) };
      case 'detect':
        return { protocol: JSONRPCAutoDetect.detectProtocol(bytesOf(testCase.hex)).name };
      case 'requestMessage': {
        const request = new Request(testCase.method as string, testCase.args as RequestArgs);
        return { bytes: hexOf(PROTOCOLS[testCase.protocol].requestMessage(request, testCase.id)) };
      }
      case 'notificationMessage': {
        const notification = new Notification(testCase.method as string, testCase.args as RequestArgs);
        return { bytes: hexOf(PROTOCOLS[testCase.protocol].notificationMessage(notification)) };
      }
      case 'responseMessage':
        return { bytes: hexOf(PROTOCOLS[testCase.protocol].responseMessage(replyValue(testCase), testCase.id)) };
      case 'batchMessage': {
        const batch = new Batch(testCase.items.map(makeItem));
        return { bytes: hexOf(PROTOCOLS[testCase.protocol].batchMessage(batch, testCase.ids)) };
      }
      case 'batchMessageFromParts':
        return { bytes: hexOf(PROTOCOLS[testCase.protocol].batchMessageFromParts(testCase.parts.map(bytesOf))) };
      case 'encodePayload':
        return { bytes: hexOf(PROTOCOLS[testCase.protocol].encodePayload(testCase.payload)) };
      case 'connection':
        return { steps: runSteps(PROTOCOLS[testCase.protocol], testCase.steps) };
      case 'handler': {
        const request = new Request(testCase.method, testCase.args as RequestArgs);
        const handler = testCase.spec === null ? undefined : probeHandler(testCase.spec);
        return { call: handlerInvocation(handler, request)() };
      }
      case 'str':
        return { text: pyStr(testCase.value) };
    }
  } catch (error) {
    return { error: describeError(error) };
  }
}
