/**
 * The one settlement every way of connecting shares (TCP, TLS, WebSocket in
 * Node and the browser, SOCKS): first outcome wins, abort and timeout abandon
 * the work, an already aborted signal dials nothing.
 */
import { Subscription, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConnectError } from '../../lib/transport/ConnectError';
import { connectAttempt, type Attempt } from '../../lib/transport/transportInternals';

interface Work {
  attempt: Attempt<string> | undefined;
  abandoned: number;
  started: number;
}

function work(): { readonly state: Work; readonly start: (attempt: Attempt<string>) => () => void } {
  const state: Work = { attempt: undefined, abandoned: 0, started: 0 };
  return {
    state,
    start: (attempt) => {
      state.attempt = attempt;
      state.started += 1;
      return () => {
        state.abandoned += 1;
      };
    },
  };
}

const phase = (): string => 'connect to h:1';

describe('connectAttempt', () => {
  it('resolves with the work’s value and ignores what comes after', async () => {
    const { state, start } = work();
    const controller = new AbortController();
    const opened = connectAttempt('h:1', { signal: controller.signal }, phase, start);
    state.attempt!.succeed('socket');
    state.attempt!.fail(new Error('late'));
    controller.abort();
    await expect(opened).resolves.toBe('socket');
    expect([state.abandoned, state.attempt!.settled]).toEqual([0, true]);
  });

  it('abandons the work once when it fails, and rejects with its error', async () => {
    const { state, start } = work();
    const opened = connectAttempt('h:1', {}, phase, start);
    const error = new ConnectError('refused', 'h:1', 'connection refused');
    state.attempt!.fail(error);
    state.attempt!.fail(new Error('second'));
    state.attempt!.succeed('late');
    await expect(opened).rejects.toBe(error);
    expect(state.abandoned).toBe(1);
  });

  it('rejects an already aborted attempt without starting the work', async () => {
    const { state, start } = work();
    const controller = new AbortController();
    controller.abort('stop');
    await expect(connectAttempt('h:1', { signal: controller.signal }, phase, start)).rejects.toMatchObject({
      name: 'ConnectError',
      reason: 'aborted',
      message: 'connect to h:1 aborted',
      cause: 'stop',
    });
    expect(state.started).toBe(0);
  });

  it('abandons the work on abort, worded as the attempt stands then', async () => {
    const { state, start } = work();
    const controller = new AbortController();
    let stage = 'connect to h:1';
    const opened = connectAttempt('h:1', { signal: controller.signal }, () => stage, start);
    stage = 'TLS handshake with h:1';
    controller.abort();
    await expect(opened).rejects.toMatchObject({ reason: 'aborted', message: 'TLS handshake with h:1 aborted' });
    expect(state.abandoned).toBe(1);
  });

  it('times out on the scheduler after `timeout` seconds, not before', async () => {
    const { state, start } = work();
    const scheduler = new TestScheduler(() => undefined);
    const opened = connectAttempt('h:1', { timeout: 2.5, scheduler }, phase, start);
    scheduler.maxFrames = 2499;
    scheduler.flush();
    expect([state.abandoned, state.attempt!.settled]).toEqual([0, false]);
    scheduler.maxFrames = Infinity;
    scheduler.flush();
    expect([scheduler.now(), state.abandoned]).toEqual([2500, 1]);
    await expect(opened).rejects.toMatchObject({ reason: 'timeout', message: 'connect to h:1 timed out after 2.5s' });
  });

  it('sets no timer for an infinite timeout, and stops the timer and abort listener once settled', async () => {
    // (A virtual scheduler drops an infinite delay itself; setTimeout would fire it at once.)
    const delays: number[] = [];
    const recording = {
      now: () => 0,
      schedule: (_work: unknown, delay?: number) => {
        delays.push(delay ?? 0);
        return new Subscription();
      },
    } as SchedulerLike;
    const infinite = work();
    void connectAttempt('h:1', { timeout: Infinity, scheduler: recording }, phase, infinite.start);
    expect(delays).toEqual([]);

    const scheduler = new TestScheduler(() => undefined);

    const controller = new AbortController();
    const bounded = work();
    const opened = connectAttempt('h:1', { timeout: 5, scheduler, signal: controller.signal }, phase, bounded.start);
    expect(scheduler.actions).toHaveLength(1);
    bounded.state.attempt!.succeed('socket');
    scheduler.flush();
    controller.abort();
    await expect(opened).resolves.toBe('socket');
    expect(bounded.state.abandoned).toBe(0);
  });

  it('passes a throw from starting the work through unchanged: a bad argument is the caller’s error', async () => {
    const controller = new AbortController();
    const scheduler = new TestScheduler(() => undefined);
    const bad = new SyntaxError('Invalid URL');
    const opened = connectAttempt('h:1', { timeout: 1, scheduler, signal: controller.signal }, phase, () => {
      throw bad;
    });
    await expect(opened).rejects.toBe(bad);
    scheduler.flush();
    controller.abort();
  });

  it('abandons work that failed before it returned how to abandon it', async () => {
    let abandoned = 0;
    const opened = connectAttempt<string>('h:1', {}, phase, (attempt) => {
      attempt.fail(new Error('at once'));
      return () => {
        abandoned += 1;
      };
    });
    await expect(opened).rejects.toThrow('at once');
    expect(abandoned).toBe(1);
  });
});
