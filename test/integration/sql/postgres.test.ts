import knex, { type Knex } from 'knex';
import { ensurePostgres, type TestPostgres } from '../../support/postgres';
import { readAll, sourceFor, suffix, type SqlFixture } from './sql-fixture';
import { describeSqlSourceContract } from './sql-source-contract';

let pg: TestPostgres | undefined;
let fixture: SqlFixture | undefined;

async function setup(): Promise<SqlFixture> {
  pg = await ensurePostgres();
  const url = new URL(pg.url);
  const schema = `sqlsrc_${suffix()}`;
  const admin: Knex = knex({ client: 'pg', connection: pg.url, pool: { min: 0, max: 2 } });
  await admin.raw('CREATE SCHEMA ??', [schema]);
  fixture = {
    client: 'pg',
    admin,
    datastore: { client: 'pg', host: url.hostname, port: Number(url.port), user: url.username, password: decodeURIComponent(url.password), database: url.pathname.slice(1) },
    table: (base) => `${schema}.${base}_${suffix()}`,
    createTable: async (table, build) => {
      await admin.schema.withSchema(schema).createTable(table.slice(schema.length + 1), build);
    },
    timestampType: 'timestamptz(6)',
    binaryType: 'bytea',
    timestamp: (iso) => iso,
    marker: (iso) => iso,
    async cleanup() {
      await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await admin.destroy();
      await pg?.stop();
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

describeSqlSourceContract('PostgreSQL', () => fixture!);

describe('SQL datastore on PostgreSQL: specifics', () => {
  it('reads uuid, timestamp without time zone, date, arrays and json as text', async () => {
    const fx = fixture!;
    const table = fx.table('types');
    await fx.admin.raw(`CREATE TABLE ${table.split('.').map((p) => `"${p}"`).join('.')} (id uuid PRIMARY KEY, local_ts timestamp(6), born date, roles text[], extra jsonb, salary numeric(12,2), active boolean)`);
    await fx.admin(table).insert({ id: '0F8FAD5B-D9CB-469F-A165-70867728950E', local_ts: '2024-05-06 07:08:09.123456', born: '1980-02-29', roles: ['a', 'b'], extra: { k: 'v' }, salary: '1234.50', active: false });
    const source = sourceFor(fx, { source: { table, guidColumn: 'id', statusColumn: 'active', updatedAtColumn: 'local_ts' } });
    try {
      const { entries, watermark } = await readAll(source, { mode: 'full' });
      expect(entries[0]).toMatchObject({
        guid: '0f8fad5b-d9cb-469f-a165-70867728950e',
        enabled: false,
        attributes: { local_ts: ['2024-05-06T07:08:09.123456'], born: ['1980-02-29'], roles: ['a', 'b'], extra: ['{"k":"v"}'], salary: ['1234.50'], active: ['false'] },
      });
      expect(watermark).toBe('2024-05-06T07:08:09.123456');
      expect((await readAll(source, { mode: 'incremental', watermark })).entries).toHaveLength(1);
      expect(await source.readOne('0F8FAD5B-D9CB-469F-A165-70867728950E')).toMatchObject({ guid: '0f8fad5b-d9cb-469f-a165-70867728950e' });
      expect(await source.readOne('not-a-uuid')).toBeUndefined();
    } finally {
      await source.close();
    }
  });

  it('reads in read-only sessions: a SELECT source that writes fails and changes nothing', async () => {
    const fx = fixture!;
    const table = fx.table('ro');
    const quoted = table.split('.').map((p) => `"${p}"`).join('.');
    const seq = `${table}_seq`.split('.').map((p) => `"${p}"`).join('.');
    await fx.admin.raw(`CREATE TABLE ${quoted} (id text PRIMARY KEY)`);
    await fx.admin.raw(`CREATE SEQUENCE ${seq}`);
    await fx.admin(table).insert([{ id: 'a' }, { id: 'b' }]);
    const writes = sourceFor(fx, { source: { query: `SELECT id, nextval('${seq.replace(/'/g, "''")}') AS n FROM ${quoted}`, guidColumn: 'id' } });
    const cte = sourceFor(fx, { source: { query: `WITH gone AS (DELETE FROM ${quoted} RETURNING id) SELECT id FROM gone`, guidColumn: 'id' } });
    try {
      await expect(readAll(writes, { mode: 'full' })).rejects.toMatchObject({ setting: 'channel.source.query', message: expect.stringMatching(/read-only/) });
      expect(await cte.verify()).toMatchObject({ ok: false, setting: 'channel.source.query' });
      expect(Number((await fx.admin(table).count({ n: '*' }))[0].n)).toBe(2);
      expect((await fx.admin.raw(`SELECT last_value, is_called FROM ${seq}`)).rows[0]).toMatchObject({ is_called: false });
    } finally {
      await writes.close();
      await cte.close();
    }
  });
});
