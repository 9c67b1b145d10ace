/**
 * PingFederate's Changed Users Algorithm and account-status flag against a real slapd:
 * TIMESTAMP_NO_NEGATION, configurable timestamp and USN attribute names, and the flag's
 * comparison status. slapd has no uSNChanged of its own; the USN algorithm runs here on
 * `uidNumber` (an integer with an ordering rule in OpenLDAP 2.5+), which is what the configurable
 * name is for. (The test schema's uSNChanged is covered in ldap-channel-source.test.ts.)
 */
import type { ChannelSource } from '../../../src/datastores/datastore';
import { createLdapChannelSource } from '../../../src/datastores/ldap-channel-source';
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
const uids = (entries: Array<{ attributes: Record<string, string[]> }>) => entries.map((e) => attributeValues(e as never, 'uid')[0]).sort();

beforeAll(async () => {
  ldap = await ensureLdap();
  fx = await LdapFixture.create(ldap, 'changes');
});
afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
});
afterAll(async () => {
  await fx?.cleanup();
  await ldap?.stop();
});

async function ou(name: string): Promise<string> {
  const dn = `ou=${name},${fx.ou}`;
  await fx.client.add(dn, { objectClass: ['top', 'organizationalUnit'], ou: name });
  return dn;
}

/** Resolves once the wall clock has moved into the next second (timestamps' resolution). */
async function nextSecond(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === now) await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
}

describe('changed users algorithm against slapd', () => {
  it('timestamp-no-negation reads what changed since the watermark, including its own second', async () => {
    const base = await ou('nonneg');
    for (let i = 0; i < 5; i++) await fx.client.add(`uid=n${i},${base}`, { objectClass: ['inetOrgPerson'], uid: `n${i}`, cn: `N ${i}`, sn: 'N' });
    const source = open(fx.datastore(), fx.channel({ changeDetection: 'timestamp-no-negation' }, { baseDn: base }), secrets);
    const full = await readAll(source);
    expect(full.entries).toHaveLength(5);
    await nextSecond();
    await fx.replace(`uid=n3,${base}`, 'title', ['changed']);
    const incr = await readAll(source, { mode: 'incremental', watermark: full.watermark });
    // `>=` re-reads the entries stamped in the watermark's second (all five were added in it or
    // before; at least the newest is in it), and finds the change.
    expect(uids(incr.entries)).toContain('n3');
    expect(incr.watermark! > full.watermark!).toBe(true);
    // From the new watermark: the entry stamped in that second is read again (no negation).
    const settled = await readAll(source, { mode: 'incremental', watermark: incr.watermark });
    expect(uids(settled.entries)).toEqual(['n3']);
  });

  it('timestampAttribute: createTimestamp ignores modifications, modifyTimestamp sees them', async () => {
    const base = await ou('tsattr');
    const add = (i: number) => fx.client.add(`uid=t${i},${base}`, { objectClass: ['inetOrgPerson'], uid: `t${i}`, cn: `T ${i}`, sn: 'T' });
    await add(0);
    await add(1);
    await nextSecond();
    await add(2); // the watermark's second: re-read by `>=`
    const byCreate = open(fx.datastore(), fx.channel({ changeDetection: 'timestamp', timestampAttribute: 'createTimestamp' }, { baseDn: base }), secrets);
    const byModify = open(fx.datastore(), fx.channel({ changeDetection: 'timestamp' }, { baseDn: base }), secrets);
    const w = (await readAll(byCreate)).watermark!;
    const wm = (await readAll(byModify)).watermark!;
    await nextSecond();
    await fx.replace(`uid=t1,${base}`, 'title', ['changed']);
    await fx.client.add(`uid=t9,${base}`, { objectClass: ['inetOrgPerson'], uid: 't9', cn: 'T 9', sn: 'T' });
    // Both re-read their watermark's second; only modifyTimestamp sees the modified t1.
    expect(uids((await readAll(byCreate, { mode: 'incremental', watermark: w })).entries)).toEqual(['t2', 't9']);
    expect(uids((await readAll(byModify, { mode: 'incremental', watermark: wm })).entries)).toEqual(expect.arrayContaining(['t1', 't9']));
  });

  it('active-directory-usn with usnAttribute: reads entries above the watermark number', async () => {
    const base = await ou('usnattr');
    for (let i = 1; i <= 4; i++) {
      await fx.client.add(`uid=s${i},${base}`, {
        objectClass: ['inetOrgPerson', 'posixAccount'],
        uid: `s${i}`,
        cn: `S ${i}`,
        sn: 'S',
        uidNumber: String(100 * i),
        gidNumber: '1',
        homeDirectory: `/home/s${i}`,
      });
    }
    const source = open(fx.datastore(), fx.channel({ changeDetection: 'active-directory-usn', usnAttribute: 'uidNumber' }, { baseDn: base }), secrets);
    const full = await readAll(source);
    expect(full.watermark).toBe('400');
    await fx.replace(`uid=s2,${base}`, 'uidNumber', ['401']);
    const incr = await readAll(source, { mode: 'incremental', watermark: '400' });
    expect(uids(incr.entries)).toEqual(['s2']);
    expect(incr.watermark).toBe('401');
  });
});

describe('account status flag against slapd', () => {
  it('comparisonStatus enabled: only a matching value means enabled; disabled: a matching value means disabled', async () => {
    const base = await ou('flag');
    const types = { f1: 'Active', f2: 'terminated', f3: undefined };
    for (const [uid, t] of Object.entries(types)) {
      await fx.client.add(`uid=${uid},${base}`, { objectClass: ['inetOrgPerson'], uid, cn: uid, sn: 'F', ...(t ? { employeeType: t } : {}) });
    }
    const read = async (accountStatus: object, defaultStatus: 'enabled' | 'disabled' = 'enabled') => {
      const source = open(fx.datastore(), fx.channel({ accountStatus: accountStatus as never, defaultStatus }, { baseDn: base }), secrets);
      return Object.fromEntries((await readAll(source)).entries.map((e) => [attributeValues(e, 'uid')[0], e.enabled]));
    };
    expect(await read({ algorithm: 'flag', attribute: 'employeeType', comparisonValue: 'active', comparisonStatus: 'enabled' }, 'disabled')).toEqual({ f1: true, f2: false, f3: false });
    expect(await read({ algorithm: 'flag', attribute: 'employeeType', comparisonValue: 'TERMINATED', comparisonStatus: 'disabled' })).toEqual({ f1: true, f2: false, f3: true });
    expect(await read({ algorithm: 'flag', attribute: 'employeeType', disabledValue: 'terminated' })).toEqual({ f1: true, f2: false, f3: true });
  });
});
