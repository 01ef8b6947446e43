import {
  ExcessiveSessionCostError,
  NoRemainingTasksError,
  TaskCancelledError,
  TaskStateError,
  TaskTimeout,
  TimeoutCancellationError,
  UncaughtTimeoutError,
} from 'rxrpcx';

describe('tasks errors', () => {
  it.each([
    [new TaskTimeout(2), 'TaskTimeout', 'RXRPCX_ERR_TASK_TIMEOUT', 'task timed out after 2s'],
    [new UncaughtTimeoutError(new TaskTimeout(1)), 'UncaughtTimeoutError', 'RXRPCX_ERR_UNCAUGHT_TIMEOUT', 'uncaught timeout received'],
    [new TimeoutCancellationError(3), 'TimeoutCancellationError', 'RXRPCX_ERR_TIMEOUT_CANCELLATION', 'task cancelled by a timeout after 3s'],
    [new TaskCancelledError(), 'TaskCancelledError', 'RXRPCX_ERR_TASK_CANCELLED', 'task was cancelled'],
    [new NoRemainingTasksError(), 'NoRemainingTasksError', 'RXRPCX_ERR_NO_REMAINING_TASKS', 'no tasks remain'],
    [new TaskStateError('not-joined'), 'TaskStateError', 'RXRPCX_ERR_TASK_STATE', 'task group not yet terminated'],
    [new ExcessiveSessionCostError(0), 'ExcessiveSessionCostError', 'RXRPCX_ERR_EXCESSIVE_SESSION_COST', 'excessive session cost: concurrency target is 0'],
    [new ExcessiveSessionCostError(), 'ExcessiveSessionCostError', 'RXRPCX_ERR_EXCESSIVE_SESSION_COST', 'excessive session cost'],
  ])('%s has a literal name, a stable code and the reference’s message', (error, name, code, message) => {
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('TimeoutCancellationError is a cancellation; TaskTimeout and UncaughtTimeoutError are not', () => {
    expect(new TimeoutCancellationError(1)).toBeInstanceOf(TaskCancelledError);
    expect(new TaskTimeout(1)).not.toBeInstanceOf(TaskCancelledError);
    expect(new UncaughtTimeoutError(new TaskTimeout(1))).not.toBeInstanceOf(TaskCancelledError);
  });

  it('TaskStateError carries its reason; the reference’s RuntimeError messages are kept', () => {
    expect(new TaskStateError('terminated').message).toBe('task group terminated');
    expect(new TaskStateError('already-grouped').message).toBe('task is already part of a group');
    expect(new TaskStateError('none-completed').message).toBe('no task successfully completed');
    expect(new TaskStateError('not-retained').reason).toBe('not-retained');
  });
});
