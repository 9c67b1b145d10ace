import knex, { type Knex } from 'knex';
import { ensureMariadb, type TestMariadb } from '../../support/mariadb';
import { readAll, sourceFor, suffix, type SqlFixture } from './sql-fixture';
import { describeSqlSourceContract } from './sql-source-contract';

let db: TestMariadb | undefined;
let fixture: SqlFixture | undefined;

async function setup(): Promise<SqlFixture> {
  db = await ensureMariadb();
  const url = new URL(db.url);
  const admin: Knex = knex({ client: 'mysql2', connection: db.url, pool: { min: 0, max: 2 } });
  const tables: string[] = [];
  fixture = {
    client: 'mysql2',
    admin,
    datastore: { client: 'mysql2', host: url.hostname, port: Number(url.port), user: url.username, password: decodeURIComponent(url.password), database: url.pathname.slice(1) },
    table: (base) => {
      const name = `sqlsrc_${base}_${suffix()}`;
      tables.push(name);
      return name;
    },
    createTable: async (table, build) => {
      await admin.schema.createTable(table, build);
    },
    timestampType: 'datetime(6)',
    binaryType: 'binary(16)',
    timestamp: (iso) => iso.replace('T', ' ').replace('Z', ''),
    marker: (iso) => iso.replace('Z', ''),
    async cleanup() {
      for (const t of tables.reverse()) await admin.schema.dropTableIfExists(t);
      await admin.destroy();
      await db?.stop();
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

describeSqlSourceContract('MariaDB', () => fixture!);

describe('SQL datastore on MariaDB: specifics', () => {
  it('reads TIMESTAMP(6) columns at UTC whatever the session default, and quoted ? in filters', async () => {
    const fx = fixture!;
    const table = fx.table('ts');
    await fx.admin.raw(`CREATE TABLE \`${table}\` (id varchar(10) PRIMARY KEY, note varchar(20), changed timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), flag tinyint(1))`);
    // Written by a session at +02:00, so the stored instant is 08:00:00.000001 UTC.
    await fx.admin.transaction(async (trx) => {
      await trx.raw("SET time_zone = '+02:00'");
      await trx(table).insert([
        { id: 'a', note: 'why?', changed: '2024-01-01 10:00:00.000001', flag: 0 },
        { id: 'b', note: 'fine', changed: '2024-01-01 10:00:00.000002', flag: 1 },
      ]);
    });
    const source = sourceFor(fx, { source: { table, guidColumn: 'id', updatedAtColumn: 'changed', statusColumn: 'flag' }, filter: "note = 'why?' OR note = 'fine'" });
    try {
      const { entries, watermark } = await readAll(source, { mode: 'full' });
      expect(entries.map((e) => [e.guid, e.enabled, e.attributes.changed[0]])).toEqual([
        ['a', false, '2024-01-01T08:00:00.000001Z'],
        ['b', true, '2024-01-01T08:00:00.000002Z'],
      ]);
      expect(watermark).toBe('2024-01-01T08:00:00.000002Z');
      expect((await readAll(source, { mode: 'incremental', watermark })).entries.map((e) => e.guid)).toEqual(['b']);
    } finally {
      await source.close();
    }
  });
});
