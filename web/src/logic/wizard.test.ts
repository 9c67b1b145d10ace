import { describe, expect, it } from 'vitest';
import { getPath, missingSummary, setPath, stepIndex } from './wizard';
import { progressPercent } from './progress';
import { auditQuery } from './audit-query';
import { explain } from './explain';

describe('wizard helpers', () => {
  it('sets and clears nested values without touching the original', () => {
    const a = { location: { filter: 'x' } };
    const b = setPath(a, 'location/baseDn', 'dc=example');
    expect(b).toEqual({ location: { filter: 'x', baseDn: 'dc=example' } });
    expect(a).toEqual({ location: { filter: 'x' } });
    expect(setPath(b, 'location/filter', '')).toEqual({ location: { baseDn: 'dc=example' } });
    expect(getPath(b, 'location/baseDn')).toBe('dc=example');
    expect(getPath(b, 'nope/deeper')).toBeUndefined();
  });

  it('summarises what a draft lacks by step, in wizard order, review left out', () => {
    expect(missingSummary({ mapping: [1, 2], info: [], source: [1], review: [1, 2, 3] })).toBe('Source: 1, Attribute mapping: 2');
    expect(missingSummary({ review: [] })).toBe('complete');
    expect(stepIndex('mapping')).toBe(4);
    expect(stepIndex('unknown')).toBe(0);
  });

  it('shows cycle progress by batches', () => {
    expect(progressPercent({ phase: 'planning', batches: 4, batchesDone: 0 })).toBe(0);
    expect(progressPercent({ phase: 'applying', batches: 4, batchesDone: 1 })).toBe(25);
    expect(progressPercent({ phase: 'finishing', batches: 4, batchesDone: 3 })).toBe(100);
  });

  it('builds the audit query from the filters', () => {
    expect(auditQuery({ action: '', outcome: 'failed', guid: ' g1 ', from: '', to: '' }, '42')).toEqual({ limit: '100', outcome: 'failed', guid: 'g1', cursor: '42' });
    expect(auditQuery({ action: '', outcome: '', guid: '', from: '2026-01-02T03:04', to: '' }).from).toMatch(/^2026-01-02T\d\d:04:00.000Z$/);
  });

  it("explains an audit entry with its cause and Concur's answer", () => {
    expect(explain({ action: 'create', outcome: 'failed', reason: 'new in source', message: '400 userName is invalid' })).toBe('Create the user in Concur, because of a change in the source (new in source). Concur (or the mapping) refused it: 400 userName is invalid.');
    expect(explain({ action: 'skip', outcome: 'skipped', reason: 'excluded' })).toMatch(/exclusion rule/);
  });
});
