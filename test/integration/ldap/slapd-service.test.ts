import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { freePort, ServiceStartError } from '../../../scripts/services/service';
import { startSlapd } from '../../../scripts/services/slapd';
import { generateDemoDirectory } from '../../../scripts/demo-directory';

const dir = mkdtempSync(join(tmpdir(), 'outbound-slapd-svc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function count(url: string, env: Record<string, string>, base: string, filter: string): Promise<number> {
  const client = new Client({ url });
  try {
    await client.bind(env.OUTBOUND_LDAP_BIND_DN, env.OUTBOUND_LDAP_BIND_PASSWORD);
    let n = 0;
    for await (const page of client.searchPaginated(base, { filter, attributes: ['1.1'], paged: { pageSize: 100 } })) n += page.searchEntries.length;
    return n;
  } finally {
    await client.unbind();
  }
}

describe('project-local slapd', () => {
  it('loads the demo once, keeps data across restarts, and leaves no server behind', async () => {
    const options = { port: await freePort(), dataDir: join(dir, 'persist'), logDir: join(dir, 'logs'), loadDemo: { people: 40 }, suffix: 'dc=acme,dc=test', adminPassword: 'pw-acme', log: () => {} };
    const first = await startSlapd(options);
    expect(first.env).toEqual({
      OUTBOUND_LDAP_URL: first.url,
      OUTBOUND_LDAP_PORT: String(options.port),
      OUTBOUND_LDAP_BIND_DN: 'cn=admin,dc=acme,dc=test',
      OUTBOUND_LDAP_BIND_PASSWORD: 'pw-acme',
      OUTBOUND_LDAP_BASE_DN: 'dc=acme,dc=test',
    });
    const demo = generateDemoDirectory({ people: 40, suffix: 'dc=acme,dc=test' });
    const people = 'ou=people,dc=acme,dc=test';
    expect(await count(first.url, first.env, people, '(objectClass=inetOrgPerson)')).toBe(demo.people + 1);
    // The memberof overlay is on (memberOf came from the offline load, and online changes keep it up).
    expect(await count(first.url, first.env, people, '(memberOf=cn=engineering,ou=groups,dc=acme,dc=test)')).toBeGreaterThan(0);
    const client = new Client({ url: first.url });
    await client.bind(first.env.OUTBOUND_LDAP_BIND_DN, first.env.OUTBOUND_LDAP_BIND_PASSWORD);
    await client.add(`uid=kept,${people}`, { objectClass: ['inetOrgPerson'], uid: 'kept', cn: 'Kept', sn: 'Kept' });
    await client.add('cn=new-group,ou=groups,dc=acme,dc=test', { objectClass: ['groupOfNames'], cn: 'new-group', member: [`uid=kept,${people}`] });
    await client.unbind();
    expect(await count(first.url, first.env, people, '(memberOf=cn=new-group,ou=groups,dc=acme,dc=test)')).toBe(1);
    await first.stop();
    await expect(count(first.url, first.env, people, '(uid=*)')).rejects.toThrow(/ECONNREFUSED|connect/);

    const second = await startSlapd(options);
    try {
      expect(await count(second.url, second.env, people, '(objectClass=inetOrgPerson)')).toBe(demo.people + 2);
    } finally {
      await second.stop();
    }
  });

  it('names OUTBOUND_LDAP_PORT when the port is taken', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const err = await startSlapd({ port, dataDir: join(dir, 'busy'), logDir: join(dir, 'logs'), log: () => {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceStartError);
      expect((err as Error).message).toContain('OUTBOUND_LDAP_PORT');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
