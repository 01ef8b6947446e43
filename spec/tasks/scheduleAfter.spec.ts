/**
 * The one way a delay a user gives becomes a timer (connect timeouts,
 * `forceAfter`, backoffs, a client's wait): an infinite delay is no timer, a
 * negative one runs at once, and one past setTimeout's ceiling is reached in
 * steps. RxJS's virtual schedulers drop an infinite delay themselves, but
 * `asyncScheduler` hands it to setTimeout, which Node fires after 1 ms: so
 * these tests record the delays asked of the scheduler.
 */
import { scheduleAfter } from '../../lib/tasks/tasksInternals';
import { memoryTransportPair } from '../../lib/transport/memoryTransportPair';
import { recording } from '../helpers/recordingScheduler';

describe('scheduleAfter', () => {
  it('runs the work after the given seconds, not before', () => {
    const { scheduler, virtual, delays } = recording();
    const ran: number[] = [];
    scheduleAfter(scheduler, 1.5, () => ran.push(virtual.now()));
    virtual.flush();
    expect([ran, delays]).toEqual([[1500], [1500]]);
  });

  it('schedules nothing for an infinite delay', () => {
    const { scheduler, delays } = recording();
    const subscription = scheduleAfter(scheduler, Infinity, () => undefined);
    expect(delays).toEqual([]);
    subscription.unsubscribe();
  });

  it('runs a negative delay at once', () => {
    const { scheduler, virtual, delays } = recording();
    let ran = false;
    scheduleAfter(scheduler, -3, () => (ran = true));
    virtual.flush();
    expect([ran, delays]).toEqual([true, [0]]);
  });

  it('reaches a delay past setTimeout’s ceiling in steps, on time', () => {
    const { scheduler, virtual, delays } = recording();
    const days30 = 30 * 24 * 3600;
    const ran: number[] = [];
    scheduleAfter(scheduler, days30, () => ran.push(virtual.now()));
    virtual.flush();
    expect(ran).toEqual([days30 * 1000]);
    // The first step is setTimeout's ceiling; the action reschedules itself for the rest.
    expect(delays).toEqual([0x7fffffff, days30 * 1000 - 0x7fffffff]);
  });

  it('is cancelled by unsubscribing', () => {
    const { scheduler, virtual } = recording();
    let ran = false;
    scheduleAfter(scheduler, 1, () => (ran = true)).unsubscribe();
    virtual.flush();
    expect(ran).toBe(false);
  });
});

describe('a transport’s close({ forceAfter: Infinity })', () => {
  it('never forces: no timer, and the connection closes only when the peer closes', async () => {
    const { scheduler, virtual, delays } = recording();
    const [a, b] = memoryTransportPair({ scheduler });
    const closed = a.close({ forceAfter: Infinity });
    virtual.flush();
    expect(delays).not.toContain(Infinity);
    expect(a.isClosing()).toBe(true);
    await b.close();
    virtual.flush();
    await closed;
  });
});
