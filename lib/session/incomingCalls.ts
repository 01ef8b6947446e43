import { Observable, Subject } from 'rxjs';
import type { MethodContract } from '../jsonrpc/MethodContract.js';
import type { Notification } from '../jsonrpc/Notification.js';
import type { Request } from '../jsonrpc/Request.js';
import type { RPCSession } from './RPCSession.js';
import { callOffers, firstResult, whenEnded } from './sessionInternals.js';

/**
 * An incoming request offered by {@link incomingCalls}: answer it with
 * `respond` (a value, a Promise or an Observable) or `fail` (an RPCError).
 *
 * ## Example
 * ```ts
 * import { JSONRPC, RPCError, RPCSession, incomingCalls, memoryTransportPair, type IncomingCall } from 'rxrpcx';
 * const [, transport] = memoryTransportPair();
 * const server = new RPCSession(transport);
 * incomingCalls(server).subscribe((call: IncomingCall) => {
 *   if (call.request.method === 'time') call.respond(Date.now());
 *   else call.fail(new RPCError(JSONRPC.METHOD_NOT_FOUND, `unknown method "${call.request.method}"`));
 * });
 * ```
 */
export interface IncomingCall {
  /** The request or notification. */
  readonly request: Request | Notification;
  /** Answers with a result; an Observable's first value counts. */
  respond(result: unknown): void;
  /** Answers with an error (an RPCError is sent as it is; anything else as 'internal server error'). */
  fail(error: unknown): void;
}

/** Each session's calls, made with the first `incomingCalls` for it. */
const callsOf = new WeakMap<object, Subject<IncomingCall>>();

/**
 * The incoming requests and notifications that no handler in the session's
 * table takes, as a stream, for code that prefers a stream to subclassing.
 * While this has an observer, such requests wait for its answer (within
 * `processingTimeout`, under the session's throttle) instead of failing with
 * METHOD_NOT_FOUND. Completes when the session ends (at once if it has).
 * The same stream for every call on one session; a bundle that never calls
 * it carries none of it.
 *
 * ## Example
 * ```ts
 * import { RPCSession, incomingCalls, memoryTransportPair } from 'rxrpcx';
 * const [clientEnd, serverEnd] = memoryTransportPair();
 * const server = new RPCSession(serverEnd);
 * incomingCalls(server).subscribe((call) => call.respond(call.request.method.toUpperCase()));
 * const client = new RPCSession(clientEnd);
 * console.log(await client.sendRequest('echo')); // ECHO
 * ```
 *
 * @param session - the session whose unhandled requests to take
 * @returns the calls, hot: those that arrive while nobody observes fail as before
 */
export function incomingCalls(session: RPCSession<MethodContract>): Observable<IncomingCall> {
  let calls = callsOf.get(session);
  if (calls === undefined) {
    const subject = (calls = new Subject<IncomingCall>());
    callsOf.set(session, subject);
    callOffers.get()(session, (request) => (subject.observed ? offer(subject, request) : undefined));
    whenEnded(session, () => subject.complete());
  }
  return calls.asObservable();
}

/** The request on the stream; its answer, or failure, is the handler's result (the first counts). */
function offer(calls: Subject<IncomingCall>, request: Request | Notification): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    let answered = false;
    const once = (answer: () => void): void => {
      if (answered) return;
      answered = true;
      answer();
    };
    calls.next({
      request,
      respond: (result) => once(() => subscriber.add(firstResult(() => result).subscribe(subscriber))),
      fail: (error) => once(() => subscriber.error(error)),
    });
  });
}
