import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings } from '../config/settings';

/** Where `npm run up` writes the first admin key (mode 0600). */
export function defaultKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.OUTBOUND_API_KEY_FILE ?? join(loadSettings(env).dataDir, 'admin-api-key');
}

/** The key to present: --key, else OUTBOUND_API_KEY, else the key file (when it exists). */
export function resolveApiKey(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (option) return option;
  if (env.OUTBOUND_API_KEY) return env.OUTBOUND_API_KEY;
  try {
    return readFileSync(defaultKeyFile(env), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
