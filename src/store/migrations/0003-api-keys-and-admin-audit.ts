import type { Knex } from 'knex';
import type { StoreMigration } from './store-migration';

/**
 * API keys (only a scrypt hash of each secret is kept) and the audit of the administrators' own
 * writes through the API: who (key id), what (method, route, object), when, and the answer.
 */
export const apiKeysAndAdminAudit: StoreMigration = {
  name: '0003-api-keys-and-admin-audit',

  async up(knex: Knex): Promise<void> {
    const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true });
    await knex.schema.createTable('api_keys', (t) => {
      t.string('id', 32).primary();
      t.string('name', 128).notNullable();
      t.string('role', 16).notNullable();
      t.text('hash').notNullable();
      ts(t, 'created_at').notNullable();
      ts(t, 'last_used_at').nullable();
      ts(t, 'revoked_at').nullable();
    });
    await knex.schema.createTable('admin_audit', (t) => {
      t.bigIncrements('id');
      ts(t, 'at').notNullable();
      t.string('key_id', 32).notNullable();
      t.string('role', 16).notNullable();
      t.string('method', 8).notNullable();
      t.string('route', 256).notNullable();
      t.string('object', 256).notNullable();
      t.integer('status').notNullable();
      t.index(['at'], 'admin_audit_at_idx');
      t.index(['object', 'at'], 'admin_audit_object_at_idx');
    });
  },

  async down(knex: Knex): Promise<void> {
    await knex.schema.dropTableIfExists('admin_audit');
    await knex.schema.dropTableIfExists('api_keys');
  },
};
