import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { ApiKeyStore } from '../src/api/auth/api-key-store';
import { defaultKeyFile } from '../src/cli/cli-key';
import { loadSettings } from '../src/config/settings';
import { openStore } from '../src/app/runtime';

/**
 * The admin key `npm run up` uses: the one in the key file while it is still valid, else a new
 * admin key written there (mode 0600, only this user can read it). The CLI reads the same file.
 */
export async function ensureFirstAdminKey(env: NodeJS.ProcessEnv): Promise<{ token: string; file: string; created: boolean }> {
  const file = defaultKeyFile(env);
  const store = await openStore(loadSettings(env));
  try {
    const keys = new ApiKeyStore(store.db);
    let existing: string | undefined;
    try {
      existing = readFileSync(file, 'utf8').trim();
    } catch {
      existing = undefined;
    }
    if (existing && (await keys.verify(existing))?.role === 'admin') return { token: existing, file, created: false };
    const { token } = await keys.create('admin', 'first admin (npm run up)');
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return { token, file, created: true };
  } finally {
    await store.close();
  }
}
