import type { Knex } from 'knex';
import { AutoAnalyze } from './auto-analyze';
import type { SecretBox } from './secret-box';
import { SecretVault } from './secret-vault';

/**
 * The state store on knex, for SQLite (better-sqlite3) and PostgreSQL, in one class per section
 * of the StateStore interface, each extending the one before: base -> config and vault -> tokens
 * -> cycles and plan -> users -> audit (KnexStateStore). Open it with openStateStore().
 *
 * Hot paths (one page of a 100k-user cycle) cost one statement per 500 rows: chunked `whereIn`
 * reads and multi-row inserts/upserts, grouped in a transaction. Read-modify-write transactions
 * write first, so SQLite takes its write lock at once instead of failing to upgrade a read lock.
 */
export class KnexStoreBase {
  protected readonly vault: SecretVault;
  protected readonly analyze: AutoAnalyze;

  constructor(
    readonly db: Knex,
    protected readonly box: SecretBox,
  ) {
    this.vault = new SecretVault(db, box);
    this.analyze = new AutoAnalyze(db, db.client.config.client === 'pg');
  }

  /** A transaction when the work spans several statements (one commit); one statement commits alone. */
  protected async inTransaction(statements: number, work: (db: Knex) => Promise<void>): Promise<void> {
    if (statements <= 1) {
      await work(this.db);
      return;
    }
    await this.db.transaction(async (trx) => work(trx));
  }
}
