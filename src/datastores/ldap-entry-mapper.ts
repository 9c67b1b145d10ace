/**
 * Turns an ldapts search entry into a SourceEntry: values as string arrays, the GUID rendered
 * per the channel's GUID type, account status evaluated, change marker picked out. Secrets and
 * bulky binary attributes are dropped: they are never mapped to Concur and only cost memory.
 */
import type { Entry } from 'ldapts';
import type { LdapSourceSettings } from '../domain/config/source-settings';
import type { SourceEntry } from '../domain/source-entry';
import { accountEnabled, statusAttribute } from './ldap-account-status';
import { guidText } from './ldap-guid';

const DROPPED = new Set(
  ['userPassword', 'unicodePwd', 'sambaNTPassword', 'sambaLMPassword', 'authPassword', 'jpegPhoto', 'thumbnailPhoto', 'photo', 'audio',
    'userCertificate', 'userSMIMECertificate', 'userPKCS12', 'cACertificate', '*', '+'].map((a) => a.toLowerCase()),
);

export interface EntryMapping {
  settings: Pick<LdapSourceSettings, 'guidAttribute' | 'guidType' | 'accountStatus' | 'defaultStatus'>;
  markerAttribute?: string;
}

type RawValue = Entry[string];

function values(raw: RawValue): Array<string | Buffer> {
  return Array.isArray(raw) ? raw : [raw];
}

/** Other binary values are kept as base64, which is lossless (ldapts gives Buffers for non-UTF-8). */
function asText(value: string | Buffer): string {
  return Buffer.isBuffer(value) ? value.toString('base64') : value;
}

/** The mapped entry, or undefined when it has no GUID value (the caller counts those). */
export function mapLdapEntry(raw: Entry, mapping: EntryMapping): SourceEntry | undefined {
  const guidName = mapping.settings.guidAttribute.toLowerCase();
  const statusName = statusAttribute(mapping.settings)?.toLowerCase();
  const markerName = mapping.markerAttribute?.toLowerCase();
  const attributes: Record<string, string[]> = {};
  let guid: string | undefined;
  let status: string[] = [];
  let changeMarker: string | undefined;
  for (const [name, raw_] of Object.entries(raw)) {
    if (name === 'dn') continue;
    const lower = name.toLowerCase();
    if (DROPPED.has(lower)) continue;
    const list = values(raw_);
    if (list.length === 0) continue; // ldapts lists requested-but-absent attributes as []
    if (lower === guidName) {
      guid = guidText(list[0], mapping.settings.guidType);
      attributes[name] = [guid];
      continue;
    }
    const text = list.map(asText);
    attributes[name] = text;
    if (lower === statusName) status = text;
    if (lower === markerName) changeMarker = text[0];
  }
  if (!guid) return undefined;
  const entry: SourceEntry = { guid, dn: raw.dn, attributes, enabled: accountEnabled(status, mapping.settings) };
  if (changeMarker !== undefined) entry.changeMarker = changeMarker;
  return entry;
}
