import { CycleEntity } from '../../../src/workflows/cycle-entity';
import type { CycleCounts } from '../../../src/domain/cycle';

const counts = { read: 3 } as CycleCounts;

describe('CycleEntity', () => {
  it('hands out each batch once and none after a stop', () => {
    const cycle = new CycleEntity(false);
    cycle.planned(3, counts);
    expect([cycle.takeBatch(), cycle.takeBatch()]).toEqual([0, 1]);
    cycle.requestStop();
    expect(cycle.takeBatch()).toBeUndefined();
  });

  it('is complete only when every batch is done and no provision is pending', () => {
    const cycle = new CycleEntity(false);
    cycle.planned(1, counts);
    cycle.takeBatch();
    cycle.batchApplied({ retryingGuids: ['g1', 'g1'], provisions: ['p1'] });
    cycle.batchDone({ succeeded: 2, failed: 0, retrying: 1 });
    expect(cycle.complete).toBe(false);
    expect([...cycle.retryGuids]).toEqual(['g1']);
    cycle.provisionsChecked({ pending: [], failed: 1 });
    expect(cycle.complete).toBe(true);
    expect(cycle.applied).toEqual({ succeeded: 1, failed: 1, retrying: 1 });
  });

  it('shows the breaker while it is open and its latest reason', () => {
    const cycle = new CycleEntity(false);
    cycle.breakerOpen('401 unauthorized');
    cycle.breakerOpen('unreachable');
    expect(cycle.progress).toMatchObject({ phase: 'breaker-open', breakerReason: 'unreachable' });
    cycle.breakerClosed();
    expect(cycle.progress).toMatchObject({ phase: 'applying', breakerReason: undefined });
  });
});
