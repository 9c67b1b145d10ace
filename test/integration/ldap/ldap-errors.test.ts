import { createLdapChannelSource } from '../../../src/datastores/ldap-channel-source';
import { LdapDatastoreError } from '../../../src/datastores/ldap-datastore-error';
import { freePort } from '../../../scripts/services/service';
import { ensureLdap, type TestLdap } from '../../support/ldap';
import { LdapFixture, readAll, secrets } from './ldap-fixture';

let ldap: TestLdap;
let fx: LdapFixture;

beforeAll(async () => {
  ldap = await ensureLdap();
  fx = await LdapFixture.create(ldap, 'errors');
  await fx.person('e1', { employeeNumber: 'E1' });
  await fx.person('e2');
});

afterAll(async () => {
  await fx?.cleanup();
  await ldap?.stop();
});

/** Runs read() and returns the LdapDatastoreError it fails with. */
async function readError(source: ReturnType<typeof createLdapChannelSource>): Promise<LdapDatastoreError> {
  try {
    await readAll(source);
  } catch (err) {
    expect(err).toBeInstanceOf(LdapDatastoreError);
    return err as LdapDatastoreError;
  } finally {
    await source.close();
  }
  throw new Error('read() succeeded');
}

describe('LDAP channel source: bad input fails clearly, naming the setting', () => {
  it('rejects invalid filter syntax before touching the network', async () => {
    for (const [location, exclusion, setting] of [
      [{ filter: '(&(uid=a)(cn=b)' }, {}, 'channel.location.filter'],
      [{ filter: '(uid=a))' }, {}, 'channel.location.filter'],
      [{ filter: '(uid=\\zz)' }, {}, 'channel.location.filter'],
      [{ groupDn: `cn=x,${fx.ou}`, groupFilter: '(cn=' }, {}, 'channel.location.groupFilter'],
      [{}, { filter: '(title=a)(title=b)' }, 'channel.exclusion.filter'],
    ] as const) {
      // An unreachable URL proves the filter is rejected first.
      const source = createLdapChannelSource(fx.datastore({ urls: ['ldap://127.0.0.1:1'] }), fx.channel({}, location, exclusion), secrets);
      const err = await readError(source);
      expect(err).toMatchObject({ setting, transient: false });
      expect(err.message).toMatch(/invalid LDAP filter/);
      await expect(source.verify()).resolves.toMatchObject({ ok: false, setting });
    }
  });

  it('reports an unreachable server as datastore.urls (transient) and fails over to the next URL', async () => {
    const dead = `ldap://127.0.0.1:${await freePort()}`;
    const err = await readError(createLdapChannelSource(fx.datastore({ urls: [dead] }), fx.channel(), secrets));
    expect(err).toMatchObject({ setting: 'datastore.urls', transient: true });
    expect(err.message).toContain(dead);
    const failover = createLdapChannelSource(fx.datastore({ urls: [dead, ldap.url] }), fx.channel(), secrets);
    expect((await readAll(failover)).entries).toHaveLength(2);
    await expect(failover.verify()).resolves.toMatchObject({ ok: true, sample: 2, excluded: 0 });
    await failover.close();
  });

  it('reports a wrong password as datastore.bindPassword without revealing it', async () => {
    const wrong = 'not-the-password-4711';
    const source = createLdapChannelSource(fx.datastore({ bindPassword: wrong }), fx.channel(), secrets);
    const err = await readError(source);
    expect(err).toMatchObject({ setting: 'datastore.bindPassword', transient: false });
    const check = await source.verify();
    expect(check).toMatchObject({ ok: false, setting: 'datastore.bindPassword' });
    expect(`${err.message} ${check.message} ${JSON.stringify(check)}`).not.toContain(wrong);
    const unresolved = createLdapChannelSource(fx.datastore({ bindPassword: 'env:OUTBOUND_TEST_NO_SUCH_VAR' }), fx.channel(), secrets);
    await expect(unresolved.verify()).resolves.toMatchObject({ ok: false, setting: 'datastore.bindPassword' });
  });

  it('reports a base DN that does not exist as channel.location.baseDn', async () => {
    const source = createLdapChannelSource(fx.datastore(), fx.channel({}, { baseDn: `ou=nowhere,${fx.ou}` }), secrets);
    expect(await readError(source)).toMatchObject({ setting: 'channel.location.baseDn' });
    await expect(source.verify()).resolves.toMatchObject({ ok: false, setting: 'channel.location.baseDn' });
    await source.close();
  });

  it('reports a GUID attribute missing on entries as channel.source.guidAttribute', async () => {
    const some = createLdapChannelSource(fx.datastore(), fx.channel({ guidAttribute: 'employeeNumber' }), secrets);
    await expect(some.verify()).resolves.toMatchObject({ ok: false, setting: 'channel.source.guidAttribute', sample: 2, message: expect.stringMatching(/^1 of 2 entries/) });
    // Reading skips the entry that cannot be tracked...
    expect((await readAll(some)).entries.map((e) => e.guid)).toEqual(['E1']);
    await some.close();
    // ...but refuses to go on when no entry has the attribute (every user would seem to leave scope).
    const none = createLdapChannelSource(fx.datastore(), fx.channel({ guidAttribute: 'employeeType' }), secrets);
    expect(await readError(none)).toMatchObject({ setting: 'channel.source.guidAttribute' });
    const badName = createLdapChannelSource(fx.datastore(), fx.channel({ guidAttribute: 'entry UUID' }), secrets);
    expect(await readError(badName)).toMatchObject({ setting: 'channel.source.guidAttribute' });
  });

  it('stops a read when the signal aborts', async () => {
    const controller = new AbortController();
    controller.abort();
    const source = createLdapChannelSource(fx.datastore(), fx.channel(), secrets);
    await expect(readAll({ read: (o) => source.read({ ...o, signal: controller.signal }) })).rejects.toThrow();
    await source.close();
  });
});
