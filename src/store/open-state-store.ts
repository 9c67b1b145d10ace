import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { KnexStateStore } from './knex-state-store';
import { InCodeMigrationSource } from './migrations/migration-source';
import { SecretBox } from './secret-box';
import { loadSecretKey, type SecretKeyOptions } from './secret-key';
import { StateStoreOpenError } from './store-errors';

export type StateStoreOptions =
  | { client: 'better-sqlite3'; filename: string }
  | {
      client: 'pg';
      connection: string;
      /** Schema holding the tables (created when absent); `public` by default. */
      schema?: string;
      pool?: { min?: number; max?: number };
    };

/** Where the secret key comes from; see loadSecretKey. SQLite defaults the key file to `<db dir>/secret.key`. */
export type StateStoreSecretOptions = SecretKeyOptions;

const MIGRATIONS_TABLE = 'outbound_migrations';
const SQLITE_BUSY_TIMEOUT_MS = 10_000;
const MIGRATION_LOCK_WAIT_MS = 30_000;

/**
 * Opens the state store: loads the secret key first (a key problem fails before any database
 * work), connects, and brings the schema to the latest migration.
 */
export async function openStateStore(options: StateStoreOptions, secrets: StateStoreSecretOptions = {}): Promise<KnexStateStore> {
  const keyFile = secrets.keyFile ?? (options.client === 'better-sqlite3' && options.filename !== ':memory:' ? join(dirname(options.filename), 'secret.key') : undefined);
  const box = new SecretBox(loadSecretKey({ ...secrets, keyFile }));

  const db = options.client === 'better-sqlite3' ? openSqlite(options.filename) : openPostgres(options);
  try {
    const schemaName = options.client === 'pg' ? options.schema : undefined;
    if (schemaName) await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [schemaName]);
    await migrateLatest(db, schemaName);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    const where = options.client === 'pg' ? 'PostgreSQL state store' : `SQLite state store ${options.filename}`;
    throw new StateStoreOpenError(`cannot open the ${where}: ${describe(err)}`, { cause: err });
  }
  return new KnexStateStore(db, box);
}

function openSqlite(filename: string): Knex {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    // Rows of one multi-row insert may omit different optional columns.
    useNullAsDefault: true,
    log: quietLog,
    pool: {
      afterCreate(conn: { pragma(sql: string): unknown }, done: (err: Error | null, conn: unknown) => void) {
        try {
          // WAL lets the API read while the worker writes; NORMAL skips the fsync per commit
          // (WAL stays consistent, a power cut loses at most the last commits); busy_timeout
          // waits for another process's write lock instead of failing at once.
          conn.pragma('journal_mode = WAL');
          conn.pragma('synchronous = NORMAL');
          conn.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
          conn.pragma('foreign_keys = ON');
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
}

function openPostgres(options: Extract<StateStoreOptions, { client: 'pg' }>): Knex {
  return knexFactory({
    client: 'pg',
    connection: options.connection,
    searchPath: options.schema ? [options.schema] : undefined,
    pool: { min: options.pool?.min ?? 0, max: options.pool?.max ?? 10 },
    log: quietLog,
  });
}

/**
 * Runs pending migrations. Processes opening the store together (worker and API) contend for
 * knex's migration lock; the loser waits and retries instead of failing start-up.
 */
async function migrateLatest(db: Knex, schemaName: string | undefined): Promise<void> {
  const deadline = Date.now() + MIGRATION_LOCK_WAIT_MS;
  for (;;) {
    try {
      await db.migrate.latest({ migrationSource: new InCodeMigrationSource(), tableName: MIGRATIONS_TABLE, schemaName });
      return;
    } catch (err) {
      const contended = (err as Error).name === 'MigrationLocked' || /already exists|UNIQUE constraint|duplicate key/i.test((err as Error).message);
      if (!contended || Date.now() > deadline) {
        if ((err as Error).name === 'MigrationLocked') {
          throw new StateStoreOpenError(
            `migration lock still held after ${MIGRATION_LOCK_WAIT_MS / 1000}s; if no other Outbound process is migrating, ` +
              `set is_locked = 0 in table ${MIGRATIONS_TABLE}_lock`,
            { cause: err },
          );
        }
        throw err;
      }
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
}

/** knex's own warnings go nowhere: they may quote SQL bindings, which can be personal data. */
const quietLog = { warn: () => undefined, error: () => undefined, deprecate: () => undefined, debug: () => undefined };

/** Error text without bindings: driver messages name tables and constraints, not values. */
function describe(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] : String(err);
}
