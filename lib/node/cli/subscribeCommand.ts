import { fromEvent, lastValueFrom, takeUntil, takeWhile, tap } from 'rxjs';
import { connect$, type RPCClient, type SubscriptionOptions } from '../index.js';
import { checkEndpoint } from './checkEndpoint.js';
import { clientFlags, clientFlagsHelp, clientOptionsFromFlags } from './clientOptionsFromFlags.js';
import { ExitCode } from './ExitCode.js';
import { numberFromFlag } from './flagValues.js';
import type { Output } from './Output.js';
import { parseCallArguments } from './parseCallArguments.js';
import { parseFlags } from './parseFlags.js';
import { showProgress } from './showProgress.js';
import { untilAborted } from './untilAborted.js';
import { UsageError } from './UsageError.js';

/** `rxrpcx subscribe --help`. */
export const subscribeHelp = `Usage: rxrpcx subscribe URL METHOD [ARG…] [flags]

Calls METHOD, prints its result, then the params of each notification that
belongs to the subscription as it arrives, until Ctrl-C or --count. (A server
that notifies before it answers has its notification printed first.)
Arguments are read as for 'rxrpcx call'.

  --named                         ARGs are key=value: send params as an object
  --count N                       stop after N notifications (and the result)
  --notification NAME             the notifications' method (default: METHOD, as Electrum does)
  --key INDEX|NAME                only notifications whose param there equals the call's
                                  (0 for blockchain.scripthash.subscribe)
  --unsubscribe METHOD            call it, with the same ARGs, when leaving
  --reconnect                     reconnect when the connection drops and subscribe again
                                  (the result is printed again); default: exit 3
${clientFlagsHelp}

Exit status: 0 after --count notifications or Ctrl-C once subscribed,
1 the server answered with an error, 2 usage, 3 could not connect or the
connection was lost, 4 timeout, 5 protocol error, 130 interrupted before
the result.

Example:
  rxrpcx subscribe tcp://127.0.0.1:50001 blockchain.headers.subscribe --count 2 | jq .height`;

/**
 * `rxrpcx subscribe`: `client.subscription$` printed event by event.
 *
 * @param args - the words after `subscribe`
 * @param out - where output goes
 * @param signal - aborted on Ctrl-C
 * @returns the exit status
 */
export async function subscribeCommand(args: readonly string[], out: Output, signal: AbortSignal): Promise<ExitCode> {
  const { values, positionals } = parseFlags(args, {
    ...clientFlags,
    named: { type: 'boolean' },
    count: { type: 'string' },
    notification: { type: 'string' },
    key: { type: 'string' },
    unsubscribe: { type: 'string' },
    reconnect: { type: 'boolean' },
  });
  if (values.help) {
    out.text(subscribeHelp);
    return ExitCode.OK;
  }
  const [rawUrl, method, ...words] = positionals;
  const url = checkEndpoint(rawUrl);
  if (method === undefined) throw new UsageError('missing METHOD');
  const params = parseCallArguments(words, values.named === true);
  const count = numberFromFlag('count', values.count, Number.POSITIVE_INFINITY, 'count');
  const subscription: SubscriptionOptions = {
    ...(values.notification === undefined ? {} : { notification: values.notification }),
    ...(values.key === undefined ? {} : { key: /^\d+$/.test(values.key) ? Number(values.key) : values.key }),
    ...(values.unsubscribe === undefined ? {} : { unsubscribe: values.unsubscribe }),
  };

  const options = await untilAborted(
    showProgress(out, values.proxy === 'auto' ? 'detecting a local SOCKS proxy' : undefined, clientOptionsFromFlags(values, { reconnect: values.reconnect === true })),
    signal,
  );
  const client: RPCClient = connect$(url, options);
  let subscribed = false;
  const progress = client.state$.subscribe((state) => {
    if (state.status === 'connecting') out.spinner.start(`connecting to ${url}`);
    else if (state.status === 'reconnecting') out.spinner.start(`reconnecting to ${state.endpoint} in ${state.delay.toFixed(1)}s`);
    else if (state.status === 'open' && !subscribed) out.spinner.start(`waiting for ${method}`);
  });
  try {
    let seen = 0;
    const events$ = client.subscription$(method, params, subscription).pipe(
      tap((event) => {
        if (event.kind === 'notification') {
          seen += 1;
          return out.value(event.args);
        }
        subscribed = true;
        out.value(event.result);
      }),
      // --count: done once N notifications and the result are out (a server may notify before it answers).
      takeWhile(() => !(subscribed && seen >= count), true),
      // Ctrl-C ends a subscription that is running; before its result it is an interruption.
      takeUntil(fromEvent(signal, 'abort')),
    );
    // Completion without an error: --count reached, Ctrl-C, or close().
    await lastValueFrom(events$, { defaultValue: undefined });
    if (!subscribed && signal.aborted) throw signal.reason;
    return ExitCode.OK;
  } finally {
    progress.unsubscribe();
    out.spinner.stop();
    await client.close();
  }
}
