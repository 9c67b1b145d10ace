/**
 * Builds the knex instance for a SQL datastore: the driver settings that make values exact
 * (no JS Dates, big integers as text), sessions that are read-only and at UTC, and a small pool
 * (one channel reads page after page; it never needs more than a couple of connections).
 */
import { existsSync } from 'node:fs';
import knex, { type Knex } from 'knex';
import { types as pgTypes } from 'pg';
import type { SqlDatastoreConfig } from '../domain/config/datastore-config';
import { SqlDatastoreError } from './sql-datastore-error';
import { SQL_DIALECTS, type SqlDialect } from './sql-dialect';
import { mysqlTemporal, pgTemporal } from './sql-values';

export const CONNECT_TIMEOUT_MS = 10_000;

// PostgreSQL type OIDs whose text we keep (the default parsers build millisecond JS Dates).
const PG_DATE = 1082;
const PG_TIMESTAMP = 1114;
const PG_TIMESTAMPTZ = 1184;

/** The dialect for a datastore, or a failure naming `datastore.client`. */
export function sqlDialect(config: SqlDatastoreConfig): SqlDialect {
  if (config.client === 'mssql') {
    throw new SqlDatastoreError('datastore.client', 'SQL Server (mssql) is not supported by the SQL datastore yet; use pg, mysql2 or better-sqlite3');
  }
  return SQL_DIALECTS[config.client];
}

function required(value: string | undefined, setting: string, what: string): string {
  if (!value) throw new SqlDatastoreError(setting, `${what} is required for this client`);
  return value;
}

function pgConnection(config: SqlDatastoreConfig, password: string | undefined): Knex.PgConnectionConfig {
  return {
    host: required(config.host, 'datastore.host', 'a host name'),
    port: config.port ?? SQL_DIALECTS.pg.defaultPort,
    user: config.user,
    password,
    database: config.database,
    ssl: config.ssl ? { rejectUnauthorized: true } : false,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'outbound',
    // Read-only sessions: a SELECT source with a data-modifying CTE fails instead of writing.
    options: '-c default_transaction_read_only=on -c TimeZone=UTC -c DateStyle=ISO',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === PG_DATE || oid === PG_TIMESTAMP || oid === PG_TIMESTAMPTZ) return (text: string) => pgTemporal(text);
        return pgTypeParser(oid, format);
      }) as never,
    },
  } as Knex.PgConnectionConfig;
}

const pgTypeParser = (oid: number, format?: 'text' | 'binary'): unknown => pgTypes.getTypeParser(oid, format ?? 'text');

interface MysqlField {
  type: string;
  string(): string | null;
}

/**
 * DATE/DATETIME/TIMESTAMP as exact text (SqlTemporal); BIGINT as BigInt, which mysql2 binds as a
 * bare integer literal (a numeric string would be compared as a double and lose digits).
 */
function mysqlTypeCast(field: MysqlField, next: () => unknown): unknown {
  if (field.type === 'LONGLONG') {
    const digits = field.string();
    return digits === null ? null : BigInt(digits);
  }
  const kind = field.type === 'DATE' || field.type === 'NEWDATE' ? 'date' : field.type.startsWith('DATETIME') ? 'datetime' : field.type.startsWith('TIMESTAMP') ? 'timestamp' : undefined;
  if (!kind) return next();
  const text = field.string();
  return text === null ? null : mysqlTemporal(text, kind);
}

function mysqlConnection(config: SqlDatastoreConfig, password: string | undefined): Knex.MySql2ConnectionConfig {
  return {
    host: required(config.host, 'datastore.host', 'a host name'),
    port: config.port ?? SQL_DIALECTS.mysql2.defaultPort,
    user: config.user,
    password,
    database: config.database,
    ssl: config.ssl ? { rejectUnauthorized: true } : undefined,
    connectTimeout: CONNECT_TIMEOUT_MS,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true, // DECIMAL and other exact numbers as text
    decimalNumbers: false,
    typeCast: mysqlTypeCast as never,
  } as Knex.MySql2ConnectionConfig;
}

/** Creates the knex instance; the password is already resolved (never logged). */
export function createSqlKnex(config: SqlDatastoreConfig, password: string | undefined): Knex {
  const dialect = sqlDialect(config);
  const common = {
    // Errors carry the SQL with placeholders, never with bound values interpolated.
    compileSqlOnError: false,
    acquireConnectionTimeout: CONNECT_TIMEOUT_MS + 5_000,
    log: { warn() {}, error() {}, deprecate() {}, debug() {} },
  };
  switch (dialect.name) {
    case 'pg':
      return knex({ ...common, client: 'pg', connection: pgConnection(config, password), pool: { min: 0, max: 2 } });
    case 'mysql2':
      return knex({
        ...common,
        client: 'mysql2',
        connection: mysqlConnection(config, password),
        pool: {
          min: 0,
          max: 2,
          // UTC so TIMESTAMP columns read and compare as UTC; read-only like the PostgreSQL sessions.
          afterCreate(conn: { query(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) {
            conn.query("SET SESSION time_zone = '+00:00'", (zoneErr) => {
              if (zoneErr) return done(zoneErr, conn);
              conn.query('SET SESSION TRANSACTION READ ONLY', (roErr) => done(roErr, conn));
            });
          },
        },
      });
    case 'better-sqlite3': {
      const filename = required(config.filename, 'datastore.filename', 'a database file');
      // Read-only opening never creates a file; say so plainly instead of a driver TypeError.
      if (filename !== ':memory:' && !existsSync(filename)) throw new SqlDatastoreError('datastore.filename', `no database file at ${filename}`);
      return knex({
        ...common,
        client: 'better-sqlite3',
        useNullAsDefault: true,
        // Read-only, and integers as BigInt so 64-bit ids keep every digit.
        connection: { filename, options: { readonly: true, safeIntegers: true } } as Knex.Sqlite3ConnectionConfig,
        pool: { min: 0, max: 1 },
      });
    }
  }
}
