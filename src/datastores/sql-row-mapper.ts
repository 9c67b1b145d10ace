/**
 * One SQL row -> SourceEntry. Pure: the row comes from the datastore's page query, which adds
 * the role columns under reserved aliases so their values are exact whatever the name's case.
 */
import type { Exclusion } from '../domain/config/source-settings';
import { matchesExclusion } from '../domain/exclusion';
import type { SourceEntry } from '../domain/source-entry';
import { renderGuid, renderMarker, renderValues } from './sql-values';

/** Aliases the page query gives the role columns; never shown as attributes. */
export const ROLE = {
  guid: '__outbound_guid',
  status: '__outbound_status',
  marker: '__outbound_marker',
  excluded: '__outbound_excluded',
} as const;
const RESERVED_PREFIX = '__outbound_';

export interface RowMapping {
  guidColumn: string;
  /** Lower-cased disabled values; undefined when there is no status column. */
  disabledValues?: Set<string>;
  defaultEnabled: boolean;
  /** Lower-cased column name -> delimiter for columns holding delimited lists. */
  multiValued: Map<string, string>;
  exclusion: Exclusion;
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === '1';
}

/** Returns undefined when the row has no GUID (such rows cannot be provisioned). */
export function mapSqlRow(row: Record<string, unknown>, mapping: RowMapping): SourceEntry | undefined {
  const guid = renderGuid(row[ROLE.guid]);
  if (guid === undefined || guid === '') return undefined;
  const attributes: Record<string, string[]> = {};
  const guidKey = mapping.guidColumn.toLowerCase();
  for (const [column, value] of Object.entries(row)) {
    if (column.startsWith(RESERVED_PREFIX)) continue;
    const lower = column.toLowerCase();
    if (lower === guidKey) {
      attributes[column] = [guid];
      continue;
    }
    let values = renderValues(value);
    const delimiter = mapping.multiValued.get(lower);
    if (delimiter !== undefined) values = values.flatMap((v) => v.split(delimiter)).map((v) => v.trim()).filter((v) => v !== '');
    if (values.length > 0) attributes[column] = values;
  }
  let enabled = mapping.defaultEnabled;
  if (mapping.disabledValues) {
    const status = renderValues(row[ROLE.status]);
    if (status.length > 0) enabled = !status.some((v) => mapping.disabledValues!.has(v.trim().toLowerCase()));
  }
  const entry: SourceEntry = { guid, dn: guid, attributes, enabled };
  const marker = renderMarker(row[ROLE.marker]);
  if (marker !== undefined) entry.changeMarker = marker;
  const byRule = mapping.exclusion.dns.length > 0 || mapping.exclusion.attribute !== undefined;
  if (truthy(row[ROLE.excluded]) || (byRule && matchesExclusion(entry, mapping.exclusion))) entry.excluded = true;
  return entry;
}
