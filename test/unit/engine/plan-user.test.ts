import { planAfterMapping, planBeforeMapping, planRemoval, type ManagedUserState } from '../../../src/domain/plan/plan-user';
import { removalGuardReason } from '../../../src/domain/plan/removal-guard';
import { losingClaims } from '../../../src/domain/plan/user-name-claims';

const now = new Date('2026-11-28T10:00:00Z');
const settings = { provisionDisabledUsers: false, removeAction: 'disable' as const };
const active: ManagedUserState = { status: 'active', concurId: 'c1', lastHash: 'h1' };

describe('planBeforeMapping', () => {
  it('skips excluded entries whatever their state', () => {
    expect(planBeforeMapping({ enabled: true, excluded: true }, active, settings, now)).toEqual({ kind: 'skip', reason: 'excluded' });
  });
  it('disables a provisioned user disabled in the source', () => {
    expect(planBeforeMapping({ enabled: false }, active, settings, now)).toMatchObject({ kind: 'action', action: 'disable' });
  });
  it('does not provision disabled users unless configured', () => {
    expect(planBeforeMapping({ enabled: false }, undefined, settings, now)).toMatchObject({ kind: 'skip' });
    expect(planBeforeMapping({ enabled: false }, undefined, { ...settings, provisionDisabledUsers: true }, now)).toEqual({ kind: 'map' });
  });
  it('leaves users with a pending durable retry alone until it is due', () => {
    const held = { ...active, nextAttemptAt: new Date(now.getTime() + 1000) };
    expect(planBeforeMapping({ enabled: true }, held, settings, now)).toEqual({ kind: 'skip', reason: 'retry pending' });
    const due = { ...active, nextAttemptAt: new Date(now.getTime() - 1000) };
    expect(planBeforeMapping({ enabled: true }, due, settings, now)).toEqual({ kind: 'map' });
  });
});

describe('planAfterMapping', () => {
  it('creates users new in scope', () => {
    expect(planAfterMapping('h', true, undefined)).toMatchObject({ action: 'create', reason: 'new in scope' });
  });
  it('updates only when the mapped values changed', () => {
    expect(planAfterMapping('h1', true, active)).toEqual({ kind: 'skip', reason: 'unchanged' });
    expect(planAfterMapping('h2', true, active)).toMatchObject({ action: 'update' });
  });
  it('reactivates a disabled user back in scope', () => {
    expect(planAfterMapping('h1', true, { ...active, status: 'disabled' })).toMatchObject({ action: 'reactivate' });
  });
  it('does not retry a refused write until the source changes', () => {
    const failed = { ...active, failedHash: 'h9' };
    expect(planAfterMapping('h9', true, failed)).toEqual({ kind: 'skip', reason: 'failed, source unchanged' });
    expect(planAfterMapping('h10', true, failed)).toMatchObject({ action: 'update' });
    expect(planAfterMapping('h9', true, { status: 'failed', failedHash: 'h9' })).toMatchObject({ kind: 'skip' });
    expect(planAfterMapping('h10', true, { status: 'failed', failedHash: 'h9' })).toMatchObject({ action: 'create' });
  });
  it('recreates users deleted by the remove action when they return', () => {
    expect(planAfterMapping('h1', true, { status: 'deleted', concurId: 'c1' })).toMatchObject({ action: 'create', reason: 'returned to scope after deletion' });
  });
});

describe('planRemoval', () => {
  it('disables or deletes per the remove-user action', () => {
    expect(planRemoval(active, settings)).toMatchObject({ action: 'disable' });
    expect(planRemoval(active, { ...settings, removeAction: 'delete' })).toMatchObject({ action: 'delete' });
    expect(planRemoval({ ...active, status: 'disabled' }, settings)).toMatchObject({ kind: 'skip' });
  });
  it('never removes excluded users', () => {
    expect(planRemoval({ ...active, excluded: true }, { ...settings, removeAction: 'delete' })).toMatchObject({ kind: 'skip', reason: 'excluded' });
  });
});

describe('removalGuardReason', () => {
  const guard = { maxRemovals: 10, maxRemovalPercent: 20 };
  it('passes small removals', () => {
    expect(removalGuardReason(0, 100, guard)).toBeUndefined();
    expect(removalGuardReason(5, 100, guard)).toBeUndefined();
  });
  it('holds removals above the count or the percentage', () => {
    expect(removalGuardReason(11, 1000, guard)).toMatch(/exceed the limit of 10/);
    expect(removalGuardReason(5, 20, guard)).toMatch(/25.0% of 20/);
  });
  it('holds a full read that found nothing whatever the limits', () => {
    const open = { maxRemovals: 1_000_000, maxRemovalPercent: 100 };
    expect(removalGuardReason(5, 5, open)).toBeUndefined();
    expect(removalGuardReason(5, 5, open, { emptyRead: true })).toBe('the source returned no entries while 5 users are managed');
  });
});

describe('losingClaims (two entries, one userName)', () => {
  it('keeps the linked entry, else the GUID that sorts first, and fails only the unlinked others', () => {
    expect([...losingClaims([{ guid: 'b', key: 'k', linked: false }, { guid: 'a', key: 'k', linked: false }, { guid: 'c', key: 'x', linked: false }])]).toEqual(['b']);
    expect([...losingClaims([{ guid: 'a', key: 'k', linked: false }, { guid: 'z', key: 'k', linked: true }])]).toEqual(['a']);
    // Order of reading does not matter.
    expect([...losingClaims([{ guid: 'z', key: 'k', linked: true }, { guid: 'a', key: 'k', linked: false }])]).toEqual(['a']);
  });
});
