/**
 * The client's silence watch keeps one timer at a time, each wait through
 * `scheduleAfter`: an infinite wait (a keep-alive every Infinity seconds and
 * no liveness timeout) is no timer, where `asyncScheduler` would have fired
 * it after 1 ms, over and over. The recording scheduler sees every delay,
 * reschedules included.
 */
import type { RPCSession } from 'rxrpcx';
import { watchSilence } from '../../lib/client/silenceWatchInternals';
import { recording } from '../helpers/recordingScheduler';

/** A session that last heard from its server at `lastRecv` seconds. */
const sessionHeardAt = (lastRecv: number): RPCSession => ({ lastRecv }) as unknown as RPCSession;

describe('watchSilence', () => {
  it('with an infinite keep-alive interval and no liveness timeout, looks once and arms no timer', () => {
    const { scheduler, virtual, delays } = recording();
    const pings: number[] = [];
    const watch = watchSilence(sessionHeardAt(0), {
      keepAlive: { method: 'ping', interval: Infinity },
      livenessTimeout: undefined,
      scheduler,
      ping: () => pings.push(virtual.now()),
      silent: () => undefined,
    });
    virtual.flush();
    expect([delays, pings]).toEqual([[0], []]);
    watch.unsubscribe();
  });

  it('pings after each interval of silence, one timer at a time, and stops when unsubscribed', () => {
    const { scheduler, virtual, delays } = recording();
    const pings: number[] = [];
    const watch = watchSilence(sessionHeardAt(0), {
      keepAlive: { method: 'ping', interval: 10 },
      livenessTimeout: undefined,
      scheduler,
      ping: () => pings.push(virtual.now()),
      silent: () => undefined,
    });
    virtual.schedule(() => watch.unsubscribe(), 25_000);
    virtual.flush();
    expect(pings).toEqual([10_000, 20_000]);
    expect(delays).toEqual([0, 10_000, 10_000, 10_000]);
  });

  it('reports a silent session once and arms nothing more', () => {
    const { scheduler, virtual, delays } = recording();
    const silent: number[] = [];
    watchSilence(sessionHeardAt(0), {
      keepAlive: undefined,
      livenessTimeout: 12,
      scheduler,
      ping: () => undefined,
      silent: (_session, seconds) => silent.push(virtual.now(), seconds),
    });
    virtual.flush();
    expect([silent, delays]).toEqual([[12_000, 12], [0, 12_000]]);
  });
});
