/** What differs between the SQL dialects the datastore speaks. Pure data, no driver imports. */
export type SqlDialectName = 'pg' | 'mysql2' | 'better-sqlite3';

export interface SqlDialect {
  name: SqlDialectName;
  /** Human name for messages. */
  label: string;
  defaultPort?: number;
  /** Type to CAST a column to for case-insensitive text comparison. */
  textType: string;
  /** `(a, b) > (?, ?)` is planned as an index range (PostgreSQL, SQLite); MariaDB plans the OR form better. */
  rowValueComparison: boolean;
  /** Backslash escapes inside string literals (MySQL's default SQL mode). */
  backslashEscapes: boolean;
  /**
   * How a `?` in administrator SQL survives parameter binding: `escape` (knex's PostgreSQL
   * numbering turns every bare `?` into `$n` but leaves `\?` as `?`), or `native` (the driver
   * finds placeholders itself and skips quoted text: SQLite's parser, mysql2's sql-escaper).
   */
  questionMark: 'escape' | 'native';
}

export const SQL_DIALECTS: Record<SqlDialectName, SqlDialect> = {
  pg: { name: 'pg', label: 'PostgreSQL', defaultPort: 5432, textType: 'text', rowValueComparison: true, backslashEscapes: false, questionMark: 'escape' },
  mysql2: { name: 'mysql2', label: 'MySQL/MariaDB', defaultPort: 3306, textType: 'char', rowValueComparison: false, backslashEscapes: true, questionMark: 'native' },
  'better-sqlite3': { name: 'better-sqlite3', label: 'SQLite', textType: 'text', rowValueComparison: true, backslashEscapes: false, questionMark: 'native' },
};
