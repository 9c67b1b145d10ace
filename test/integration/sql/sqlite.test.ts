import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex, { type Knex } from 'knex';
import { readAll, sourceFor, suffix, type SqlFixture } from './sql-fixture';
import { describeSqlSourceContract } from './sql-source-contract';

let fixture: SqlFixture | undefined;

async function setup(): Promise<SqlFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'outbound-sqlite-'));
  const filename = join(dir, 'hr.sqlite');
  const admin: Knex = knex({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true });
  await admin.raw('PRAGMA journal_mode = WAL');
  fixture = {
    client: 'better-sqlite3',
    admin,
    datastore: { client: 'better-sqlite3', filename },
    table: (base) => `${base}_${suffix()}`,
    createTable: async (table, build) => {
      await admin.schema.createTable(table, build);
    },
    timestampType: 'text',
    binaryType: 'blob',
    timestamp: (iso) => iso,
    marker: (iso) => iso,
    async cleanup() {
      await admin.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

beforeAll(async () => {
  await setup();
});
afterAll(async () => {
  await fixture?.cleanup();
});

describeSqlSourceContract('SQLite', () => fixture!);

describe('SQL datastore on SQLite: specifics', () => {
  it('compares integer epoch markers as numbers in a column without type affinity', async () => {
    const fx = fixture!;
    const table = fx.table('epoch');
    await fx.admin.raw(`CREATE TABLE "${table}" (id TEXT PRIMARY KEY, changed)`); // no declared type: no affinity
    await fx.admin(table).insert([
      { id: 'a', changed: 1700000000 },
      { id: 'b', changed: 1700000005 },
    ]);
    const source = sourceFor(fx, { source: { table, guidColumn: 'id', updatedAtColumn: 'changed' } });
    try {
      const { watermark } = await readAll(source, { mode: 'full' });
      expect(watermark).toBe('1700000005');
      expect((await readAll(source, { mode: 'incremental', watermark: '1700000001' })).entries.map((e) => e.guid)).toEqual(['b']);
    } finally {
      await source.close();
    }
  });
});
