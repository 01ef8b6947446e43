import { from, map, NEVER, Observable, of, Subject, Subscription, throwError } from 'rxjs';
import { Task, TaskCancelledError, TaskStateError } from 'rxrpcx';
import { childCount, counted, testScheduler } from './tasksTestKit';

describe('Task', () => {
  it('runs an Observable; its result is the last value', () => {
    const task = Task.spawn(of(1, 2, 3));
    expect(task.state).toBe('succeeded');
    expect(task.done).toBe(true);
    expect(task.result).toBe(3);
    expect(task.exception).toBeUndefined();
    expect(task.cancelled).toBe(false);
  });

  it('has an undefined result when the work emitted nothing (Python None)', () => {
    expect(Task.spawn(from([])).result).toBeUndefined();
  });

  it('runs a function returning a Promise, calling it when it starts', async () => {
    const work = jest.fn(async () => 'fetched');
    const task = Task.spawn(work);
    expect(work).toHaveBeenCalledTimes(1);
    expect(task.done).toBe(false);
    await expect(task.wait()).resolves.toBe('fetched');
    expect(task.result).toBe('fetched');
  });

  it('a failed task throws its error from result and returns it from exception', () => {
    const boom = new Error('boom');
    const task = Task.spawn(throwError(() => boom));
    expect(task.state).toBe('failed');
    expect(() => task.result).toThrow(boom);
    expect(task.exception).toBe(boom);
  });

  it('a function that throws fails the task instead of throwing from spawn', () => {
    const task = Task.spawn(() => {
      throw new Error('sync');
    });
    expect(task.state).toBe('failed');
  });

  it('reading result or exception of a running task raises TaskStateError not-done', () => {
    const task = Task.spawn(NEVER);
    expect(() => task.result).toThrow(TaskStateError);
    expect(() => task.exception).toThrow(expect.objectContaining({ reason: 'not-done', code: 'RXRPCX_ERR_TASK_STATE' }));
    task.cancel();
  });

  it('cancel() unsubscribes the work and leaves a TaskCancelledError', async () => {
    const work = counted(NEVER);
    const task = Task.spawn(work.source);
    expect(work.active()).toBe(1);
    expect(task.cancel()).toBe(true);
    expect(work.active()).toBe(0);
    expect(task.cancelled).toBe(true);
    expect(task.exception).toBeInstanceOf(TaskCancelledError);
    expect(() => task.result).toThrow(TaskCancelledError);
    await expect(task.wait()).rejects.toBeInstanceOf(TaskCancelledError);
    expect(task.cancel()).toBe(false);
  });

  it('cancelling a finished task does nothing', () => {
    const task = Task.spawn(of('x'));
    expect(task.cancel()).toBe(false);
    expect(task.result).toBe('x');
  });

  it('unsubscribing its parent cancels it; finishing leaves the parent', () => {
    const parent = new Subscription();
    const gate = new Subject<number>();
    const cancelled = Task.spawn(NEVER, { parent });
    const finishing = Task.spawn(gate, { parent });
    expect(childCount(parent)).toBe(2);
    gate.complete();
    expect(finishing.state).toBe('succeeded');
    expect(childCount(parent)).toBe(1);
    parent.unsubscribe();
    expect(cancelled.cancelled).toBe(true);
  });

  it('spawned under a closed parent, it is cancelled before it starts', () => {
    const parent = new Subscription();
    parent.unsubscribe();
    const work = jest.fn(() => of(1));
    const task = Task.spawn(work, { parent });
    expect(task.cancelled).toBe(true);
    expect(work).not.toHaveBeenCalled();
  });

  it('with a scheduler, starts on it; cancelling first removes the scheduled start', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectSubscriptions }) => {
      const a = cold('--a|');
      const task = Task.spawn(a, { scheduler });
      expect(task.done).toBe(false);
      expectSubscriptions(a.subscriptions).toBe('^--!');
      expect(scheduler.actions.length).toBe(1);
    });
    scheduler.run(() => {
      const work = jest.fn(() => of(1));
      const task = Task.spawn(work, { scheduler });
      task.cancel();
      expect(scheduler.actions.length).toBe(0);
      scheduler.flush();
      expect(work).not.toHaveBeenCalled();
    });
  });

  it('done$ emits the task once it is done, or at once if it already is', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const task = Task.spawn(cold('---a|'));
      expectObservable(task.done$.pipe(map((t) => t.result))).toBe('----(a|)');
      expectObservable(Task.spawn(of('b')).done$.pipe(map((t) => t.result))).toBe('(b|)');
    });
  });

  it('an unsubscribed done$ subscriber is forgotten', () => {
    const task = Task.spawn(NEVER);
    const seen = jest.fn();
    task.done$.subscribe(seen).unsubscribe();
    task.cancel();
    expect(seen).not.toHaveBeenCalled();
  });

  it('a task that starts work under its own subscriber tears that work down with it', () => {
    const inner = counted(NEVER);
    const task = Task.spawn(
      new Observable<never>((subscriber) => {
        Task.spawn(inner.source, { parent: subscriber });
      }),
    );
    expect(inner.active()).toBe(1);
    task.cancel();
    expect(inner.active()).toBe(0);
  });
});
