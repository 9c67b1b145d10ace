/**
 * A SQL channel's settings checked and resolved once: names validated, administrator SQL
 * checked, the LDAP default filter dropped, status values lower-cased. Pure; throws
 * SqlDatastoreError naming the setting at fault.
 */
import type { Exclusion, SourceLocation, SqlSourceSettings } from '../domain/config/source-settings';
import { SqlDatastoreError } from './sql-datastore-error';
import type { SqlDialect } from './sql-dialect';
import { checkFilter, checkSelect, isLdapDefaultFilter } from './sql-fragment';
import { checkColumn, checkTable } from './sql-identifiers';
import type { RowMapping } from './sql-row-mapper';

export interface SqlChannelSettings {
  source: SqlSourceSettings;
  location: SourceLocation;
  exclusion: Exclusion;
}

export interface SqlSourcePlan {
  dialect: SqlDialect;
  /** Exactly one of table and query. */
  table?: string;
  query?: string;
  /** The setting blamed when the table/query itself is wrong. */
  sourceSetting: 'channel.source.table' | 'channel.source.query';
  guidColumn: string;
  statusColumn?: string;
  updatedAtColumn?: string;
  /** Scope: a checked WHERE fragment. */
  filter?: string;
  /** Exclusion by SQL condition (the SQL reading of `exclusion.filter`). */
  exclusionFilter?: string;
  exclusionAttributeColumn?: string;
  exclusion: Exclusion;
  mapping: RowMapping;
}

export function planSqlSource(dialect: SqlDialect, channel: SqlChannelSettings): SqlSourcePlan {
  const { source, location, exclusion } = channel;
  if (Boolean(source.table) === Boolean(source.query)) {
    throw new SqlDatastoreError('channel.source.table', 'set exactly one of table or query');
  }
  const table = source.table === undefined ? undefined : checkTable(source.table, 'channel.source.table');
  const query = source.query === undefined ? undefined : checkSelect(source.query, 'channel.source.query', dialect);
  const guidColumn = checkColumn(source.guidColumn, 'channel.source.guidColumn');
  const statusColumn = source.statusColumn === undefined ? undefined : checkColumn(source.statusColumn, 'channel.source.statusColumn');
  const updatedAtColumn = source.updatedAtColumn === undefined ? undefined : checkColumn(source.updatedAtColumn, 'channel.source.updatedAtColumn');
  const multiValued = new Map<string, string>();
  for (const [column, delimiter] of Object.entries(source.multiValueDelimiters ?? {})) {
    multiValued.set(checkColumn(column, 'channel.source.multiValueDelimiters').toLowerCase(), delimiter);
  }
  const filter = isLdapDefaultFilter(location.filter) ? undefined : checkFilter(location.filter, 'channel.location.filter', dialect);
  const exclusionFilter = checkFilter(exclusion.filter, 'channel.exclusion.filter', dialect);
  const exclusionAttributeColumn = exclusion.attribute ? checkColumn(exclusion.attribute.name, 'channel.exclusion.attribute.name') : undefined;
  return {
    dialect,
    table,
    query,
    sourceSetting: table !== undefined ? 'channel.source.table' : 'channel.source.query',
    guidColumn,
    statusColumn,
    updatedAtColumn,
    filter,
    exclusionFilter,
    exclusionAttributeColumn,
    exclusion,
    mapping: {
      guidColumn,
      disabledValues: statusColumn === undefined ? undefined : new Set(source.disabledValues.map((v) => v.trim().toLowerCase())),
      defaultEnabled: source.defaultStatus === 'enabled',
      multiValued,
      exclusion,
    },
  };
}
