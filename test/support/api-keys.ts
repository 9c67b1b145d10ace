import { ApiKeyStore } from '../../src/api/auth/api-key-store';
import type { ApiRole } from '../../src/api/auth/api-role';
import type { KnexStateStore } from '../../src/store/knex-state-store';

/** A new API key with `role` in the test's state store; returns the token to present. */
export async function createTestKey(store: KnexStateStore, role: ApiRole, name = `test-${role}`): Promise<string> {
  return (await new ApiKeyStore(store.db).create(role, name)).token;
}

/** The header a client presents a key with. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
