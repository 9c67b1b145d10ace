import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/services/service';
import { startPostgres } from '../../scripts/services/postgres';

export interface TestPostgres {
  /** postgres://outbound:outbound@127.0.0.1:<port>/outbound */
  url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL: the one `npm test` started (OUTBOUND_PG_URL), else a private instance on a
 * free port in a temporary folder, so a test file can also run alone. Suites sharing a server
 * keep apart by using their own schema and table names.
 */
export async function ensurePostgres(): Promise<TestPostgres> {
  const shared = process.env.OUTBOUND_PG_URL;
  if (shared) return { url: shared, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'outbound-pg-'));
  const svc = await startPostgres({ port: await freePort(), dataDir: join(dir, 'postgres'), logDir: process.env.OUTBOUND_TEST_LOG_DIR ?? join(dir, 'logs'), log: () => {} });
  return {
    url: svc.url,
    async stop() {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
