import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, RetryState } from '@temporalio/common';
import { classifyCycleFailure, failureBackoffMs } from '../../../src/workflows/cycle-failure';

const fromActivity = (activityType: string, cause: Error) =>
  new ChildWorkflowFailure('default', { workflowId: 'c', runId: 'r' }, 'cycleWorkflow', RetryState.NON_RETRYABLE_FAILURE,
    new ActivityFailure('activity failed', activityType, '1', RetryState.MAXIMUM_ATTEMPTS_REACHED, 'w', cause));

describe('classifyCycleFailure', () => {
  it('names an unreachable source', () => {
    const f = classifyCycleFailure(fromActivity('planCycle', ApplicationFailure.create({ type: 'LdapDatastoreError', message: 'datastore.urls: unreachable' })));
    expect(f).toEqual({ reason: 'source-unavailable', type: 'LdapDatastoreError', message: 'datastore.urls: unreachable' });
  });
  it('names a configuration fault, a failing probe and an unknown failure', () => {
    expect(classifyCycleFailure(fromActivity('planCycle', ApplicationFailure.nonRetryable('mapping is invalid', 'ConfigError'))).reason).toBe('config-error');
    expect(classifyCycleFailure(fromActivity('probeTarget', ApplicationFailure.create({ message: 'boom', type: 'Error' }))).reason).toBe('target-probe-failed');
    expect(classifyCycleFailure(new Error('x')).reason).toBe('cycle-failed');
  });
});

describe('failureBackoffMs', () => {
  it('waits the interval, doubling per further failure, capped at an hour (or the interval when longer)', () => {
    expect([1, 2, 3].map((n) => failureBackoffMs(60, n))).toEqual([60_000, 120_000, 240_000]);
    expect(failureBackoffMs(60, 50)).toBe(3_600_000);
    expect(failureBackoffMs(7200, 5)).toBe(7_200_000);
  });
});
