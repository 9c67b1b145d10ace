/**
 * The LDAP datastore over TLS against a real slapd of its own (ldaps:// and StartTLS, with a
 * throwaway CA made by openssl), including the certificate mistakes administrators make.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import tls from 'node:tls';
import { join } from 'node:path';
import { createLdapChannelSource } from '../../../src/datastores/ldap-channel-source';
import { LdapDatastoreError } from '../../../src/datastores/ldap-datastore-error';
import type { LdapDatastoreConfig } from '../../../src/domain/config/datastore-config';
import { freePort } from '../../../scripts/services/service';
import { startSlapd, type SlapdService } from '../../../scripts/services/slapd';
import { createTestCa, createTestCertificates, type TestCertificates } from '../../support/tls-certs';
import type { TestLdap } from '../../support/ldap';
import { LdapFixture, readAll, secrets } from './ldap-fixture';

/** Distinctive, so a leak into any error message is caught. */
const PASSWORD = 'tls-admin-pw-5183';

const dir = mkdtempSync(join(tmpdir(), 'outbound-ldap-tls-'));
let certs: TestCertificates;
let otherCaFile: string;
let svc: SlapdService;
let ldapsUrl: string;
let fx: LdapFixture;

beforeAll(async () => {
  certs = createTestCertificates(join(dir, 'tls'));
  otherCaFile = createTestCa(join(dir, 'other'), 'other').caFile;
  const port = await freePort();
  let ldapsPort = await freePort();
  while (ldapsPort === port) ldapsPort = await freePort();
  svc = await startSlapd({ port, dataDir: join(dir, 'slapd'), logDir: join(dir, 'logs'), adminPassword: PASSWORD, loadDemo: false, log: () => {}, tls: { ...certs, ldapsPort } });
  ldapsUrl = svc.ldapsUrl ?? '';
  const ldap: TestLdap = { url: svc.url, bindDn: svc.env.OUTBOUND_LDAP_BIND_DN, bindPassword: PASSWORD, baseDn: svc.env.OUTBOUND_LDAP_BASE_DN, stop: () => svc.stop() };
  fx = await LdapFixture.create(ldap, 'tls');
  await fx.person('t1');
  await fx.person('t2');
});

afterAll(async () => {
  try {
    await fx?.cleanup();
  } finally {
    await svc?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

const source = (overrides: Partial<LdapDatastoreConfig>) => createLdapChannelSource(fx.datastore(overrides), fx.channel(), secrets);

/** read() must fail with an LdapDatastoreError; verify() must report the same setting. Neither may show the password. */
async function failure(overrides: Partial<LdapDatastoreConfig>): Promise<LdapDatastoreError> {
  const s = source(overrides);
  let error: unknown;
  try {
    await readAll(s);
  } catch (err) {
    error = err;
  }
  const check = await s.verify();
  await s.close();
  expect(error).toBeInstanceOf(LdapDatastoreError);
  const err = error as LdapDatastoreError;
  expect(check).toMatchObject({ ok: false, setting: err.setting });
  expect(`${err.message} ${JSON.stringify(check)}`).not.toContain(PASSWORD);
  return err;
}

describe('LDAP datastore over TLS (real slapd, throwaway CA)', () => {
  it('slapd listens on ldap:// and ldaps://', () => {
    expect(svc.url).toMatch(/^ldap:\/\/127\.0\.0\.1:\d+$/);
    expect(ldapsUrl).toMatch(/^ldaps:\/\/127\.0\.0\.1:\d+$/);
  });

  it('(a) reads and verifies over ldaps:// with caFile', async () => {
    // Watches the options ldapts hands to Node: an IP address must not be sent as SNI servername
    // (RFC 6066; Node warns), and the certificate must be checked against the URL's host.
    const connect = jest.spyOn(tls, 'connect');
    try {
      const s = source({ urls: [ldapsUrl], caFile: certs.caFile });
      const { entries } = await readAll(s);
      expect(entries.map((e) => e.attributes.uid?.[0]).sort()).toEqual(['t1', 't2']);
      await expect(s.verify()).resolves.toMatchObject({ ok: true, sample: 2, excluded: 0 });
      await s.close();
      const options = connect.mock.calls.map((args) => args.find((a): a is tls.ConnectionOptions => typeof a === 'object' && a !== null));
      expect(options.length).toBeGreaterThan(0);
      for (const o of options) {
        expect(isIP(o?.servername ?? '')).toBe(0);
        expect(o?.host).toBe('127.0.0.1');
      }
    } finally {
      connect.mockRestore();
    }
  });

  it('(a) also accepts the localhost name the certificate lists', async () => {
    const s = source({ urls: [ldapsUrl.replace('127.0.0.1', 'localhost')], caFile: certs.caFile });
    expect((await readAll(s)).entries).toHaveLength(2);
    await s.close();
  });

  it('(b) reads and verifies over ldap:// + StartTLS with caFile', async () => {
    const s = source({ urls: [svc.url], startTls: true, caFile: certs.caFile });
    expect((await readAll(s)).entries).toHaveLength(2);
    await expect(s.verify()).resolves.toMatchObject({ ok: true, sample: 2 });
    await s.close();
  });

  it('(b) StartTLS really negotiates TLS: without the CA the certificate is rejected', async () => {
    const err = await failure({ urls: [svc.url], startTls: true });
    expect(err).toMatchObject({ setting: 'datastore.caFile', transient: false });
    expect(err.message).toContain(svc.url);
  });

  it('(c) ldaps:// without the CA fails naming datastore.caFile, without the password', async () => {
    const err = await failure({ urls: [ldapsUrl] });
    expect(err).toMatchObject({ setting: 'datastore.caFile', transient: false });
    expect(err.message).toContain(ldapsUrl);
    expect(err.message).toMatch(/not trusted/);
  });

  it('(c) a CA that did not issue the certificate is rejected the same way', async () => {
    const err = await failure({ urls: [ldapsUrl], caFile: otherCaFile });
    expect(err).toMatchObject({ setting: 'datastore.caFile', transient: false });
  });

  it('(c) rejectUnauthorized: false connects without the CA (explicit opt-out)', async () => {
    const s = source({ urls: [ldapsUrl], rejectUnauthorized: false });
    expect((await readAll(s)).entries).toHaveLength(2);
    await s.close();
  });

  it('(d) a missing, unreadable or non-PEM caFile fails naming datastore.caFile', async () => {
    const notPem = join(dir, 'not-a-ca.txt');
    writeFileSync(notPem, 'this is not a certificate\n');
    for (const [caFile, why] of [
      [join(dir, 'no-such-ca.pem'), /ENOENT/],
      [dir, /EISDIR/],
      [notPem, /no PEM certificate/],
    ] as const) {
      for (const overrides of [{ urls: [ldapsUrl] }, { urls: [svc.url], startTls: true }]) {
        const err = await failure({ ...overrides, caFile });
        expect(err).toMatchObject({ setting: 'datastore.caFile', transient: false });
        expect(err.message).toContain(caFile);
        expect(err.message).toMatch(why);
      }
    }
  });

  it('ldaps:// pointed at the plain port fails naming datastore.urls', async () => {
    const err = await failure({ urls: [svc.url.replace('ldap://', 'ldaps://')], caFile: certs.caFile });
    expect(err.setting).toBe('datastore.urls');
  });
});
