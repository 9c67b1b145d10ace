import type { Knex } from 'knex';
import type { StoreMigration } from './store-migration';

/**
 * Why a cycle read the whole scope (`cycles.mode_reason`, e.g. `config-changed`), and the
 * fingerprint of the settings that decide what a user maps to (`cycles.config_hash`, committed to
 * `channel_state.config_hash` by a full cycle): a changed fingerprint makes the next cycle full.
 */
export const cycleModeReason: StoreMigration = {
  name: '0002-cycle-mode-reason',

  async up(knex: Knex): Promise<void> {
    await knex.schema.alterTable('cycles', (t) => {
      t.string('mode_reason', 32).nullable();
      t.string('config_hash', 128).nullable();
    });
    await knex.schema.alterTable('channel_state', (t) => {
      t.string('config_hash', 128).nullable();
    });
  },

  async down(knex: Knex): Promise<void> {
    await knex.schema.alterTable('channel_state', (t) => t.dropColumn('config_hash'));
    await knex.schema.alterTable('cycles', (t) => {
      t.dropColumn('config_hash');
      t.dropColumn('mode_reason');
    });
  },
};
