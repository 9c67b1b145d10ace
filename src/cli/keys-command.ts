import { ApiKeyStore, type ApiKeyInfo } from '../api/auth/api-key-store';
import { isApiRole } from '../api/auth/api-role';
import { loadSettings } from '../config/settings';
import { openStore } from '../app/runtime';
import { CliError, EXIT } from './cli-error';
import { textTable } from './text-table';

/**
 * `outbound keys …` works on the state store directly (not through the API): the first key has
 * to exist before the API can be called at all. Needs the same settings as the API process.
 */
export async function withKeyStore<T>(env: NodeJS.ProcessEnv, work: (keys: ApiKeyStore) => Promise<T>): Promise<T> {
  const store = await openStore(loadSettings(env));
  try {
    return await work(new ApiKeyStore(store.db));
  } finally {
    await store.close();
  }
}

export async function createKey(env: NodeJS.ProcessEnv, role: string, name: string): Promise<{ key: ApiKeyInfo; token: string }> {
  if (!isApiRole(role)) throw new CliError(`--role must be read, operator or admin (got "${role}")`, EXIT.usage);
  return withKeyStore(env, (keys) => keys.create(role, name));
}

export function keysTable(keys: ApiKeyInfo[]): string {
  return textTable(
    ['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'REVOKED'],
    keys.map((k) => [k.id, k.name, k.role, k.createdAt, k.lastUsedAt, k.revokedAt]),
  );
}
