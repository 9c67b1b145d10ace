import { renderUser } from './user-view';
import type { StoredUser } from './user-store';

/**
 * A stored user as tests and `/_sim/users` see it: the Identity v4.1 representation (with `meta`)
 * plus any UPS extensions under their URNs, plus the owning `companyId` for convenience.
 */
export interface ConcurSimUser {
  id: string;
  userName: string;
  active: boolean;
  schemas: string[];
  meta: { resourceType: 'User'; created: string; lastModified: string; location: string; version: number };
  companyId: string;
  [attribute: string]: unknown;
}

export function snapshotUser(u: StoredUser, baseUrl: string): ConcurSimUser {
  return structuredClone({ ...renderUser(u, baseUrl), ...u.extensions, companyId: u.companyId }) as unknown as ConcurSimUser;
}
