import type { SourceEntry } from '../../../src/domain/source-entry';

/** A source entry with the given attributes (single strings become one-value lists). */
export function entry(attributes: Record<string, string | string[]>, extra: Partial<SourceEntry> = {}): SourceEntry {
  const attrs: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(attributes)) attrs[k] = Array.isArray(v) ? v : [v];
  return { guid: 'guid-1', dn: 'uid=ada,ou=people,dc=example,dc=org', attributes: attrs, enabled: true, ...extra };
}

/** The smallest mapping Concur accepts, in current field names. */
export const MINIMAL_MAPPING = {
  userName: { source: 'mail' },
  'name.givenName': { source: 'givenName' },
  'name.familyName': { source: 'sn' },
  'emails.work': { source: 'mail' },
  employeeNumber: { source: 'employeeNumber' },
};

export const ADA = {
  mail: 'ada.lovelace@example.org',
  givenName: 'Ada',
  sn: 'Lovelace',
  employeeNumber: 'E1001',
};
