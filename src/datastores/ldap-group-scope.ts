/**
 * Group DN scope: the filter that selects users who are members of the channel's group.
 *
 * Direct membership is `(memberOf=<group>)`. Nested membership on Active Directory uses the
 * in-chain matching rule, which the DC evaluates transitively. Elsewhere (OpenLDAP's memberof
 * overlay records direct memberships only) the nested groups are found here: the groups in the
 * group's naming context (narrowed by the group filter) are listed once, then the member lists
 * are walked breadth-first from the root group, each group visited once (cycles are harmless),
 * and users match when memberOf names any group of that closure.
 */
import type { Client, Entry } from 'ldapts';
import { normalizeDn } from '../domain/exclusion';
import { classifySearchError, type LdapConnection } from './ldap-connection';
import { LdapDatastoreError } from './ldap-datastore-error';
import { andFilters, equalityFilter, orFilters } from './ldap-filter';
import type { LdapSourcePlan } from './ldap-source-plan';

export const AD_IN_CHAIN_RULE = '1.2.840.113556.1.4.1941';

/** The naming context holding a DN (longest suffix match), else the first one. */
export function namingContextOf(dn: string, contexts: string[]): string | undefined {
  const n = normalizeDn(dn);
  const matches = contexts.filter((c) => n === normalizeDn(c) || n.endsWith(`,${normalizeDn(c)}`));
  return matches.sort((a, b) => b.length - a.length)[0] ?? contexts[0];
}

/** Reads every value of a group's member attribute, following AD's ranged retrieval (member;range=0-1499). */
async function memberValues(client: Client, groupDn: string, attribute: string): Promise<string[]> {
  const out: string[] = [];
  let request = attribute;
  for (;;) {
    const result = await client.search(groupDn, { scope: 'base', filter: '(objectClass=*)', attributes: [request] });
    const entry: Entry | undefined = result.searchEntries[0];
    if (!entry) return out;
    let next: string | undefined;
    for (const [name, raw] of Object.entries(entry)) {
      if (name === 'dn') continue;
      const lower = name.toLowerCase();
      const ranged = new RegExp(`^${attribute.toLowerCase()};range=(\\d+)-(\\*|\\d+)$`).exec(lower);
      if (lower !== attribute.toLowerCase() && !ranged) continue;
      const list = Array.isArray(raw) ? raw : [raw];
      out.push(...list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v)));
      if (ranged && ranged[2] !== '*') next = `${attribute};range=${Number(ranged[2]) + 1}-*`;
    }
    if (!next) return out;
    request = next;
  }
}

/** DNs of every group in the closure of the root group (root included), and the DNs (normalised) of the other members of those groups. */
export async function nestedGroupClosure(connection: LdapConnection, plan: LdapSourcePlan): Promise<GroupWalk> {
  const group = plan.group!;
  const { client } = connection;
  const groupBase = namingContextOf(group.dn, connection.namingContexts) ?? plan.baseDn ?? group.dn;
  const groups = new Set<string>();
  const groupClass = equalityFilter('objectClass', plan.settings.groupObjectClass);
  try {
    for await (const page of client.searchPaginated(groupBase, { scope: 'sub', filter: andFilters(groupClass, group.filter), attributes: ['1.1'], paged: { pageSize: 500 } })) {
      for (const e of page.searchEntries) groups.add(normalizeDn(e.dn));
    }
  } catch (err) {
    throw classifySearchError(err, group.filter ? 'channel.location.groupFilter' : 'channel.location.groupDn', 'listing groups');
  }
  const root = normalizeDn(group.dn);
  const closure: string[] = [group.dn];
  const members = new Set<string>();
  const visited = new Set([root]);
  const queue = [group.dn];
  while (queue.length > 0) {
    const dn = queue.shift()!;
    let values: string[];
    try {
      values = await memberValues(client, dn, plan.settings.groupMemberAttribute);
    } catch (err) {
      // The root group missing is a configuration fault; a dangling nested reference is not.
      if (dn === group.dn) throw classifySearchError(err, 'channel.location.groupDn', 'reading the group');
      if ((err as Error).name === 'NoSuchObjectError') continue;
      throw classifySearchError(err, 'channel.location.groupDn', 'reading a nested group');
    }
    for (const member of values) {
      const n = normalizeDn(member);
      if (!groups.has(n)) members.add(n);
      if (!groups.has(n) || visited.has(n)) continue;
      visited.add(n);
      closure.push(member);
      queue.push(member);
    }
  }
  return { groups: closure, members };
}

export interface GroupWalk {
  groups: string[];
  members: Set<string>;
}

/**
 * Who is in scope: a filter on memberOf, or (member lists) the set of member DNs, normalised,
 * which the read matches against each entry's DN.
 */
export type GroupScope = { filter: string; memberDns?: undefined } | { filter?: undefined; memberDns: Set<string> };

/** Users in a group's member list probed for memberOf by `auto` (the first few suffice). */
const MEMBER_OF_PROBES = 5;

/**
 * Group scope by the configured membership source. `auto` reads the group's member lists and
 * asks a few of those members for memberOf: a directory that keeps it (overlay, plugin, AD) has
 * it on every member; when none has it, the member lists are used.
 */
export async function groupScope(connection: LdapConnection, plan: LdapSourcePlan): Promise<GroupScope> {
  const group = plan.group;
  if (!group) throw new LdapDatastoreError('channel.location.groupDn', 'no group DN is configured');
  const mode = plan.settings.membership ?? 'auto';
  if (mode === 'memberOf' || (mode === 'auto' && connection.activeDirectory)) return { filter: await groupScopeFilter(connection, plan) };
  const walk = group.nested ? await nestedGroupClosure(connection, plan) : await directMembers(connection, plan);
  if (mode === 'auto' && (await membersCarryMemberOf(connection, plan, walk.members))) {
    return { filter: orFilters(walk.groups.map((dn) => equalityFilter(plan.settings.memberOfAttribute, dn))) };
  }
  return { memberDns: walk.members };
}

/** The root group's member list alone (no nesting): every value is a candidate user. */
async function directMembers(connection: LdapConnection, plan: LdapSourcePlan): Promise<GroupWalk> {
  const dn = plan.group!.dn;
  let values: string[];
  try {
    values = await memberValues(connection.client, dn, plan.settings.groupMemberAttribute);
  } catch (err) {
    throw classifySearchError(err, 'channel.location.groupDn', 'reading the group');
  }
  if (values.length === 0) await assertGroupExists(connection.client, dn);
  return { groups: [dn], members: new Set(values.map(normalizeDn)) };
}

async function membersCarryMemberOf(connection: LdapConnection, plan: LdapSourcePlan, members: Set<string>): Promise<boolean> {
  const attribute = plan.settings.memberOfAttribute;
  let probed = 0;
  for (const dn of members) {
    if (probed >= MEMBER_OF_PROBES) break;
    let entry: Entry | undefined;
    try {
      entry = (await connection.client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [attribute] })).searchEntries[0];
    } catch (err) {
      if ((err as Error).name === 'NoSuchObjectError') continue; // a dangling member says nothing
      throw classifySearchError(err, 'channel.location.groupDn', 'probing a member for memberOf');
    }
    probed++;
    const found = entry && Object.entries(entry).some(([name, value]) => name.toLowerCase() === attribute.toLowerCase() && (Array.isArray(value) ? value.length > 0 : Boolean(value)));
    if (found) return true;
  }
  return false;
}

/** Filter selecting the members of the channel's group (directly, or through nested groups). */
export async function groupScopeFilter(connection: LdapConnection, plan: LdapSourcePlan): Promise<string> {
  const group = plan.group;
  if (!group) throw new LdapDatastoreError('channel.location.groupDn', 'no group DN is configured');
  const memberOf = plan.settings.memberOfAttribute;
  if (!group.nested) {
    await assertGroupExists(connection.client, group.dn);
    return equalityFilter(memberOf, group.dn);
  }
  if (connection.activeDirectory && !group.filter) {
    await assertGroupExists(connection.client, group.dn);
    return equalityFilter(`${memberOf}:${AD_IN_CHAIN_RULE}:`, group.dn);
  }
  const { groups } = await nestedGroupClosure(connection, plan);
  return orFilters(groups.map((dn) => equalityFilter(memberOf, dn)));
}

async function assertGroupExists(client: Client, dn: string): Promise<void> {
  try {
    await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
  } catch (err) {
    throw classifySearchError(err, 'channel.location.groupDn', 'reading the group');
  }
}
