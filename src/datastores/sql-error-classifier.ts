/**
 * Turns driver errors (pg, mysql2, better-sqlite3, knex) into SqlDatastoreError naming the
 * setting at fault. Only messages known to name identifiers or syntax are passed on, and only
 * from statements without bound values: drivers quote offending values and mysql2 interpolates
 * bindings into its syntax-error excerpts.
 */
import { SqlDatastoreError } from './sql-datastore-error';

interface DriverError {
  code?: string | number;
  errno?: number;
  sqlState?: string;
  message?: string;
  name?: string;
}

/** What the failing statement was checking, so a query-level fault is pinned on the right setting. */
export interface QueryContext {
  /** Setting blamed for SQL faults (unknown names, syntax) in this statement. */
  setting: string;
  /** Setting blamed for an unknown table/relation. */
  sourceSetting: string;
  /** The SQL text knex prefixes to the driver message (stripped from what we show). */
  sql?: string;
  /** The statement had no bound values, so the driver's own wording is safe to show. */
  valueFree: boolean;
  /** `host:port` or file name for connection messages. */
  where: string;
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']);

function driverMessage(err: DriverError, ctx: QueryContext): string {
  let message = err.message ?? String(err);
  if (ctx.sql && message.startsWith(`${ctx.sql} - `)) message = message.slice(ctx.sql.length + 3);
  return message.split('\n')[0];
}

function sanitizedCause(err: DriverError, message: string): Error {
  const cause = new Error(message);
  cause.name = err.name ?? 'Error';
  Object.assign(cause, { code: err.code, sqlState: err.sqlState });
  return cause;
}

function make(setting: string, message: string, transient: boolean, err: DriverError): SqlDatastoreError {
  return new SqlDatastoreError(setting, message, transient, { cause: sanitizedCause(err, message) });
}

/** SQLSTATE class 42 and friends from PostgreSQL. */
function classifyPg(err: DriverError, ctx: QueryContext): SqlDatastoreError | undefined {
  const code = typeof err.code === 'string' ? err.code : '';
  // node-postgres server errors carry a severity; node's own 5-letter codes (EPIPE) do not.
  if (!/^[0-9A-Z]{5}$/.test(code) || !('severity' in err)) return undefined;
  const quoted = (fallback: string) => (ctx.valueFree ? driverMessage(err, ctx) : fallback);
  switch (code) {
    case '28P01':
      return make('datastore.password', `authentication failed for the configured user at ${ctx.where} (wrong password?)`, false, err);
    case '28000':
      return make('datastore.user', `the server refused the user: ${driverMessage(err, ctx)}`, false, err);
    case '3D000':
      return make('datastore.database', `database does not exist: ${driverMessage(err, ctx)}`, false, err);
    case '42P01':
      return make(ctx.sourceSetting, `unknown table or view: ${driverMessage(err, ctx)}`, false, err);
    case '3F000':
      return make(ctx.sourceSetting, `unknown schema: ${driverMessage(err, ctx)}`, false, err);
    case '42703':
      return make(ctx.setting, `unknown column: ${driverMessage(err, ctx)}`, false, err);
    case '42601':
      return make(ctx.setting, `SQL syntax error: ${quoted('check the SQL text')}`, false, err);
    case '42501':
      return make('datastore.user', `permission denied: ${driverMessage(err, ctx)}`, false, err);
    case '0A000':
      return make(ctx.setting, `not supported by the server: ${quoted('check the SQL text')}`, false, err);
    case '25006':
      return make(ctx.setting, 'tries to write: the datastore reads in read-only sessions', false, err);
    case '57014':
      return make(ctx.setting, 'the statement was cancelled (timeout)', true, err);
    case '53300':
      return make('datastore.host', 'the server has too many connections', true, err);
    case '57P03':
      return make('datastore.host', 'the server is starting up or shutting down', true, err);
  }
  if (code.startsWith('42')) return make(ctx.setting, `invalid SQL (SQLSTATE ${code}): ${quoted('check the SQL text')}`, false, err);
  // Data exceptions quote the offending value: never show their text.
  if (code.startsWith('22')) return make(ctx.setting, `a value could not be converted or compared (SQLSTATE ${code})`, false, err);
  if (code.startsWith('08')) return make('datastore.host', `connection failure (SQLSTATE ${code})`, true, err);
  return make(ctx.setting, `query failed (SQLSTATE ${code})`, false, err);
}

function classifyMysql(err: DriverError, ctx: QueryContext): SqlDatastoreError | undefined {
  if (typeof err.errno !== 'number' || typeof err.code !== 'string' || !err.code.startsWith('ER_')) return undefined;
  switch (err.code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return make('datastore.password', `access denied for the configured user at ${ctx.where} (wrong user or password?)`, false, err);
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_BAD_DB_ERROR':
      return make('datastore.database', `database missing or not accessible: ${driverMessage(err, ctx)}`, false, err);
    case 'ER_NO_SUCH_TABLE':
      return make(ctx.sourceSetting, `unknown table or view: ${driverMessage(err, ctx)}`, false, err);
    case 'ER_BAD_FIELD_ERROR':
      return make(ctx.setting, `unknown column: ${driverMessage(err, ctx)}`, false, err);
    case 'ER_PARSE_ERROR':
      return make(ctx.setting, `SQL syntax error${ctx.valueFree ? `: ${driverMessage(err, ctx)}` : ''}`, false, err);
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
      return make('datastore.user', `permission denied: ${driverMessage(err, ctx)}`, false, err);
    case 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION':
      return make(ctx.setting, 'tries to write: the datastore reads in read-only sessions', false, err);
    case 'ER_CON_COUNT_ERROR':
      return make('datastore.host', 'the server has too many connections', true, err);
    case 'ER_HOST_NOT_PRIVILEGED':
    case 'ER_HOST_IS_BLOCKED':
      return make('datastore.host', `the server refuses connections from this host: ${driverMessage(err, ctx)}`, false, err);
    case 'ER_QUERY_INTERRUPTED':
    case 'ER_STATEMENT_TIMEOUT':
      return make(ctx.setting, 'the statement was cancelled (timeout)', true, err);
  }
  return make(ctx.setting, `query failed (${err.code})`, false, err);
}

function classifySqlite(err: DriverError, ctx: QueryContext): SqlDatastoreError | undefined {
  const code = typeof err.code === 'string' ? err.code : '';
  if (!code.startsWith('SQLITE_') && err.name !== 'SqliteError') return undefined;
  const message = driverMessage(err, ctx);
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_NOTADB') return make('datastore.filename', `cannot open ${ctx.where} as a SQLite database (${code})`, false, err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return make('datastore.filename', `the database is locked (${code})`, true, err);
  if (code.startsWith('SQLITE_READONLY')) return make(ctx.setting, 'tries to write: the datastore opens SQLite read-only', false, err);
  if (/no such table/i.test(message)) return make(ctx.sourceSetting, `unknown table or view: ${message}`, false, err);
  if (/no such column/i.test(message)) return make(ctx.setting, `unknown column: ${message}`, false, err);
  if (/syntax error|incomplete input|unrecognized token/i.test(message)) return make(ctx.setting, `SQL syntax error: ${message}`, false, err);
  return make(ctx.setting, `query failed (${code || 'SQLite error'})`, false, err);
}

function classifyNetwork(err: DriverError, ctx: QueryContext): SqlDatastoreError | undefined {
  const code = typeof err.code === 'string' ? err.code : '';
  const message = err.message ?? '';
  if (NETWORK.has(code)) {
    const what = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host name not found' : code.toLowerCase();
    return make('datastore.host', `cannot reach ${ctx.where} (${what}); check datastore.host and datastore.port`, true, err);
  }
  if (err.name === 'KnexTimeoutError' || /timeout expired|connection timeout|Timeout acquiring a connection/i.test(message)) {
    return make('datastore.host', `no connection to ${ctx.where} within the connect timeout; check datastore.host and datastore.port`, true, err);
  }
  if (/does not support SSL|SSL connection|HANDSHAKE_NO_SSL_SUPPORT|self[- ]signed certificate|certificate/i.test(`${code} ${message}`)) {
    return make('datastore.ssl', `TLS negotiation failed with ${ctx.where}`, false, err);
  }
  if (/Connection terminated unexpectedly/i.test(message)) return make('datastore.host', `the connection to ${ctx.where} was closed unexpectedly`, true, err);
  return undefined;
}

/** Classifies any error thrown while talking to a SQL datastore. */
export function classifySqlError(error: unknown, ctx: QueryContext): SqlDatastoreError {
  if (error instanceof SqlDatastoreError) return error;
  const err = (error ?? {}) as DriverError;
  return (
    classifyNetwork(err, ctx) ??
    classifyPg(err, ctx) ??
    classifyMysql(err, ctx) ??
    classifySqlite(err, ctx) ??
    make(ctx.setting, `unexpected ${err.name ?? 'error'}${typeof err.code === 'string' ? ` (${err.code})` : ''}`, false, err)
  );
}
