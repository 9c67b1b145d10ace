/**
 * Group-DN scope where the directory keeps no memberOf (OpenLDAP as Debian installs it, 389-DS
 * without its plugin): membership from the groups' member lists. One slapd of its own without
 * the memberof overlay, and the shared one with it; nested groups (with a cycle) in both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelSource } from '../../../src/datastores/datastore';
import { createLdapChannelSource } from '../../../src/datastores/ldap-channel-source';
import type { LdapSourceSettings, SourceLocation } from '../../../src/domain/config/source-settings';
import { attributeValues } from '../../../src/domain/source-entry';
import { freePort } from '../../../scripts/services/service';
import { startSlapd, type SlapdService } from '../../../scripts/services/slapd';
import { ensureLdap, type TestLdap } from '../../support/ldap';
import { LdapFixture, readAll, secrets } from './ldap-fixture';

const dir = mkdtempSync(join(tmpdir(), 'outbound-ldap-nomemberof-'));
let plain: SlapdService;
let shared: TestLdap;
const fixtures = {} as Record<'without' | 'with', { fx: LdapFixture; root: string }>;
const sources: ChannelSource[] = [];

async function populate(fx: LdapFixture) {
  const people = [];
  for (const uid of ['m1', 'm2', 'm3', 'm4']) people.push(await fx.person(uid));
  const root = await fx.group('root', [people[0]]);
  const leaf = await fx.group('leaf', [people[2], root]); // leaf -> root closes a cycle
  await fx.group('mid', [people[1], leaf]);
  await fx.add(root, 'member', [`cn=mid,${fx.ou}`]);
  // m4 is in no group of the closure.
  await fx.group('other', [people[3]]);
  return { root };
}

beforeAll(async () => {
  plain = await startSlapd({ port: await freePort(), dataDir: join(dir, 'slapd'), logDir: join(dir, 'logs'), loadDemo: false, memberOfOverlay: false, log: () => {} });
  const plainLdap: TestLdap = { url: plain.url, bindDn: plain.env.OUTBOUND_LDAP_BIND_DN, bindPassword: plain.env.OUTBOUND_LDAP_BIND_PASSWORD, baseDn: plain.env.OUTBOUND_LDAP_BASE_DN, stop: () => plain.stop() };
  shared = await ensureLdap();
  for (const [name, ldap] of [['without', plainLdap], ['with', shared]] as const) {
    const fx = await LdapFixture.create(ldap, `members-${name}`);
    fixtures[name] = { fx, root: (await populate(fx)).root };
  }
}, 120_000);

afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
});

afterAll(async () => {
  for (const f of Object.values(fixtures)) await f.fx.cleanup().catch(() => {});
  await shared?.stop();
  await plain?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function uids(which: 'without' | 'with', source: Partial<LdapSourceSettings>, location: Partial<SourceLocation>): Promise<string[]> {
  const { fx } = fixtures[which];
  const s = createLdapChannelSource(fx.datastore(), fx.channel(source, location), secrets);
  sources.push(s);
  const { entries } = await readAll(s);
  return entries.map((e) => attributeValues(e, 'uid')[0]).sort();
}

describe.each(['without', 'with'] as const)('slapd %s the memberof overlay', (which) => {
  const root = () => fixtures[which].root;

  it('member lists: direct and nested members (cycle included), whatever the overlay', async () => {
    expect(await uids(which, { membership: 'memberList' }, { groupDn: root() })).toEqual(['m1']);
    expect(await uids(which, { membership: 'memberList' }, { groupDn: root(), nestedSearch: true })).toEqual(['m1', 'm2', 'm3']);
  });

  it('auto: finds the members either way', async () => {
    expect(await uids(which, {}, { groupDn: root() })).toEqual(['m1']);
    expect(await uids(which, {}, { groupDn: root(), nestedSearch: true })).toEqual(['m1', 'm2', 'm3']);
  });

  it('readOne and verify follow the same scope', async () => {
    const { fx } = fixtures[which];
    const s = createLdapChannelSource(fx.datastore(), fx.channel({}, { groupDn: root(), nestedSearch: true }), secrets);
    sources.push(s);
    const { entries: all } = await readAll(s);
    const other = createLdapChannelSource(fx.datastore(), fx.channel({}, { groupDn: `cn=other,${fx.ou}` }), secrets);
    sources.push(other);
    const { entries: outsider } = await readAll(other);
    expect(outsider.map((e) => attributeValues(e, 'uid')[0])).toEqual(['m4']);
    expect(await s.readOne(all[0].guid)).toMatchObject({ guid: all[0].guid });
    expect(await s.readOne(outsider[0].guid)).toBeUndefined();
    expect(await s.verify()).toMatchObject({ ok: true, sample: 3 });
  });
});

it('memberOf mode on a directory without the overlay finds no one (why member lists exist)', async () => {
  expect(await uids('without', { membership: 'memberOf' }, { groupDn: fixtures.without.root, nestedSearch: true })).toEqual([]);
  expect(await uids('with', { membership: 'memberOf' }, { groupDn: fixtures.with.root, nestedSearch: true })).toEqual(['m1', 'm2', 'm3']);
});
