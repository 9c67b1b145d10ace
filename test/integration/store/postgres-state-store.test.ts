import { randomBytes } from 'node:crypto';
import knex from 'knex';
import { openStateStore } from '../../../src/store/open-state-store';
import { ensurePostgres, type TestPostgres } from '../../support/postgres';
import { describeStateStoreContract } from './state-store-contract';

let pg: TestPostgres | undefined;
const schemas: string[] = [];
const newSchema = () => {
  const schema = `outbound_store_test_${randomBytes(4).toString('hex')}`;
  schemas.push(schema);
  return schema;
};
const server = async () => (pg ??= await ensurePostgres());

/** Each run gets its own schema, dropped afterwards, so runs never see each other's rows. */
afterAll(async () => {
  if (pg && schemas.length) {
    const admin = knex({ client: 'pg', connection: pg.url });
    try {
      for (const schema of schemas) await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    } finally {
      await admin.destroy();
    }
  }
  await pg?.stop();
});

describeStateStoreContract('PostgreSQL', async () => {
  const { url } = await server();
  const schema = newSchema();
  return {
    open: (secrets) => openStateStore({ client: 'pg', connection: url, schema }, { env: {}, ...secrets }),
    cleanup: async () => undefined,
  };
});

describe('PostgreSQL planner statistics', () => {
  it('analyzes a table once a bulk write makes its statistics stale', async () => {
    const { url } = await server();
    const schema = newSchema();
    const store = await openStateStore({ client: 'pg', connection: url, schema }, { key: randomBytes(32) });
    try {
      const analyzed = async (table: string) =>
        ((await store.db.raw('SELECT last_analyze FROM pg_stat_user_tables WHERE schemaname = ? AND relname = ?', [schema, table])) as { rows: Array<{ last_analyze: Date | null }> }).rows[0]
          ?.last_analyze ?? null;
      const cycle = await store.startCycle('ch', 'full', false);
      const items = (from: number, n: number) =>
        Array.from({ length: n }, (_, j) => ({ cycleId: cycle.id, seq: from + j, guid: `g${from + j}`, action: 'create' as const, reason: 'new', batchNo: 0 }));
      await store.addPlanItems(items(0, 500));
      expect(await analyzed('plan_items')).toBeNull();
      await store.addPlanItems(items(500, 500));
      expect(await analyzed('plan_items')).toBeInstanceOf(Date);
      await store.upsertUsers(Array.from({ length: 1000 }, (_, i) => ({ channelId: 'ch', guid: `g${i}`, status: 'active' as const })));
      expect(await analyzed('provisioned_users')).toBeInstanceOf(Date);
    } finally {
      await store.close();
    }
  });
});
