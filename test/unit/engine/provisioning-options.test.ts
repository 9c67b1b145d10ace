import { ChannelConfig } from '../../../src/domain/config/channel-config';
import { DELETE_REFUSED, planBeforeMapping, planRemoval } from '../../../src/domain/plan/plan-user';
import { governingOption, heldBackReason } from '../../../src/domain/plan/provisioning-options';

const base = { id: 'c', connectionId: 'x', datastoreId: 'y', source: { kind: 'ldap' }, mapping: { userName: { source: 'mail' } } };
const issues = (extra: Record<string, unknown>) => {
  const r = ChannelConfig.safeParse({ ...base, ...extra });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('provisioning options', () => {
  it('default on; each switch holds back its kind of write, and re-enabling counts as an update', () => {
    const parsed = ChannelConfig.parse(base);
    expect(parsed).toMatchObject({ userCreate: true, userUpdate: true, userDisableDelete: true, provisionDisabledUsers: false });
    const all = { userCreate: true, userUpdate: true, userDisableDelete: true };
    for (const a of ['create', 'update', 'reactivate', 'disable', 'delete'] as const) expect(heldBackReason(a, all)).toBeUndefined();
    expect(governingOption('reactivate')).toBe('userUpdate');
    expect(heldBackReason('create', { ...all, userCreate: false })).toBe('held back: userCreate is off');
    expect(heldBackReason('reactivate', { ...all, userUpdate: false })).toBe('held back: userUpdate is off');
    expect(heldBackReason('delete', { ...all, userDisableDelete: false })).toBe('held back: userDisableDelete is off');
    expect(heldBackReason('update', { ...all, userDisableDelete: false })).toBeUndefined();
  });

  it('contradictory options are refused naming the fields', () => {
    expect(issues({ provisionDisabledUsers: true, userCreate: false })).toEqual([expect.stringMatching(/^provisionDisabledUsers: .*userCreate/)]);
    expect(issues({ provisionDisabledUsers: true, removeAction: 'delete' })).toEqual([expect.stringMatching(/^provisionDisabledUsers: .*removeAction 'disable'/)]);
    expect(issues({ provisionDisabledUsers: true })).toEqual([]);
  });
});

describe('remove user action', () => {
  const del = { provisionDisabledUsers: false, removeAction: 'delete' as const };
  it('applies to users disabled in the source', () => {
    expect(planBeforeMapping({ enabled: false }, { status: 'active', concurId: 'c1' }, del, new Date())).toMatchObject({ action: 'delete', reason: 'disabled in source' });
    expect(planBeforeMapping({ enabled: false }, { status: 'disabled', concurId: 'c1' }, del, new Date())).toMatchObject({ action: 'delete' });
  });
  it('is not tried again once Concur refused the delete', () => {
    const refused = { status: 'disabled' as const, concurId: 'c1', lastErrorCode: DELETE_REFUSED };
    expect(planRemoval(refused, del)).toMatchObject({ kind: 'skip', reason: 'already disabled' });
    expect(planBeforeMapping({ enabled: false }, refused, del, new Date())).toMatchObject({ kind: 'skip', reason: 'already disabled' });
  });
});
