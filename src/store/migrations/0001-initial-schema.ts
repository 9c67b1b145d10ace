import type { Knex } from 'knex';
import type { StoreMigration } from './store-migration';

/**
 * First schema. Portable column types only (knex maps them for SQLite and PostgreSQL):
 * - dates are `timestamp with time zone` (SQLite keeps epoch milliseconds, see row-values.ts);
 * - JSON is `text`, not jsonb: the exact text round-trips on both databases, key order included
 *   (configuration as code compares stored and applied configs as JSON strings).
 */
export const initialSchema: StoreMigration = {
  name: '0001-initial-schema',

  async up(knex: Knex): Promise<void> {
    const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true });

    // configuration ----------------------------------------------------------------------------
    await knex.schema.createTable('datastores', (t) => {
      t.string('id', 64).primary();
      t.string('type', 16).notNullable();
      t.text('config').notNullable();
      ts(t, 'created_at').notNullable();
      ts(t, 'updated_at').notNullable();
    });
    await knex.schema.createTable('connections', (t) => {
      t.string('id', 64).primary();
      t.text('config').notNullable();
      ts(t, 'created_at').notNullable();
      ts(t, 'updated_at').notNullable();
    });
    await knex.schema.createTable('channels', (t) => {
      t.string('id', 64).primary();
      t.integer('current_version').notNullable();
      ts(t, 'created_at').notNullable();
      ts(t, 'updated_at').notNullable();
    });
    await knex.schema.createTable('channel_versions', (t) => {
      t.string('channel_id', 64).notNullable().references('id').inTable('channels').onDelete('CASCADE');
      t.integer('version').notNullable();
      t.text('config').notNullable();
      ts(t, 'created_at').notNullable();
      t.primary(['channel_id', 'version']);
    });
    // A draft may exist before its channel does, so no foreign key.
    await knex.schema.createTable('channel_drafts', (t) => {
      t.string('channel_id', 64).primary();
      t.text('draft').notNullable();
      ts(t, 'updated_at').notNullable();
    });

    // secrets ------------------------------------------------------------------------------------
    await knex.schema.createTable('secrets', (t) => {
      t.string('id', 64).primary();
      t.string('owner', 160).nullable().index('secrets_owner_idx');
      t.text('ciphertext').notNullable();
      ts(t, 'created_at').notNullable();
    });
    await knex.schema.createTable('oauth_tokens', (t) => {
      t.string('connection_id', 64).primary();
      t.text('ciphertext').notNullable();
      ts(t, 'updated_at').notNullable();
    });

    // channel state and cycles -----------------------------------------------------------------
    await knex.schema.createTable('channel_state', (t) => {
      t.string('channel_id', 64).primary();
      t.text('watermark').nullable();
      t.integer('last_cycle_no').notNullable().defaultTo(0);
      t.integer('last_full_cycle_no').nullable();
      ts(t, 'updated_at').notNullable();
    });
    await knex.schema.createTable('cycles', (t) => {
      t.increments('id');
      t.string('channel_id', 64).notNullable();
      t.integer('cycle_no').notNullable();
      t.string('mode', 16).notNullable();
      t.boolean('dry_run').notNullable();
      t.string('outcome', 16).notNullable();
      t.text('counts').notNullable();
      t.integer('batches').notNullable().defaultTo(0);
      ts(t, 'started_at').notNullable();
      ts(t, 'finished_at').nullable();
      t.text('watermark').nullable();
      t.text('error').nullable();
      t.unique(['channel_id', 'cycle_no'], { indexName: 'cycles_channel_cycle_no_uq' });
    });
    await knex.schema.createTable('plan_items', (t) => {
      t.integer('cycle_id').notNullable().references('id').inTable('cycles').onDelete('CASCADE');
      t.integer('seq').notNullable();
      t.string('guid', 512).notNullable();
      t.string('action', 16).notNullable();
      t.text('reason').notNullable();
      t.integer('batch_no').notNullable();
      t.text('desired').nullable();
      t.string('desired_hash', 128).nullable();
      t.string('concur_id', 128).nullable();
      t.string('outcome', 16).nullable();
      t.text('message').nullable();
      t.primary(['cycle_id', 'seq']);
      t.index(['cycle_id', 'batch_no', 'seq'], 'plan_items_batch_idx');
    });

    // provisioner database ---------------------------------------------------------------------
    await knex.schema.createTable('provisioned_users', (t) => {
      t.string('channel_id', 64).notNullable();
      t.string('guid', 512).notNullable();
      t.string('concur_id', 128).nullable();
      // A row created by a partial upsert (e.g. a failure before any write) is not a managed user.
      t.string('status', 16).notNullable().defaultTo('failed');
      t.string('last_hash', 128).nullable();
      t.boolean('source_enabled').notNullable().defaultTo(true);
      t.integer('attempts').notNullable().defaultTo(0);
      t.string('last_error_code', 64).nullable();
      t.text('last_error').nullable();
      t.string('failed_hash', 160).nullable();
      ts(t, 'next_attempt_at').nullable();
      t.integer('last_seen_cycle').nullable();
      t.boolean('excluded').notNullable().defaultTo(false);
      ts(t, 'created_at').notNullable();
      ts(t, 'updated_at').notNullable();
      t.primary(['channel_id', 'guid']);
      t.index(['channel_id', 'last_seen_cycle'], 'provisioned_users_seen_idx');
      t.index(['channel_id', 'status'], 'provisioned_users_status_idx');
    });

    // audit --------------------------------------------------------------------------------------
    await knex.schema.createTable('audit', (t) => {
      t.bigIncrements('id');
      t.string('channel_id', 64).notNullable();
      t.string('guid', 512).notNullable();
      t.integer('cycle_id').nullable();
      ts(t, 'at').notNullable();
      t.string('action', 16).notNullable();
      t.string('outcome', 16).notNullable();
      t.text('reason').notNullable();
      t.text('message').nullable();
      t.index(['channel_id', 'guid', 'at'], 'audit_channel_guid_at_idx');
      t.index(['channel_id', 'at'], 'audit_channel_at_idx');
      t.index(['cycle_id'], 'audit_cycle_idx');
    });
  },

  async down(knex: Knex): Promise<void> {
    for (const table of [
      'audit',
      'provisioned_users',
      'plan_items',
      'cycles',
      'channel_state',
      'oauth_tokens',
      'secrets',
      'channel_drafts',
      'channel_versions',
      'channels',
      'connections',
      'datastores',
    ]) {
      await knex.schema.dropTableIfExists(table);
    }
  },
};
