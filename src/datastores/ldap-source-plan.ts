/**
 * The channel's LDAP settings checked and turned into filters and attribute lists, before any
 * network I/O. Pure; throws LdapDatastoreError naming the setting at fault.
 */
import type { Exclusion, LdapSourceSettings, SourceLocation } from '../domain/config/source-settings';
import { statusAttribute } from './ldap-account-status';
import { LdapDatastoreError } from './ldap-datastore-error';
import { andFilters, checkAttributeName, equalityFilter, parseFilterSetting } from './ldap-filter';

export interface LdapSourcePlan {
  settings: LdapSourceSettings;
  /** Search base for users; undefined means the server's naming context holding the group (or its first). */
  baseDn?: string;
  /** `(&(objectClass=<user class>)<location filter>)`. */
  userFilter: string;
  group?: { dn: string; nested: boolean; filter?: string };
  exclusion: Exclusion;
  /** Validated exclusion filter, when the exclusion has one. */
  exclusionFilter?: string;
  /** Attributes every read requests besides `*` (operational ones such as entryUUID, memberOf). */
  extraAttributes: string[];
}

export function planLdapSource(channel: { source: LdapSourceSettings; location: SourceLocation; exclusion: Exclusion }): LdapSourcePlan {
  const { source, location, exclusion } = channel;
  checkAttributeName(source.guidAttribute, 'channel.source.guidAttribute');
  checkAttributeName(source.userObjectClass, 'channel.source.userObjectClass');
  checkAttributeName(source.groupObjectClass, 'channel.source.groupObjectClass');
  checkAttributeName(source.memberOfAttribute, 'channel.source.memberOfAttribute');
  checkAttributeName(source.groupMemberAttribute, 'channel.source.groupMemberAttribute');
  const status = statusAttribute(source);
  if (status !== undefined) checkAttributeName(status, 'channel.source.accountStatus.attribute');
  if (exclusion.attribute) checkAttributeName(exclusion.attribute.name, 'channel.exclusion.attribute.name');

  const baseDn = location.baseDn?.trim() || undefined;
  const groupDn = location.groupDn?.trim() || undefined;
  const filter = parseFilterSetting(location.filter, 'channel.location.filter');
  const groupFilter = location.groupFilter?.trim() ? parseFilterSetting(location.groupFilter, 'channel.location.groupFilter') : undefined;
  if (groupFilter && !groupDn) throw new LdapDatastoreError('channel.location.groupFilter', 'a group filter needs a group DN (channel.location.groupDn)');
  const exclusionFilter = exclusion.filter?.trim() ? parseFilterSetting(exclusion.filter, 'channel.exclusion.filter') : undefined;

  const extra = new Set([source.guidAttribute, source.memberOfAttribute]);
  if (status) extra.add(status);
  return {
    settings: source,
    baseDn,
    // The object class narrows the location filter to users (a broad filter may also match groups).
    userFilter: andFilters(equalityFilter('objectClass', source.userObjectClass), filter),
    group: groupDn ? { dn: groupDn, nested: location.nestedSearch, filter: groupFilter } : undefined,
    exclusion,
    exclusionFilter,
    extraAttributes: [...extra],
  };
}
