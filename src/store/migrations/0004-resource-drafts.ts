import type { Knex } from 'knex';
import type { StoreMigration } from './store-migration';

/**
 * Drafts of datastores and connections (channels keep theirs in `channel_drafts`): saved
 * incomplete from the console or `?draft=true`, promoted by a whole create or replace. Literal
 * secrets are never stored here (see src/api/resource-drafts.ts).
 */
export const resourceDrafts: StoreMigration = {
  name: '0004-resource-drafts',

  async up(knex: Knex): Promise<void> {
    await knex.schema.createTable('resource_drafts', (t) => {
      t.string('kind', 16).notNullable();
      t.string('id', 64).notNullable();
      t.text('draft').notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
      t.primary(['kind', 'id']);
    });
  },

  async down(knex: Knex): Promise<void> {
    await knex.schema.dropTable('resource_drafts');
  },
};
