/**
 * SQL datastore read throughput and memory: loads N users into a private PostgreSQL (or the one
 * at OUTBOUND_PG_URL) with multi-row inserts, reads them all through createSqlChannelSource in
 * keyset pages, then reads 1% of them back incrementally. Prints entries/s and peak RSS.
 *
 *   tsx bench/sql-read-bench.ts [--rows 100000] [--page-size 1000]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex from 'knex';
import { freePort } from '../scripts/services/service';
import { startPostgres } from '../scripts/services/postgres';
import { SqlDatastoreConfig } from '../src/domain/config/datastore-config';
import { Exclusion, SourceLocation, SqlSourceSettings } from '../src/domain/config/source-settings';
import { createSqlChannelSource } from '../src/datastores/sql-channel-source';

export interface SqlReadBenchResult {
  rows: number;
  pageSize: number;
  loadSeconds: number;
  readSeconds: number;
  entriesPerSecond: number;
  pages: number;
  /** RSS just before the full read, and the highest RSS sampled during it. */
  baselineRssMb: number;
  peakRssMb: number;
  incrementalEntries: number;
  incrementalSeconds: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function withPostgres<T>(run: (url: string) => Promise<T>): Promise<T> {
  if (process.env.OUTBOUND_PG_URL) return run(process.env.OUTBOUND_PG_URL);
  const dir = mkdtempSync(join(tmpdir(), 'outbound-bench-pg-'));
  const svc = await startPostgres({ port: await freePort(), dataDir: join(dir, 'pg'), logDir: join(dir, 'logs'), log: () => {} });
  try {
    return await run(svc.url);
  } finally {
    await svc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSqlRead(options: { rows?: number; pageSize?: number } = {}): Promise<SqlReadBenchResult> {
  const rows = options.rows ?? 100_000;
  const pageSize = options.pageSize ?? 1000;
  return withPostgres(async (url) => {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const admin = knex({ client: 'pg', connection: url, pool: { min: 0, max: 2 } });
    try {
      await admin.raw('CREATE SCHEMA ??', [schema]);
      await admin.schema.withSchema(schema).createTable('people', (t) => {
        t.uuid('id').primary();
        t.string('employee_no', 20);
        t.string('first_name', 50);
        t.string('last_name', 50);
        t.string('email', 100);
        t.string('department', 50);
        t.string('title', 80);
        t.string('manager_email', 100);
        t.string('status', 10);
        t.specificType('updated_at', 'timestamptz(6)').notNullable();
        t.index(['updated_at', 'id'], 'people_updated_idx');
      });
      const table = `${schema}.people`;
      const loadStart = performance.now();
      const base = Date.UTC(2024, 0, 1);
      for (let i = 0; i < rows; i += 1000) {
        const batch = [];
        for (let j = i; j < Math.min(rows, i + 1000); j++) {
          batch.push({
            id: randomUUID(),
            employee_no: `E${String(j).padStart(7, '0')}`,
            first_name: `First${j}`,
            last_name: `Last${j}`,
            email: `user${j}@example.com`,
            department: `Dept ${j % 40}`,
            title: j % 7 === 0 ? 'Manager' : 'Engineer',
            manager_email: `user${j - (j % 50)}@example.com`,
            status: j % 20 === 0 ? 'inactive' : 'active',
            updated_at: new Date(base + j * 1000).toISOString(),
          });
        }
        await admin(table).insert(batch);
      }
      await admin.raw('ANALYZE ??', [table]);
      const loadSeconds = (performance.now() - loadStart) / 1000;

      const u = new URL(url);
      const datastore = SqlDatastoreConfig.parse({
        id: 'bench',
        type: 'sql',
        client: 'pg',
        host: u.hostname,
        port: Number(u.port),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        database: u.pathname.slice(1),
        pageSize,
      });
      const channel = {
        source: SqlSourceSettings.parse({ kind: 'sql', table, guidColumn: 'id', statusColumn: 'status', updatedAtColumn: 'updated_at' }),
        location: SourceLocation.parse({}),
        exclusion: Exclusion.parse({}),
      };
      const source = createSqlChannelSource(datastore, channel, { resolve: async (ref) => ref });
      try {
        global.gc?.();
        const baselineRss = process.memoryUsage().rss;
        let peakRss = baselineRss;
        const sampler = setInterval(() => {
          peakRss = Math.max(peakRss, process.memoryUsage().rss);
        }, 10);
        let count = 0;
        let pages = 0;
        let watermark: string | undefined;
        const readStart = performance.now();
        try {
          for await (const page of source.read({ mode: 'full' })) {
            count += page.entries.length;
            pages++;
            watermark = page.watermark;
            peakRss = Math.max(peakRss, process.memoryUsage().rss);
          }
        } finally {
          clearInterval(sampler);
        }
        const readSeconds = (performance.now() - readStart) / 1000;
        if (count !== rows) throw new Error(`read ${count} entries, expected ${rows}`);

        // 1% of users change after the full read; an incremental read returns just those.
        const changed = Math.max(1, Math.floor(rows / 100));
        await admin.raw(
          `UPDATE ?? SET title = 'Director', updated_at = now() WHERE id IN (SELECT id FROM ?? ORDER BY employee_no LIMIT ${changed})`,
          [table, table],
        );
        const incStart = performance.now();
        let incrementalEntries = 0;
        for await (const page of source.read({ mode: 'incremental', watermark })) incrementalEntries += page.entries.length;
        const incrementalSeconds = (performance.now() - incStart) / 1000;

        return {
          rows,
          pageSize,
          loadSeconds: Math.round(loadSeconds * 100) / 100,
          readSeconds: Math.round(readSeconds * 100) / 100,
          entriesPerSecond: Math.round(count / readSeconds),
          pages,
          baselineRssMb: mb(baselineRss),
          peakRssMb: mb(peakRss),
          incrementalEntries,
          incrementalSeconds: Math.round(incrementalSeconds * 1000) / 1000,
        };
      } finally {
        await source.close();
      }
    } finally {
      await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).catch(() => undefined);
      await admin.destroy();
    }
  });
}

function argValue(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

if (require.main === module) {
  benchSqlRead({ rows: argValue('--rows'), pageSize: argValue('--page-size') })
    .then((r) => {
      console.log(
        `SQL read (PostgreSQL, ${r.rows} rows, pages of ${r.pageSize}): loaded in ${r.loadSeconds} s; full read ${r.readSeconds} s = ${r.entriesPerSecond} entries/s in ${r.pages} pages; ` +
          `RSS ${r.baselineRssMb} MB before, peak ${r.peakRssMb} MB; incremental read of ${r.incrementalEntries} changed in ${r.incrementalSeconds} s`,
      );
      console.log(JSON.stringify(r));
    })
    .catch((err: Error) => {
      console.error(err.message);
      process.exit(1);
    });
}
