import { SCHEMA_ENTERPRISE, type DesiredConcurUser } from '../../../src/domain/concur-user';
import { identityDrift } from '../../../src/targets/concur/concur-drift';

const desired = (over: Partial<DesiredConcurUser['identity']> = {}, extra: Partial<DesiredConcurUser> = {}): DesiredConcurUser => ({
  identity: {
    userName: 'ann@example.com',
    active: true,
    title: 'Engineer',
    name: { givenName: 'Ann', familyName: 'Lee' },
    emails: [{ type: 'work', value: 'ann@example.com' }],
    entitlements: ['Expense'],
    enterprise: { employeeNumber: 'E1', costCenter: 'CC1' },
    ...over,
  },
  clear: [],
  createOnly: [],
  ...extra,
});
const concur = (over: Record<string, unknown> = {}) => ({
  id: 'u1',
  userName: 'ann@example.com',
  active: true,
  title: 'Engineer',
  name: { givenName: 'Ann', familyName: 'Lee' },
  emails: [{ type: 'work', value: 'ann@example.com' }],
  [SCHEMA_ENTERPRISE]: { employeeNumber: 'E1', costCenter: 'CC1' },
  ...over,
});

describe('target drift', () => {
  it('finds owned fields that differ, by name only', () => {
    expect(identityDrift(desired(), concur())).toEqual([]);
    expect(identityDrift(desired(), concur({ title: 'Hacked', active: false, [SCHEMA_ENTERPRISE]: { employeeNumber: 'E1' } }))).toEqual(['active', 'title', 'costCenter']);
    expect(identityDrift(desired(), concur({ emails: [{ type: 'work', value: 'x@example.com' }] }))).toEqual(['emails.work']);
  });

  it('ignores create-only, unmapped and request-only fields; clear-when-empty fields must be empty', () => {
    expect(identityDrift(desired({}, { createOnly: ['title'] }), concur({ title: 'Changed in Concur' }))).toEqual([]);
    expect(identityDrift(desired(), concur({ nickName: 'Added in Concur' }))).toEqual([]);
    expect(identityDrift(desired({ nickName: undefined }, { clear: ['nickName'] }), concur({ nickName: 'Added in Concur' }))).toEqual(['nickName']);
  });
});
