import type { Exclusion } from './config/source-settings';
import { attributeValues, type SourceEntry } from './source-entry';

/** Normalises a DN for comparison: case-insensitive, no spaces around separators. */
export function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '='))
    .join(',')
    .toLowerCase();
}

/**
 * True when the channel's exclusion names this entry by DN or by attribute value. Filter-based
 * exclusion is evaluated by the datastore (it knows the filter language) and reported through
 * `SourceEntry.excluded`.
 */
export function matchesExclusion(entry: SourceEntry, exclusion: Exclusion): boolean {
  if (entry.excluded) return true;
  const dn = normalizeDn(entry.dn);
  if (exclusion.dns.some((d) => normalizeDn(d) === dn)) return true;
  if (exclusion.attribute) {
    const wanted = new Set(exclusion.attribute.values.map((v) => v.toLowerCase()));
    if (attributeValues(entry, exclusion.attribute.name).some((v) => wanted.has(v.toLowerCase()))) return true;
  }
  return false;
}
