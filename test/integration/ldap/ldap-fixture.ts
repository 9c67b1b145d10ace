/**
 * Test entries under an OU of the suite's own (ou=<name>-<random>,<suffix>), removed afterwards,
 * so suites can share one slapd with each other and with the demo directory.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { Attribute, Change, Client } from 'ldapts';
import type { LdapDatastoreConfig } from '../../../src/domain/config/datastore-config';
import { Exclusion, LdapSourceSettings, SourceLocation } from '../../../src/domain/config/source-settings';
import type { SecretResolver } from '../../../src/domain/secrets';
import type { TestLdap } from '../../support/ldap';

export const secrets: SecretResolver = {
  async resolve(ref) {
    if (ref.startsWith('env:')) {
      const v = process.env[ref.slice(4)];
      if (v === undefined) throw new Error(`environment variable ${ref.slice(4)} is not set`);
      return v;
    }
    return ref;
  },
};

export class LdapFixture {
  readonly ou: string;
  private constructor(
    readonly ldap: TestLdap,
    readonly client: Client,
    name: string,
  ) {
    this.ou = `ou=${name}-${randomBytes(4).toString('hex')},${ldap.baseDn}`;
  }

  static async create(ldap: TestLdap, name: string): Promise<LdapFixture> {
    const client = new Client({ url: ldap.url, timeout: 30_000 });
    await client.bind(ldap.bindDn, ldap.bindPassword);
    const f = new LdapFixture(ldap, client, name);
    await client.add(f.ou, { objectClass: ['top', 'organizationalUnit'], ou: f.ou.slice(3, f.ou.indexOf(',')) });
    return f;
  }

  datastore(overrides: Partial<LdapDatastoreConfig> = {}): LdapDatastoreConfig {
    return {
      id: 'test-ldap',
      type: 'ldap',
      urls: [this.ldap.url],
      bindDn: this.ldap.bindDn,
      bindPassword: this.ldap.bindPassword,
      startTls: false,
      rejectUnauthorized: true,
      connectTimeoutMs: 2000,
      timeoutMs: 30000,
      pageSize: 500,
      ...overrides,
    };
  }

  channel(source: Partial<z.input<typeof LdapSourceSettings>> = {}, location: Partial<SourceLocation> = {}, exclusion: Partial<Exclusion> = {}) {
    return {
      source: LdapSourceSettings.parse({ kind: 'ldap', ...source }),
      location: SourceLocation.parse({ baseDn: this.ou, ...location }),
      exclusion: Exclusion.parse(exclusion),
    };
  }

  /** Adds an inetOrgPerson `uid=<uid>,<ou>` with sensible defaults; returns its DN. */
  async person(uid: string, attributes: Record<string, string | string[] | Buffer> = {}): Promise<string> {
    const dn = `uid=${uid.replace(/[\\,+"<>;=#]/g, (c) => `\\${c}`)},${this.ou}`;
    const { objectClass, ...rest } = attributes;
    const classes = ['top', 'person', 'organizationalPerson', 'inetOrgPerson', ...((objectClass as string[] | undefined) ?? [])];
    const attrs: Attribute[] = [
      new Attribute({ type: 'objectClass', values: classes }),
      new Attribute({ type: 'uid', values: [uid] }),
      new Attribute({ type: 'cn', values: [uid] }),
      new Attribute({ type: 'sn', values: [uid] }),
    ];
    for (const [type, value] of Object.entries(rest)) {
      const values = Array.isArray(value) ? value : [value];
      const existing = attrs.find((a) => a.type === type);
      if (existing) existing.values = values as string[];
      else attrs.push(new Attribute({ type, values: values as string[] | Buffer[] }));
    }
    await this.client.add(dn, attrs);
    return dn;
  }

  async group(cn: string, members: string[]): Promise<string> {
    const dn = `cn=${cn},${this.ou}`;
    await this.client.add(dn, { objectClass: ['top', 'groupOfNames'], cn, member: members });
    return dn;
  }

  async replace(dn: string, type: string, values: string[]): Promise<void> {
    await this.client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type, values }) }));
  }

  async add(dn: string, type: string, values: string[]): Promise<void> {
    await this.client.modify(dn, new Change({ operation: 'add', modification: new Attribute({ type, values }) }));
  }

  /** Deletes the OU and everything under it (deepest first). */
  async cleanup(): Promise<void> {
    try {
      const { searchEntries } = await this.client.search(this.ou, { scope: 'sub', attributes: ['1.1'] });
      const dns = searchEntries.map((e) => e.dn).sort((a, b) => b.split(',').length - a.split(',').length);
      for (const dn of dns) await this.client.del(dn);
    } finally {
      await this.client.unbind();
    }
  }
}

/** Every entry of a read, with the number of pages it came in. */
export async function readAll(source: { read: (o: { mode: 'full' | 'incremental'; watermark?: string; pageSize?: number }) => AsyncIterable<{ entries: import('../../../src/domain/source-entry').SourceEntry[]; watermark?: string }> }, options: { mode: 'full' | 'incremental'; watermark?: string; pageSize?: number } = { mode: 'full' }) {
  const entries = [];
  let pages = 0;
  let watermark: string | undefined;
  let largestPage = 0;
  for await (const page of source.read(options)) {
    pages++;
    largestPage = Math.max(largestPage, page.entries.length);
    entries.push(...page.entries);
    watermark = page.watermark ?? watermark;
  }
  return { entries, pages, watermark, largestPage };
}
