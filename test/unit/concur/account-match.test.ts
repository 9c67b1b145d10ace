import { SCHEMA_ENTERPRISE } from '../../../src/domain/concur-user';
import { matchAccount } from '../../../src/targets/concur/account-match';
import type { ConcurUserResource } from '../../../src/targets/concur/concur-identity-client';

const account = (id: string, userName: string, employeeNumber?: string, externalId?: string): ConcurUserResource =>
  ({ id, userName, externalId, ...(employeeNumber ? { [SCHEMA_ENTERPRISE]: { employeeNumber } } : {}) }) as unknown as ConcurUserResource;

describe('matchAccount', () => {
  const keys = { employeeNumber: 'E1', userName: 'ada@example.org' };

  it('links by employeeNumber, before anything else', () => {
    expect(matchAccount([account('u', 'ada@example.org', 'E2'), account('e', 'other@example.org', 'e1')], keys)).toEqual({ kind: 'link', id: 'e', by: 'employeeNumber' });
  });

  it('refuses a userName held by an account with another employeeNumber, naming the field without the value', () => {
    const m = matchAccount([account('u', 'ADA@example.org', 'E2')], keys, { linkByUserName: true });
    expect(m).toMatchObject({ kind: 'conflict', field: 'userName' });
    expect(JSON.stringify(m)).not.toContain('ada@');
  });

  it('links an account without employeeNumber by userName only with the opt-in', () => {
    expect(matchAccount([account('u', 'ada@example.org')], keys)).toMatchObject({ kind: 'conflict', field: 'userName' });
    expect(matchAccount([account('u', 'ada@example.org')], keys, { linkByUserName: true })).toEqual({ kind: 'link', id: 'u', by: 'userName' });
    // ...but not when its externalId says it is someone else.
    expect(matchAccount([account('u', 'ada@example.org', undefined, 'x-2')], { ...keys, externalId: 'x-1' }, { linkByUserName: true })).toMatchObject({ kind: 'conflict' });
  });

  it('links by externalId unless the account carries another employeeNumber', () => {
    expect(matchAccount([account('x', 'a@b', undefined, 'g-1')], { ...keys, externalId: 'g-1' })).toEqual({ kind: 'link', id: 'x', by: 'externalId' });
    expect(matchAccount([account('x', 'a@b', 'E9', 'g-1')], { ...keys, externalId: 'g-1' })).toMatchObject({ kind: 'conflict', field: 'externalId' });
  });

  it('finds none when nothing matches', () => {
    expect(matchAccount([account('z', 'z@example.org', 'E9')], keys)).toEqual({ kind: 'none' });
  });
});
