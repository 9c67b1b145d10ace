import type { Knex } from 'knex';

/** One versioned schema change; `name` orders migrations and is recorded once applied. */
export interface StoreMigration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}
