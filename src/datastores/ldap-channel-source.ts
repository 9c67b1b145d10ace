/**
 * A channel's users from an LDAP directory (OpenLDAP, Active Directory, PingDirectory...), read
 * with the simple paged results control and handed on one page at a time, so memory stays flat
 * whatever the directory size. See docs/ldap.md for the settings and their PingFederate names.
 */
import { AndFilter, EqualityFilter, FilterParser, type Entry, type Filter } from 'ldapts';
import type { LdapDatastoreConfig } from '../domain/config/datastore-config';
import type { Exclusion, LdapSourceSettings, SourceLocation } from '../domain/config/source-settings';
import { matchesExclusion, normalizeDn } from '../domain/exclusion';
import type { SecretResolver } from '../domain/secrets';
import type { SourceEntry, SourcePage } from '../domain/source-entry';
import type { ChannelSource, DatastoreCheck, ReadOptions } from './datastore';
import { changeMarkerFor, maxMarker, type ChangeMarker } from './ldap-change-marker';
import { classifySearchError, openLdapConnection, type LdapConnection } from './ldap-connection';
import { LdapDatastoreError } from './ldap-datastore-error';
import { mapLdapEntry, type EntryMapping } from './ldap-entry-mapper';
import { andFilters, equalityFilter } from './ldap-filter';
import { groupScope, namingContextOf } from './ldap-group-scope';
import { parseBinaryGuid } from './ldap-guid';
import { planLdapSource, type LdapSourcePlan } from './ldap-source-plan';

/** verify() looks at no more than this many entries in scope. */
export const VERIFY_COUNT_CAP = 100_000;

export type LdapChannel = {
  source: LdapSourceSettings;
  location: SourceLocation;
  exclusion: Exclusion;
  /**
   * Source attributes the channel's mapping reads. Given, reads request only these plus what the
   * source settings need (GUID, status, change marker, memberOf, exclusion attribute) instead of
   * `*`: decoding attributes nobody maps is most of an LDAP read's cost. Absent: every attribute.
   */
  mappedAttributes?: readonly string[];
};

/** Where a read searches: base DN, filter for the users in scope, and the setting blamed for faults. */
interface Scope {
  base: string;
  filter: string;
  baseSetting: string;
  /** Member-list scope: only entries whose DN (normalised) is in this set are in scope. */
  memberDns?: Set<string>;
}

const inScope = (scope: Scope, dn: string) => scope.memberDns === undefined || scope.memberDns.has(normalizeDn(dn));

class LdapChannelSource implements ChannelSource {
  private plan?: LdapSourcePlan;
  private connection?: Promise<LdapConnection>;

  constructor(
    private readonly datastore: LdapDatastoreConfig,
    private readonly channel: LdapChannel,
    private readonly secrets: SecretResolver,
  ) {}

  private getPlan(): LdapSourcePlan {
    this.plan ??= planLdapSource(this.channel);
    return this.plan;
  }

  private async connect(): Promise<LdapConnection> {
    this.connection ??= (async () => {
      let password: string;
      try {
        password = await this.secrets.resolve(this.datastore.bindPassword, { owner: `datastore:${this.datastore.id}`, field: 'bindPassword' });
      } catch (err) {
        throw new LdapDatastoreError('datastore.bindPassword', `the password secret cannot be resolved: ${(err as Error).message}`, false, { cause: err });
      }
      return openLdapConnection(this.datastore, password);
    })();
    try {
      return await this.connection;
    } catch (err) {
      this.connection = undefined; // the next call tries again (the server may be back)
      throw err;
    }
  }

  /** After a transient failure the connection may be dead: drop it so the next call reconnects (and fails over). */
  private async onFailure(err: unknown): Promise<never> {
    if (err instanceof LdapDatastoreError && err.transient && this.connection) {
      const old = this.connection;
      this.connection = undefined;
      await old.then((c) => c.client.unbind()).catch(() => {});
    }
    throw err;
  }

  private marker(connection: LdapConnection): ChangeMarker | undefined {
    const { settings } = this.getPlan();
    return changeMarkerFor(settings.changeDetection, connection.activeDirectory, settings);
  }

  private mapping(connection: LdapConnection): EntryMapping {
    return { settings: this.getPlan().settings, markerAttribute: this.marker(connection)?.attribute };
  }

  private attributes(connection: LdapConnection): string[] {
    const marker = this.marker(connection)?.attribute;
    const needed = [...this.getPlan().extraAttributes, ...(marker ? [marker] : [])];
    const mapped = this.channel.mappedAttributes;
    if (!mapped) return ['*', ...needed];
    const exclusion = this.channel.exclusion.attribute?.name;
    const byLower = new Map<string, string>();
    for (const name of [...mapped, ...needed, ...(exclusion ? [exclusion] : [])]) if (!byLower.has(name.toLowerCase())) byLower.set(name.toLowerCase(), name);
    return [...byLower.values()];
  }

  private binaryAttributes(): string[] {
    const { settings } = this.getPlan();
    return settings.guidType === 'binary' ? [settings.guidAttribute] : [];
  }

  private async scope(connection: LdapConnection): Promise<Scope> {
    const plan = this.getPlan();
    if (plan.group) {
      const base = plan.baseDn ?? namingContextOf(plan.group.dn, connection.namingContexts);
      if (!base) throw new LdapDatastoreError('channel.location.baseDn', 'set a base DN: the server does not publish its naming contexts');
      const members = await groupScope(connection, plan);
      const baseSetting = plan.baseDn ? 'channel.location.baseDn' : 'channel.location.groupDn';
      if (members.memberDns) return { base, filter: plan.userFilter, baseSetting, memberDns: members.memberDns };
      return { base, filter: andFilters(plan.userFilter, members.filter), baseSetting };
    }
    const base = plan.baseDn ?? connection.namingContexts[0];
    if (!base) throw new LdapDatastoreError('channel.location.baseDn', 'set a base DN: the server does not publish its naming contexts');
    return { base, filter: plan.userFilter, baseSetting: 'channel.location.baseDn' };
  }

  private async *search(connection: LdapConnection, scope: Scope, filter: string | Filter, attributes: string[], pageSize: number, what: string, binary: string[] = []): AsyncGenerator<Entry[]> {
    const pages = connection.client.searchPaginated(scope.base, { scope: 'sub', filter, attributes, explicitBufferAttributes: binary, paged: { pageSize } });
    try {
      for (;;) {
        let next: IteratorResult<{ searchEntries: Entry[] }>;
        try {
          next = await pages.next();
        } catch (err) {
          // Base DN faults surface on the first page; other faults name the location filter.
          const name = (err as Error).name;
          const setting = name === 'NoSuchObjectError' || name === 'InvalidDNSyntaxError' ? scope.baseSetting : 'channel.location.filter';
          throw classifySearchError(err, setting, what);
        }
        if (next.done) return;
        yield next.value.searchEntries;
      }
    } finally {
      await pages.return(undefined).catch(() => {}); // the caller stopped early (cap, abort, error)
    }
  }

  /** DNs (normalised) of the entries in scope that the exclusion filter matches. */
  private async excludedByFilter(connection: LdapConnection, scope: Scope): Promise<Set<string>> {
    const plan = this.getPlan();
    const out = new Set<string>();
    if (!plan.exclusionFilter) return out;
    try {
      for await (const page of this.search(connection, scope, andFilters(scope.filter, plan.exclusionFilter), ['1.1'], this.datastore.pageSize, 'evaluating the exclusion filter')) {
        for (const e of page) out.add(normalizeDn(e.dn));
      }
    } catch (err) {
      if (err instanceof LdapDatastoreError && err.setting === 'channel.location.filter') {
        throw new LdapDatastoreError('channel.exclusion.filter', err.detail, err.transient, { cause: err });
      }
      throw err;
    }
    return out;
  }

  private markExcluded(entry: SourceEntry, excludedDns: Set<string>, exclusion: Exclusion): void {
    if (excludedDns.has(normalizeDn(entry.dn)) || matchesExclusion(entry, exclusion)) entry.excluded = true;
  }

  async *read(options: ReadOptions): AsyncGenerator<SourcePage> {
    try {
      const plan = this.getPlan();
      const connection = await this.connect();
      const scope = await this.scope(connection);
      const marker = this.marker(connection);
      const incremental = options.mode === 'incremental' && marker !== undefined && Boolean(options.watermark);
      const filter = incremental ? andFilters(scope.filter, marker.changedSince(options.watermark!)) : scope.filter;
      const excludedDns = await this.excludedByFilter(connection, scope);
      const mapping = this.mapping(connection);
      // Never moves backwards: an incremental read that finds nothing keeps the old watermark.
      let watermark = marker ? options.watermark : undefined;
      let seen = 0;
      let mapped = 0;
      let yielded = false;
      const pageSize = options.pageSize ?? this.datastore.pageSize;
      for await (const raw of this.search(connection, scope, filter, this.attributes(connection), pageSize, 'reading entries', this.binaryAttributes())) {
        options.signal?.throwIfAborted();
        const entries: SourceEntry[] = [];
        for (const r of raw) {
          if (!inScope(scope, r.dn)) continue;
          seen++;
          const entry = mapLdapEntry(r, mapping);
          if (!entry) continue;
          mapped++;
          this.markExcluded(entry, excludedDns, plan.exclusion);
          if (marker) watermark = maxMarker(marker, watermark, entry.changeMarker);
          entries.push(entry);
        }
        // Entries without a GUID cannot be tracked and are skipped; when none has one the GUID
        // attribute is wrong, and going on would make every user look as if it left scope.
        if (seen > 0 && mapped === 0) {
          throw new LdapDatastoreError('channel.source.guidAttribute', `none of the first ${seen} entries in scope has the GUID attribute ${plan.settings.guidAttribute}`);
        }
        if (entries.length === 0) continue;
        yielded = true;
        yield watermark === undefined ? { entries } : { entries, watermark };
      }
      if (!yielded) yield watermark === undefined ? { entries: [] } : { entries: [], watermark };
    } catch (err) {
      await this.onFailure(err);
    }
  }

  async readOne(guid: string): Promise<SourceEntry | undefined> {
    try {
      const plan = this.getPlan();
      const bytes = plan.settings.guidType === 'binary' ? parseBinaryGuid(guid) : undefined;
      if (plan.settings.guidType === 'binary' && !bytes) return undefined;
      const connection = await this.connect();
      const scope = await this.scope(connection);
      // Binary values go in as a filter object: ldapts re-encodes \xx escapes in filter text
      // as UTF-8 characters, which would corrupt bytes above 0x7f.
      const filter = bytes
        ? new AndFilter({ filters: [FilterParser.parseString(scope.filter), new EqualityFilter({ attribute: plan.settings.guidAttribute, value: bytes })] })
        : andFilters(scope.filter, equalityFilter(plan.settings.guidAttribute, guid));
      let found: Entry | undefined;
      for await (const page of this.search(connection, scope, filter, this.attributes(connection), 2, 'reading one entry', this.binaryAttributes())) {
        found ??= page[0];
      }
      if (!found || !inScope(scope, found.dn)) return undefined;
      const entry = mapLdapEntry(found, this.mapping(connection));
      if (!entry) return undefined;
      const excluded = plan.exclusionFilter ? await this.matchesFilter(connection, entry.dn, plan.exclusionFilter) : false;
      this.markExcluded(entry, excluded ? new Set([normalizeDn(entry.dn)]) : new Set(), plan.exclusion);
      return entry;
    } catch (err) {
      return this.onFailure(err);
    }
  }

  private async matchesFilter(connection: LdapConnection, dn: string, filter: string): Promise<boolean> {
    try {
      const result = await connection.client.search(dn, { scope: 'base', filter, attributes: ['1.1'] });
      return result.searchEntries.length > 0;
    } catch (err) {
      throw classifySearchError(err, 'channel.exclusion.filter', 'evaluating the exclusion filter');
    }
  }

  async verify(): Promise<DatastoreCheck> {
    try {
      const plan = this.getPlan();
      const connection = await this.connect();
      const scope = await this.scope(connection);
      try {
        await connection.client.search(scope.base, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
      } catch (err) {
        throw classifySearchError(err, scope.baseSetting, 'reading the base DN');
      }
      const excludedDns = await this.excludedByFilter(connection, scope);
      const attributes = [plan.settings.guidAttribute, ...(plan.exclusion.attribute ? [plan.exclusion.attribute.name] : [])];
      const mapping: EntryMapping = { settings: plan.settings };
      let count = 0;
      let missingGuid = 0;
      let excluded = 0;
      outer: for await (const page of this.search(connection, scope, scope.filter, attributes, this.datastore.pageSize, 'counting entries', this.binaryAttributes())) {
        for (const raw of page) {
          if (!inScope(scope, raw.dn)) continue;
          count++;
          const entry = mapLdapEntry(raw, mapping);
          if (!entry) missingGuid++;
          else {
            this.markExcluded(entry, excludedDns, plan.exclusion);
            if (entry.excluded) excluded++;
          }
          if (count >= VERIFY_COUNT_CAP) break outer;
        }
      }
      const counted = count >= VERIFY_COUNT_CAP ? `at least ${count}` : String(count);
      if (missingGuid > 0) {
        return {
          ok: false,
          setting: 'channel.source.guidAttribute',
          message: `${missingGuid} of ${counted} entries in scope have no ${plan.settings.guidAttribute} attribute; fix the GUID attribute or narrow the filter`,
          sample: count,
          excluded,
        };
      }
      return { ok: true, message: `${counted} entries in scope at ${connection.url}, ${excluded} excluded`, sample: count, excluded };
    } catch (err) {
      if (err instanceof LdapDatastoreError) {
        if (err.transient) await this.onFailure(err).catch(() => {});
        return { ok: false, setting: err.setting, message: err.detail };
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await connection.then((c) => c.client.unbind()).catch(() => {});
  }
}

/** The LDAP ChannelSource for one channel. Nothing connects until the first call. */
export function createLdapChannelSource(datastore: LdapDatastoreConfig, channel: LdapChannel, secrets: SecretResolver): ChannelSource {
  return new LdapChannelSource(datastore, channel, secrets);
}
