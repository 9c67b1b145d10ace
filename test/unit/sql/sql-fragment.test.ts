import { SqlDatastoreError } from '../../../src/datastores/sql-datastore-error';
import { SQL_DIALECTS } from '../../../src/datastores/sql-dialect';
import { checkFilter, checkSelect, isLdapDefaultFilter } from '../../../src/datastores/sql-fragment';
import { checkColumn, checkTable } from '../../../src/datastores/sql-identifiers';

const pg = SQL_DIALECTS.pg;
const my = SQL_DIALECTS.mysql2;
const lite = SQL_DIALECTS['better-sqlite3'];
const F = 'channel.location.filter';

function failure(fn: () => unknown): SqlDatastoreError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SqlDatastoreError) return err;
    throw err;
  }
  throw new Error('expected a SqlDatastoreError');
}

describe('checkFilter', () => {
  it('accepts ordinary conditions, quotes and comments', () => {
    expect(checkFilter("dept = 'R;D' AND (a > 1 OR b IS NULL)", F, pg)).toBe("dept = 'R;D' AND (a > 1 OR b IS NULL)");
    expect(checkFilter("name <> 'O''Brien' -- trailing ; comment", F, pg)).toContain("O''Brien");
    expect(checkFilter('"odd)name" = 1', F, pg)).toBe('"odd)name" = 1');
    expect(checkFilter("x = 'it\\'s;'", F, my)).toBe("x = 'it\\'s;'");
    expect(checkFilter('  ', F, pg)).toBeUndefined();
    expect(checkFilter(undefined, F, pg)).toBeUndefined();
  });
  it('refuses a second statement, unbalanced parentheses and open quotes, naming the setting', () => {
    const e = failure(() => checkFilter("1=1; DROP TABLE people", F, pg));
    expect(e.setting).toBe(F);
    expect(e.message).toMatch(/single statement/);
    expect(failure(() => checkFilter('1=1) OR (1=1', F, pg)).message).toMatch(/unbalanced/);
    expect(failure(() => checkFilter('(a = 1', F, pg)).message).toMatch(/never closed/);
    expect(failure(() => checkFilter("a = 'open", F, pg)).message).toMatch(/unterminated string/);
    expect(failure(() => checkFilter('a = 1 /* open', F, pg)).message).toMatch(/unterminated/);
    // MySQL backslash escapes: the quote is escaped, so the literal never ends.
    expect(failure(() => checkFilter("a = 'x\\'", F, my)).message).toMatch(/unterminated/);
  });
  it('escapes ? for PostgreSQL numbering, keeps quoted ? for drivers that skip literals', () => {
    expect(checkFilter("note = 'why?'", F, pg)).toBe("note = 'why\\?'");
    expect(checkFilter("tags ? 'x'", F, pg)).toBe("tags \\? 'x'");
    expect(checkFilter("note = 'why?'", F, my)).toBe("note = 'why?'");
    expect(checkFilter("note = 'why?'", F, lite)).toBe("note = 'why?'");
    expect(failure(() => checkFilter('a = ?', F, my)).message).toMatch(/parameter/);
    expect(failure(() => checkFilter('a = ?', F, lite)).setting).toBe(F);
  });
  it('recognises the LDAP default filter', () => {
    expect(isLdapDefaultFilter('(objectClass=inetOrgPerson)')).toBe(true);
    expect(isLdapDefaultFilter(' ( objectclass = inetorgperson ) ')).toBe(true);
    expect(isLdapDefaultFilter("(status='A')")).toBe(false);
  });
});

describe('checkSelect', () => {
  const Q = 'channel.source.query';
  it('accepts SELECT and WITH, drops one trailing semicolon', () => {
    expect(checkSelect('SELECT id FROM people;\n', Q, pg)).toBe('SELECT id FROM people');
    expect(checkSelect('-- users\nWITH x AS (SELECT 1 AS id) SELECT * FROM x', Q, pg)).toMatch(/^-- users/);
  });
  it('refuses other statements and stacked statements', () => {
    expect(failure(() => checkSelect('DELETE FROM people', Q, pg)).message).toMatch(/SELECT/);
    expect(failure(() => checkSelect('SELECT 1; DELETE FROM people', Q, pg)).setting).toBe(Q);
  });
});

describe('identifiers', () => {
  it('accepts plain and qualified names', () => {
    expect(checkColumn('employee_id', 'c')).toBe('employee_id');
    expect(checkColumn('Première colonne', 'c')).toBe('Première colonne');
    expect(checkTable('hr.people', 't')).toBe('hr.people');
  });
  it('refuses quotes, dots in columns, alias syntax and stray spaces', () => {
    for (const bad of ['a"b', 'a`b', "a'b", 'a.b', 'a as b', ' a', 'a;b', '', '1abc', 'x'.repeat(129)]) {
      expect(failure(() => checkColumn(bad, 'channel.source.guidColumn')).setting).toBe('channel.source.guidColumn');
    }
    expect(failure(() => checkTable('a.b.c.d', 'channel.source.table')).setting).toBe('channel.source.table');
  });
});
