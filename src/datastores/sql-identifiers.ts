/**
 * Table and column names from configuration. knex quotes them, but we also refuse anything that
 * is not plainly a name, so a quote, a dot or knex's own `x as y` alias syntax can never reshape
 * a statement.
 */
import { SqlDatastoreError } from './sql-datastore-error';

const NAME = /^[\p{L}_][\p{L}\p{N}_$#@ -]*$/u;

function checkName(part: string, setting: string): void {
  if (part.length === 0 || part.length > 128) throw new SqlDatastoreError(setting, 'a name must have 1 to 128 characters');
  if (!NAME.test(part) || part !== part.trim() || /\sas\s/i.test(part)) {
    throw new SqlDatastoreError(setting, 'is not a plain name (letters, digits, _ $ # @, inner spaces or dashes; start with a letter or _)');
  }
}

/** A column name: one part. */
export function checkColumn(name: string, setting: string): string {
  checkName(name, setting);
  return name;
}

/** A table or view, optionally qualified: `table`, `schema.table` or `database.schema.table`. */
export function checkTable(name: string, setting: string): string {
  const parts = name.split('.');
  if (parts.length > 3) throw new SqlDatastoreError(setting, 'use table, schema.table or database.schema.table');
  parts.forEach((p) => checkName(p, setting));
  return name;
}
