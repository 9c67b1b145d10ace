/**
 * Change detection for incremental reads. TIMESTAMP uses modifyTimestamp (whenChanged on Active
 * Directory, where modifyTimestamp is constructed and cannot be searched efficiently) with
 * `(attr>=W)`: `>=` re-reads the few entries stamped in the watermark's second, which is what
 * catches changes committed later in that same second (timestamps have one-second resolution).
 * TIMESTAMP_NO_NEGATION always uses `>=` (no `!`, which Oracle DSEE and others reject in filters).
 * The attribute names are configurable (timestampAttribute, usnAttribute).
 * ACTIVE_DIRECTORY_USN uses uSNChanged with `(uSNChanged>=W+1)`: USNs are unique per domain
 * controller, so nothing at W needs reading again (and failover to another DC needs a full read).
 */
import type { LdapSourceSettings } from '../domain/config/source-settings';
import { LdapDatastoreError } from './ldap-datastore-error';
import { greaterOrEqualFilter, equalityFilter } from './ldap-filter';

export interface ChangeMarker {
  /** Attribute holding the marker, requested on every read. */
  attribute: string;
  /** Orders two marker values (negative when a < b); unparseable values sort first. */
  compare(a: string, b: string): number;
  /** Filter matching entries changed since the watermark. */
  changedSince(watermark: string, now?: Date): string;
}

const GENERALIZED_TIME = /^(\d{10,14})(?:[.,](\d{1,9}))?(Z|[+-]\d{2,4})?$/;

/** Sort key for GeneralizedTime ("20240101120000Z", AD's "20240101120000.0Z"). */
export function generalizedTimeKey(value: string): string | undefined {
  const m = GENERALIZED_TIME.exec(value.trim());
  if (!m) return undefined;
  return `${m[1].padEnd(14, '0')}.${(m[2] ?? '').padEnd(9, '0')}`;
}

/** How long after a timestamp no entry can still be stamped with it (server clock skew included). */
export const SETTLED_AFTER_MS = 5 * 60_000;

const timestampMarker = (attribute: string, negation = true): ChangeMarker => ({
  attribute,
  compare(a, b) {
    const ka = generalizedTimeKey(a) ?? '';
    const kb = generalizedTimeKey(b) ?? '';
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  },
  changedSince(watermark, now = new Date()) {
    const key = generalizedTimeKey(watermark);
    if (key === undefined) {
      throw new LdapDatastoreError('channel.source.changeDetection', `the stored watermark is not an LDAP GeneralizedTime (${attribute}); run a full read to reset it`);
    }
    const since = greaterOrEqualFilter(attribute, watermark.trim());
    // Timestamps have one-second resolution, so `>=` re-reads what was stamped in the
    // watermark's second: needed while that second may still gain entries, wasteful after (a
    // bulk-loaded directory would be re-read whole by every idle cycle). Once the second is
    // safely past (clock skew allowed for), read strictly newer entries only.
    const stampedAt = Date.UTC(+key.slice(0, 4), +key.slice(4, 6) - 1, +key.slice(6, 8), +key.slice(8, 10), +key.slice(10, 12), +key.slice(12, 14));
    if (negation && now.getTime() - stampedAt > SETTLED_AFTER_MS) return `(&${since}(!${equalityFilter(attribute, watermark.trim())}))`;
    return since;
  },
});

const usnMarker = (attribute: string): ChangeMarker => ({
  attribute,
  compare(a, b) {
    const na = /^\d+$/.test(a.trim()) ? BigInt(a.trim()) : -1n;
    const nb = /^\d+$/.test(b.trim()) ? BigInt(b.trim()) : -1n;
    return na < nb ? -1 : na > nb ? 1 : 0;
  },
  changedSince(watermark) {
    if (!/^\d+$/.test(watermark.trim())) {
      throw new LdapDatastoreError('channel.source.changeDetection', `the stored watermark is not a ${attribute} number; run a full read to reset it`);
    }
    return greaterOrEqualFilter(attribute, String(BigInt(watermark.trim()) + 1n));
  },
});

/** The marker for the channel's change detection, or undefined for `full`. */
export function changeMarkerFor(
  detection: LdapSourceSettings['changeDetection'],
  activeDirectory: boolean,
  names: Partial<Pick<LdapSourceSettings, 'timestampAttribute' | 'usnAttribute'>> = {},
): ChangeMarker | undefined {
  const timestampAttribute = names.timestampAttribute ?? (activeDirectory ? 'whenChanged' : 'modifyTimestamp');
  switch (detection) {
    case 'timestamp':
      return timestampMarker(timestampAttribute);
    case 'timestamp-no-negation':
      // Always `>=`: re-reads the watermark's second, but needs no `!` in the filter.
      return timestampMarker(timestampAttribute, false);
    case 'active-directory-usn':
      return usnMarker(names.usnAttribute ?? 'uSNChanged');
    case 'full':
      return undefined;
  }
}

/** The higher of two optional markers. */
export function maxMarker(marker: ChangeMarker, a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return marker.compare(a, b) >= 0 ? a : b;
}
