import { randomBytes } from 'node:crypto';
import { generateDemoDirectory } from '../../../scripts/demo-directory';
import type { ChannelSource } from '../../../src/datastores/datastore';
import { createLdapChannelSource } from '../../../src/datastores/ldap-channel-source';
import { formatBinaryGuid } from '../../../src/datastores/ldap-guid';
import { attributeValues } from '../../../src/domain/source-entry';
import { ensureLdap, type TestLdap } from '../../support/ldap';
import { LdapFixture, readAll, secrets } from './ldap-fixture';

let ldap: TestLdap;
let fx: LdapFixture;
const sources: ChannelSource[] = [];
const open = (...args: Parameters<typeof createLdapChannelSource>) => {
  const s = createLdapChannelSource(...args);
  sources.push(s);
  return s;
};

beforeAll(async () => {
  ldap = await ensureLdap();
  fx = await LdapFixture.create(ldap, 'source');
});

afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
});

afterAll(async () => {
  await fx?.cleanup();
  await ldap?.stop();
});

describe('LDAP channel source against slapd', () => {
  it('streams thousands of entries page by page with the paged results control', async () => {
    const ou = `ou=paging,${fx.ou}`;
    await fx.client.add(ou, { objectClass: ['top', 'organizationalUnit'], ou: 'paging' });
    const total = 2500;
    for (let i = 0; i < total; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, total - i) }, (_, j) =>
          fx.client.add(`uid=p${i + j},${ou}`, { objectClass: ['inetOrgPerson'], uid: `p${i + j}`, cn: `P ${i + j}`, sn: 'Page' }),
        ),
      );
    }
    const source = open(fx.datastore({ pageSize: 200 }), fx.channel({}, { baseDn: ou }), secrets);
    const { entries, pages, largestPage, watermark } = await readAll(source, { mode: 'full' });
    expect(entries).toHaveLength(total);
    expect(new Set(entries.map((e) => e.guid)).size).toBe(total);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(total / 200));
    expect(largestPage).toBeLessThanOrEqual(200);
    expect(watermark).toMatch(/^\d{14}Z$/);
    // The page size passed to read() wins over the datastore's.
    expect((await readAll(source, { mode: 'full', pageSize: 1000 })).pages).toBe(3);
  });

  it('reads the demo directory: statuses by flag, the Concur administrator excluded by DN but reported', async () => {
    const demo = generateDemoDirectory();
    const people = `ou=people,${ldap.baseDn}`;
    const source = open(
      fx.datastore(),
      fx.channel({ accountStatus: { algorithm: 'flag', attribute: 'employeeType', disabledValue: 'disabled' } }, { baseDn: people }),
      // Exclusion DNs compare normalised: case and spaces do not matter.
      { resolve: secrets.resolve },
    );
    const sourceWithExclusion = open(
      fx.datastore(),
      { ...fx.channel({ accountStatus: { algorithm: 'flag', attribute: 'employeeType', disabledValue: 'DISABLED' } }, { baseDn: people }), exclusion: { dns: [demo.adminDn.toUpperCase().replace(',', ' , ')] } },
      secrets,
    );
    const all = (await readAll(source)).entries;
    expect(all).toHaveLength(demo.people + 1);
    expect(all.filter((e) => !e.enabled)).toHaveLength(demo.disabled);
    const { entries } = await readAll(sourceWithExclusion);
    const excluded = entries.filter((e) => e.excluded);
    expect(excluded.map((e) => e.dn)).toEqual([demo.adminDn]);
    expect(entries.filter((e) => !e.enabled)).toHaveLength(demo.disabled);
    // memberOf (operational) comes along; unicode survives.
    expect(entries.some((e) => attributeValues(e, 'memberOf').length > 0)).toBe(true);
    expect(entries.some((e) => /[À-ɏ]/.test(attributeValues(e, 'cn')[0] ?? ''))).toBe(true);
    expect(entries.every((e) => attributeValues(e, 'userPassword').length === 0)).toBe(true);
  });

  it('requests only the mapped attributes and what the source settings need, when the mapping names them', async () => {
    const people = `ou=people,${ldap.baseDn}`;
    const channel = {
      ...fx.channel({ accountStatus: { algorithm: 'flag', attribute: 'employeeType', disabledValue: 'disabled' } }, { baseDn: people }),
      exclusion: { dns: [], attribute: { name: 'departmentNumber', values: ['nope'] } },
    };
    const narrow = (await readAll(open(fx.datastore(), { ...channel, mappedAttributes: ['mail', 'SN'] }, secrets))).entries;
    const names = new Set(narrow.flatMap((e) => Object.keys(e.attributes).map((n) => n.toLowerCase())));
    // mapped + GUID + status + memberOf + exclusion attribute (+ change marker); nothing else.
    expect([...names].filter((n) => !['mail', 'sn', 'entryuuid', 'employeetype', 'memberof', 'departmentnumber', 'modifytimestamp'].includes(n))).toEqual([]);
    expect([...names]).toEqual(expect.arrayContaining(['mail', 'sn', 'entryuuid', 'employeetype', 'departmentnumber']));
    const wide = (await readAll(open(fx.datastore(), channel, secrets))).entries;
    expect(wide.length).toBe(narrow.length);
    expect(wide.some((e) => attributeValues(e, 'telephoneNumber').length > 0)).toBe(true);
    expect(narrow.filter((e) => !e.enabled).length).toBe(wide.filter((e) => !e.enabled).length);
  });

  it('scopes by group DN: direct members only, or through nested groups with a cycle, narrowed by a group filter', async () => {
    const p = await Promise.all(['g1', 'g2', 'g3', 'g4'].map((u) => fx.person(`grp-${u}`)));
    const root = await fx.group('root', [p[0]]);
    const b = await fx.group('leaf-b', [p[2], root]); // b -> root closes the cycle root -> a -> b -> root
    const a = await fx.group('mid-a', [p[1], b]);
    await fx.add(root, 'member', [a]);
    const uids = async (location: object) =>
      (await readAll(open(fx.datastore(), fx.channel({}, { baseDn: fx.ou, ...location }), secrets))).entries.map((e) => attributeValues(e, 'uid')[0]).sort();

    expect(await uids({ groupDn: root })).toEqual(['grp-g1']);
    expect(await uids({ groupDn: root, nestedSearch: true })).toEqual(['grp-g1', 'grp-g2', 'grp-g3']);
    expect(await uids({ groupDn: root, nestedSearch: true, groupFilter: '(cn=mid-*)' })).toEqual(['grp-g1', 'grp-g2']);
    // Without a base DN the group's naming context is searched.
    expect(await uids({ baseDn: undefined, groupDn: a, nestedSearch: true })).toEqual(['grp-g1', 'grp-g2', 'grp-g3']);
    await expect(readAll(open(fx.datastore(), fx.channel({}, { groupDn: `cn=missing,${fx.ou}` }), secrets))).rejects.toMatchObject({ setting: 'channel.location.groupDn' });
  });

  it('evaluates Active Directory account status (userAccountControl bit 0x2) and renders binary objectGUIDs canonically', async () => {
    const ou = `ou=ad,${fx.ou}`;
    await fx.client.add(ou, { objectClass: ['top', 'organizationalUnit'], ou: 'ad' });
    const guids = [randomBytes(16), randomBytes(16), randomBytes(16)];
    const uacs = ['512', '514', undefined];
    for (let i = 0; i < 3; i++) {
      const attrs: Record<string, unknown> = { objectClass: ['inetOrgPerson', 'outboundAdLike'], uid: `ad${i}`, cn: `AD ${i}`, sn: 'AD', objectGUID: guids[i] };
      if (uacs[i]) attrs.userAccountControl = uacs[i];
      const { Attribute } = await import('ldapts');
      await fx.client.add(
        `uid=ad${i},${ou}`,
        Object.entries(attrs).map(([type, v]) => new Attribute({ type, values: (Array.isArray(v) ? v : [v]) as string[] })),
      );
    }
    const channel = fx.channel({ guidAttribute: 'objectGUID', guidType: 'binary', accountStatus: { algorithm: 'active-directory', attribute: 'userAccountControl' }, defaultStatus: 'disabled' }, { baseDn: ou });
    const source = open(fx.datastore(), channel, secrets);
    const byUid = new Map((await readAll(source)).entries.map((e) => [attributeValues(e, 'uid')[0], e]));
    expect(byUid.get('ad0')).toMatchObject({ guid: formatBinaryGuid(guids[0]), enabled: true });
    expect(byUid.get('ad1')).toMatchObject({ guid: formatBinaryGuid(guids[1]), enabled: false });
    expect(byUid.get('ad2')).toMatchObject({ enabled: false }); // default status when the attribute is absent
    expect(byUid.get('ad0')!.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // On-demand read by canonical GUID (upper case and braces accepted).
    const one = await source.readOne(`{${formatBinaryGuid(guids[1]).toUpperCase()}}`);
    expect(one?.dn).toBe(`uid=ad1,${ou}`);
    expect(await source.readOne(formatBinaryGuid(randomBytes(16)))).toBeUndefined();
  });

  it('keeps unicode and hostile values intact and never lets them change a filter', async () => {
    const hostile = '*)(uid=*';
    const dn = await fx.person('hostile-1', { cn: hostile, sn: 'Ångström', givenName: 'Zoë', title: 'x\\2a)(|(objectClass=*' });
    await fx.person('hostile-2', { sn: "O'Brien-Núñez" });
    const source = open(fx.datastore(), fx.channel({ guidAttribute: 'cn' }, { baseDn: fx.ou, filter: '(sn=*)' }), secrets);
    const one = await source.readOne(hostile);
    expect(one?.dn).toBe(dn);
    expect(attributeValues(one!, 'sn')).toEqual(['Ångström']);
    expect(attributeValues(one!, 'givenName')).toEqual(['Zoë']);
    expect(attributeValues(one!, 'title')).toEqual(['x\\2a)(|(objectClass=*']);
    // A wildcard GUID matches nothing rather than everything.
    expect(await source.readOne('*')).toBeUndefined();
    const byUid = open(fx.datastore(), fx.channel({ guidAttribute: 'uid' }, { baseDn: fx.ou }), secrets);
    expect(await byUid.readOne('hostile-*')).toBeUndefined();
    expect((await byUid.readOne('hostile-2'))?.dn).toBe(`uid=hostile-2,${fx.ou}`);
  });

  it('marks entries excluded by DN, attribute value or filter, and reports rather than drops them', async () => {
    const ou = `ou=excl,${fx.ou}`;
    await fx.client.add(ou, { objectClass: ['top', 'organizationalUnit'], ou: 'excl' });
    const mk = (uid: string, extra: Record<string, string>) =>
      fx.client.add(`uid=${uid},${ou}`, { objectClass: ['inetOrgPerson'], uid, cn: uid, sn: 'X', ...extra }).then(() => `uid=${uid},${ou}`);
    const byDn = await mk('admin', {});
    await mk('svc', { employeeType: 'Service' });
    await mk('robot', { title: 'Robot account' });
    await mk('hostile', { employeeType: '*)(employeeType=*' });
    await mk('normal', { employeeType: 'employee', title: 'Engineer' });
    const channel = fx.channel({}, { baseDn: ou }, { dns: [byDn], attribute: { name: 'employeeType', values: ['service'] }, filter: '(title=Robot*)' });
    const source = open(fx.datastore({ pageSize: 2 }), channel, secrets);
    const { entries } = await readAll(source);
    const excluded = entries.filter((e) => e.excluded).map((e) => attributeValues(e, 'uid')[0]).sort();
    expect(entries).toHaveLength(5);
    expect(excluded).toEqual(['admin', 'robot', 'svc']);
    expect((await source.readOne((entries.find((e) => attributeValues(e, 'uid')[0] === 'robot')!).guid))?.excluded).toBe(true);
    expect((await source.readOne((entries.find((e) => attributeValues(e, 'uid')[0] === 'normal')!).guid))?.excluded).toBeUndefined();
    const check = await source.verify();
    expect(check).toMatchObject({ ok: true, sample: 5, excluded: 3 });
  });

  it('reads incrementally by modifyTimestamp: only what changed since the watermark (plus entries stamped in its second)', async () => {
    const ou = `ou=incr,${fx.ou}`;
    await fx.client.add(ou, { objectClass: ['top', 'organizationalUnit'], ou: 'incr' });
    for (let i = 0; i < 20; i++) await fx.client.add(`uid=i${i},${ou}`, { objectClass: ['inetOrgPerson'], uid: `i${i}`, cn: `I ${i}`, sn: 'Incr' });
    const source = open(fx.datastore(), fx.channel({ changeDetection: 'timestamp' }, { baseDn: ou }), secrets);
    // modifyTimestamp has one-second resolution: wait for the clock (not for an outcome) between steps.
    await nextSecond();
    await fx.replace(`uid=i1,${ou}`, 'title', ['touched']);
    const full = await readAll(source);
    expect(full.entries).toHaveLength(20);
    const w1 = full.watermark!;
    expect(full.entries.find((e) => e.dn === `uid=i1,${ou}`)?.changeMarker).toBe(w1);
    await nextSecond();
    await fx.replace(`uid=i7,${ou}`, 'title', ['changed']);
    const incr = await readAll(source, { mode: 'incremental', watermark: w1 });
    expect(incr.entries.map((e) => attributeValues(e, 'uid')[0]).sort()).toEqual(['i1', 'i7']);
    expect(incr.watermark! > w1).toBe(true);
    // Nothing changed since: no entries, the watermark stays.
    const none = await readAll(source, { mode: 'incremental', watermark: '29991231235959Z' });
    expect(none).toMatchObject({ entries: [], watermark: '29991231235959Z' });
    // Full change detection ignores the watermark and returns none.
    const fullOnly = await readAll(open(fx.datastore(), fx.channel({ changeDetection: 'full' }, { baseDn: ou }), secrets), { mode: 'incremental', watermark: w1 });
    expect(fullOnly.entries).toHaveLength(20);
    expect(fullOnly.watermark).toBeUndefined();
  });

  it('reads incrementally by uSNChanged (ACTIVE_DIRECTORY_USN)', async () => {
    const ou = `ou=usn,${fx.ou}`;
    await fx.client.add(ou, { objectClass: ['top', 'organizationalUnit'], ou: 'usn' });
    for (let i = 1; i <= 5; i++) {
      await fx.client.add(`uid=u${i},${ou}`, { objectClass: ['inetOrgPerson', 'outboundAdLike'], uid: `u${i}`, cn: `U${i}`, sn: 'Usn', uSNChanged: String(i * 10) });
    }
    const source = open(fx.datastore(), fx.channel({ changeDetection: 'active-directory-usn' }, { baseDn: ou }), secrets);
    const full = await readAll(source);
    expect(full.watermark).toBe('50');
    await fx.replace(`uid=u2,${ou}`, 'uSNChanged', ['51']);
    const incr = await readAll(source, { mode: 'incremental', watermark: '50' });
    expect(incr.entries.map((e) => e.dn)).toEqual([`uid=u2,${ou}`]);
    expect(incr.watermark).toBe('51');
  });
});

/** Resolves once the wall clock has moved into the next second (modifyTimestamp's resolution). */
async function nextSecond(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === now) await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
}
