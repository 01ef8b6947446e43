/**
 * The rxrpcx stack's client: `connectRs` sessions, `sendRequest('echo', [text])`.
 * The outgoing concurrency starts at the number of requests kept outstanding
 * (`initialOutgoingConcurrent`), so it does not cap the load; everything else
 * is the default.
 *
 *   node dist-bench/compare/rxrpcx-client.js --port N --conns 1 --outstanding 64 --seconds 3
 */
import { RPCSession } from 'rxrpcx';
import { connectRs } from 'rxrpcx/node';
import { exitWhenStdinCloses, loadOptions, parseFlags, runMain } from './common';
import { drive } from './driver';

runMain(async () => {
  exitWhenStdinCloses();
  const options = loadOptions(parseFlags(process.argv.slice(2)));
  await drive(options, async () => {
    const session = await connectRs('127.0.0.1', options.port, {
      sessionFactory: (t, o) => new RPCSession(t, { ...o, initialOutgoingConcurrent: options.outstanding }),
    });
    return {
      call: (text: string) => session.sendRequest('echo', [text]),
      close: () => session.close(),
    };
  });
});
