import { classifySqlError, type QueryContext } from '../../../src/datastores/sql-error-classifier';
import { SqlDatastoreError } from '../../../src/datastores/sql-datastore-error';

const ctx: QueryContext = { setting: 'channel.location.filter', sourceSetting: 'channel.source.table', valueFree: true, where: 'db.example:5432', sql: 'select 1' };

function pgError(code: string, message: string) {
  return Object.assign(new Error(`select 1 - ${message}`), { code, severity: 'ERROR', name: 'error' });
}

describe('classifySqlError', () => {
  it('names datastore settings for connection faults', () => {
    expect(classifySqlError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), ctx).setting).toBe('datastore.host');
    expect(classifySqlError(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), ctx).message).toMatch(/host name not found/);
    const timeout = Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' });
    expect(classifySqlError(timeout, ctx).transient).toBe(true);
    expect(classifySqlError(pgError('28P01', 'password authentication failed for user "hr"'), ctx).setting).toBe('datastore.password');
    expect(classifySqlError(pgError('3D000', 'database "hr" does not exist'), ctx).setting).toBe('datastore.database');
    expect(classifySqlError(Object.assign(new Error("Access denied for user 'hr'"), { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }), ctx).setting).toBe('datastore.password');
    expect(classifySqlError(Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN', name: 'SqliteError' }), ctx).setting).toBe('datastore.filename');
  });
  it('blames the statement setting for unknown names and syntax, the source setting for unknown tables', () => {
    const unknownColumn = classifySqlError(pgError('42703', 'column "nope" does not exist'), ctx);
    expect(unknownColumn.setting).toBe('channel.location.filter');
    expect(unknownColumn.message).toBe('channel.location.filter: unknown column: column "nope" does not exist');
    expect(classifySqlError(pgError('42P01', 'relation "x" does not exist'), ctx).setting).toBe('channel.source.table');
    expect(classifySqlError(Object.assign(new Error("Table 'hr.x' doesn't exist"), { code: 'ER_NO_SUCH_TABLE', errno: 1146 }), ctx).setting).toBe('channel.source.table');
    expect(classifySqlError(Object.assign(new Error('no such column: nope'), { code: 'SQLITE_ERROR', name: 'SqliteError' }), ctx).message).toMatch(/unknown column/);
    expect(classifySqlError(Object.assign(new Error('near "FROM": syntax error'), { code: 'SQLITE_ERROR', name: 'SqliteError' }), ctx).message).toMatch(/syntax error/);
  });
  it('never repeats values: data exceptions and statements with bindings are not quoted', () => {
    const data = classifySqlError(pgError('22P02', 'invalid input syntax for type integer: "Secret Value"'), { ...ctx, valueFree: true });
    expect(data.message).not.toContain('Secret Value');
    const syntax = classifySqlError(
      Object.assign(new Error("You have an error in your SQL syntax near 'Jane Doe'"), { code: 'ER_PARSE_ERROR', errno: 1064 }),
      { ...ctx, valueFree: false },
    );
    expect(syntax.message).not.toContain('Jane Doe');
    expect(String((syntax.cause as Error).message)).not.toContain('Jane Doe');
    // The driver error (which may carry the SQL with values) is not kept as the cause.
    const raw = Object.assign(new Error('boom'), { code: 'ER_PARSE_ERROR', errno: 1064, sql: "select 'Jane Doe'" });
    expect(JSON.stringify(classifySqlError(raw, { ...ctx, valueFree: false }).cause)).not.toContain('Jane Doe');
  });
  it('strips the SQL knex prefixes to driver messages', () => {
    const e = classifySqlError(pgError('42601', 'syntax error at or near "FROM"'), ctx);
    expect(e.detail).toBe('SQL syntax error: syntax error at or near "FROM"');
  });
  it('passes SqlDatastoreError through', () => {
    const e = new SqlDatastoreError('datastore.client', 'x');
    expect(classifySqlError(e, ctx)).toBe(e);
  });
});
