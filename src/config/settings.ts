import { join } from 'node:path';

/** Process settings from the environment, each with an embedded default. */
export interface Settings {
  temporalAddress: string;
  namespace: string;
  dataDir: string;
  store: { client: 'better-sqlite3'; filename: string } | { client: 'pg'; connection: string };
  secretKeyFile: string;
  apiHost: string;
  apiPort: number;
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const dataDir = env.OUTBOUND_DATA_DIR ?? join(__dirname, '..', '..', '.data');
  return {
    temporalAddress: env.OUTBOUND_TEMPORAL_ADDRESS ?? `127.0.0.1:${env.OUTBOUND_TEMPORAL_PORT ?? 7233}`,
    namespace: env.OUTBOUND_NAMESPACE ?? 'default',
    dataDir,
    store: env.OUTBOUND_STATE_PG_URL
      ? { client: 'pg', connection: env.OUTBOUND_STATE_PG_URL }
      : { client: 'better-sqlite3', filename: env.OUTBOUND_STATE_DB ?? join(dataDir, 'outbound.db') },
    secretKeyFile: env.OUTBOUND_SECRET_KEY_FILE ?? join(dataDir, 'secret.key'),
    apiHost: env.OUTBOUND_API_HOST ?? '127.0.0.1',
    apiPort: Number(env.OUTBOUND_API_PORT ?? 8080),
  };
}
