import type { Knex } from 'knex';
import { initialSchema } from './0001-initial-schema';
import { cycleModeReason } from './0002-cycle-mode-reason';
import { apiKeysAndAdminAudit } from './0003-api-keys-and-admin-audit';
import { resourceDrafts } from './0004-resource-drafts';
import type { StoreMigration } from './store-migration';

/** All migrations, oldest first. Append only: an applied migration is never edited. */
export const STORE_MIGRATIONS: readonly StoreMigration[] = [initialSchema, cycleModeReason, apiKeysAndAdminAudit, resourceDrafts];

/**
 * Hands knex the migrations compiled into the program, so opening the store never globs the file
 * system (works from a bundle, from tsx and from compiled output alike).
 */
export class InCodeMigrationSource implements Knex.MigrationSource<StoreMigration> {
  async getMigrations(): Promise<StoreMigration[]> {
    return [...STORE_MIGRATIONS];
  }

  getMigrationName(migration: StoreMigration): string {
    return migration.name;
  }

  async getMigration(migration: StoreMigration): Promise<Knex.Migration> {
    return { up: (knex) => migration.up(knex), down: (knex) => migration.down(knex) };
  }
}
