import { ChannelEntity } from '../../../src/workflows/channel-entity';
import type { CycleSummary } from '../../../src/workflows/messages';

const summary = (cycleNo: number, mode: CycleSummary['mode'], extra: Partial<CycleSummary> = {}): CycleSummary => ({
  cycleNo,
  cycleId: cycleNo,
  mode,
  dryRun: false,
  outcome: 'succeeded',
  counts: { read: 0, excluded: 0, unchanged: 0, create: 0, update: 0, disable: 0, delete: 0, reactivate: 0, succeeded: 0, failed: 0, retrying: 0, invalid: 0 },
  durationMs: 1,
  finishedAt: '2026-11-28T00:00:00Z',
  intervalSeconds: 30,
  fullReconcileEvery: 3,
  ...extra,
});

describe('ChannelEntity', () => {
  const fresh = () => new ChannelEntity('demo', ChannelEntity.initialState({ intervalSeconds: 60, fullReconcileEvery: 3, lastCycleNo: 0, lastFullCycleNo: 0 }));

  it('starts with a full cycle, then runs incremental ones with a full reconcile every N', () => {
    const ch = fresh();
    const modes: string[] = [];
    for (let i = 0; i < 7; i++) {
      const c = ch.beginCycle(`w${i}`);
      modes.push(c.mode);
      ch.endCycle(summary(c.cycleNo, c.mode));
    }
    expect(modes).toEqual(['full', 'incremental', 'incremental', 'full', 'incremental', 'incremental', 'full']);
  });

  it('continues numbering from the store after a re-activation', () => {
    const ch = new ChannelEntity('demo', ChannelEntity.initialState({ intervalSeconds: 60, fullReconcileEvery: 10, lastCycleNo: 41, lastFullCycleNo: 40 }));
    expect(ch.beginCycle('w')).toMatchObject({ cycleNo: 42, mode: 'incremental' });
  });

  it('merges sync requests: a full or real run wins over incremental or dry', () => {
    const ch = fresh();
    ch.beginCycle('w');
    ch.endCycle(summary(1, 'full'));
    ch.requestSync({ dryRun: true });
    ch.requestSync({ mode: 'full', dryRun: false });
    expect(ch.beginCycle('w2')).toMatchObject({ mode: 'full', dryRun: false });
    expect(ch.syncPending).toBe(false);
  });

  it('merges sync requests: target reconciliation wins over full and incremental', () => {
    const ch = fresh();
    ch.beginCycle('w');
    ch.endCycle(summary(1, 'full'));
    ch.requestSync({ mode: 'target', dryRun: true });
    ch.requestSync({ mode: 'full', dryRun: true });
    ch.requestSync({ mode: 'incremental', dryRun: true });
    expect(ch.beginCycle('w2')).toMatchObject({ mode: 'target', dryRun: true });
  });

  it('reports paused, and applies interval changes read by the last cycle', () => {
    const ch = fresh();
    ch.pause();
    ch.rest();
    expect(ch.status()).toMatchObject({ paused: true, phase: 'paused' });
    const c = ch.beginCycle('w');
    ch.endCycle(summary(c.cycleNo, c.mode, { intervalSeconds: 5 }));
    expect(ch.state.intervalSeconds).toBe(5);
  });

  it('a reset forces the next cycle to be full', () => {
    const ch = fresh();
    ch.beginCycle('w');
    ch.endCycle(summary(1, 'full'));
    ch.requestReset();
    expect(ch.state.resetRequested).toBe(true);
    expect(ch.beginCycle('w2').mode).toBe('full');
  });

  it('a failed cycle shows error with its reason, owes a full read, and clears on the next completed cycle', () => {
    const ch = fresh();
    const c1 = ch.beginCycle('w1');
    ch.endCycle(summary(c1.cycleNo, c1.mode));
    ch.requestSync({ mode: 'full' });
    const c2 = ch.beginCycle('w2');
    ch.failCycle(c2.cycleNo, { reason: 'source-unavailable', message: 'datastore.urls: unreachable' }, '2026-12-01T00:00:00Z');
    ch.failCycle(c2.cycleNo, { reason: 'source-unavailable', message: 'datastore.urls: unreachable' }, '2026-12-01T00:01:00Z');
    expect(ch.status()).toMatchObject({ phase: 'error', lastFailure: { reason: 'source-unavailable', consecutiveFailures: 2 } });
    expect(ch.restingPhase()).toBe('error');
    const c3 = ch.beginCycle('w3');
    expect(c3.mode).toBe('full');
    ch.endCycle(summary(c3.cycleNo, c3.mode));
    expect(ch.status().lastFailure).toBeUndefined();
    expect(ch.restingPhase()).toBe('idle');
    expect(ch.beginCycle('w4').mode).toBe('incremental');
  });
});
