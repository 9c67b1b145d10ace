import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/services/service';
import { startMariadb } from '../../scripts/services/mariadb';

export interface TestMariadb {
  /** mysql://outbound:outbound@127.0.0.1:<port>/outbound */
  url: string;
  stop(): Promise<void>;
}

/**
 * A real MariaDB: the one `npm test` started (OUTBOUND_MARIADB_URL), else a private instance on
 * a free port in a temporary folder, so a test file can also run alone. Suites sharing a server
 * keep apart by using their own table names.
 */
export async function ensureMariadb(): Promise<TestMariadb> {
  const shared = process.env.OUTBOUND_MARIADB_URL;
  if (shared) return { url: shared, stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'outbound-mariadb-'));
  const svc = await startMariadb({ port: await freePort(), dataDir: join(dir, 'mariadb'), logDir: process.env.OUTBOUND_TEST_LOG_DIR ?? join(dir, 'logs'), log: () => {} });
  return {
    url: svc.url,
    async stop() {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
