/**
 * Which existing Concur account, if any, a source entry may be linked to. Pure, so the rule is
 * tested in milliseconds. An account is linked only when it is provably this user: its
 * employeeNumber (or externalId, where the mapping sets one) is the entry's. A userName alone
 * proves nothing (two people may have shared a mail; another provisioner may have reused it),
 * except, by the channel's opt-in, for an account that has no employeeNumber at all.
 * Conflict messages name the field, never its value.
 */
import type { ConcurUserResource, UserKeys } from './concur-identity-client';
import { employeeNumberOf } from './concur-identity-client';

export type AccountMatch =
  | { kind: 'link'; id: string; by: 'employeeNumber' | 'externalId' | 'userName' }
  | { kind: 'conflict'; field: 'userName' | 'externalId'; message: string }
  | { kind: 'none' };

export interface MatchOptions {
  /** Channel opt-in: link an account found by userName when it has no employeeNumber. */
  linkByUserName?: boolean;
}

const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

export function matchAccount(found: ConcurUserResource[], keys: UserKeys, options: MatchOptions = {}): AccountMatch {
  const byEmployee = found.find((u) => same(employeeNumberOf(u), keys.employeeNumber));
  if (byEmployee) return { kind: 'link', id: byEmployee.id, by: 'employeeNumber' };
  const byExternal = found.find((u) => same(u.externalId, keys.externalId));
  if (byExternal) {
    const other = employeeNumberOf(byExternal);
    if (other && keys.employeeNumber) {
      return { kind: 'conflict', field: 'externalId', message: 'externalId: held by a Concur user with another employeeNumber; not linked' };
    }
    return { kind: 'link', id: byExternal.id, by: 'externalId' };
  }
  const byUserName = found.find((u) => same(u.userName, keys.userName));
  if (!byUserName) return { kind: 'none' };
  if (employeeNumberOf(byUserName)) {
    return { kind: 'conflict', field: 'userName', message: 'userName: held by a Concur user with another employeeNumber; not linked' };
  }
  if (keys.externalId && byUserName.externalId && !same(byUserName.externalId, keys.externalId)) {
    return { kind: 'conflict', field: 'userName', message: 'userName: held by a Concur user with another externalId; not linked' };
  }
  if (options.linkByUserName) return { kind: 'link', id: byUserName.id, by: 'userName' };
  return {
    kind: 'conflict',
    field: 'userName',
    message: 'userName: held by a Concur user without employeeNumber; not linked (channel.linkByUserName allows linking such accounts)',
  };
}
