/**
 * One user as a datastore sees it, after source settings are applied (GUID canonicalised,
 * account status evaluated). Attribute values are personal data: they live only in activity
 * memory and are never returned from activities or logged.
 */
export interface SourceEntry {
  /** Stable identifier (entryUUID, objectGUID rendered canonically, a GUID column). */
  guid: string;
  /** LDAP DN, or the SQL row's key rendered as text; used by exclusion rules and messages. */
  dn: string;
  /** Attribute name -> values. Names keep the datastore's spelling; look up case-insensitively. */
  attributes: Record<string, string[]>;
  /** Account status per the channel's status settings (flag attribute, AD bitmap, default). */
  enabled: boolean;
  /** Change marker (modifyTimestamp, uSNChanged, updated_at) when the source has one. */
  changeMarker?: string;
  /**
   * Set by the datastore when the channel's exclusion rule matches (by DN, attribute or filter).
   * Excluded entries are reported, not dropped, so the engine never mistakes them for users that
   * left scope: they are never created, updated, disabled or deleted.
   */
  excluded?: boolean;
}

/** A page of entries as streamed from a datastore. */
export interface SourcePage {
  entries: SourceEntry[];
  /**
   * Highest change marker seen so far in this read (opaque to the engine, compared only by the
   * datastore). Persisted as the channel's watermark once the whole cycle has been applied.
   */
  watermark?: string;
}

/** Case-insensitive attribute lookup (LDAP attribute names are case-insensitive). */
export function attributeValues(entry: SourceEntry, name: string): string[] {
  const direct = entry.attributes[name];
  if (direct) return direct;
  const lower = name.toLowerCase();
  for (const [key, values] of Object.entries(entry.attributes)) {
    if (key.toLowerCase() === lower) return values;
  }
  return [];
}
