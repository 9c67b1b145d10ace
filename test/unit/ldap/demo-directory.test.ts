import { generateDemoDirectory, writeDemoLdif, seededRandom } from '../../../scripts/demo-directory';
import { ldifLine } from '../../../scripts/ldap/ldif';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Decodes `name:: base64` lines so the tests read values as slapadd will. */
function values(ldif: string, name: string): string[] {
  const out: string[] = [];
  for (const line of ldif.split('\n')) {
    if (line.startsWith(`${name}: `)) out.push(line.slice(name.length + 2));
    else if (line.startsWith(`${name}:: `)) out.push(Buffer.from(line.slice(name.length + 3), 'base64').toString('utf8'));
  }
  return out;
}

describe('demo directory', () => {
  it('is deterministic for a seed, and differs for another', () => {
    expect(generateDemoDirectory().ldif).toBe(generateDemoDirectory().ldif);
    expect(generateDemoDirectory({ seed: 2 }).ldif).not.toBe(generateDemoDirectory().ldif);
    const r = seededRandom(1);
    expect([r(), r()]).toEqual([seededRandom(1)(), expect.any(Number)]);
  });

  it('has 300 varied people, disabled accounts, long names, the Concur administrator and nested groups', () => {
    const demo = generateDemoDirectory();
    expect(demo).toMatchObject({ people: 300, adminDn: 'uid=concur-admin,ou=people,dc=example,dc=com' });
    expect(demo.disabled).toBeGreaterThanOrEqual(5);
    expect(demo.longNames).toBeGreaterThanOrEqual(2);
    expect(values(demo.ldif, 'employeeType').filter((v) => v === 'disabled')).toHaveLength(demo.disabled);
    const names = [...values(demo.ldif, 'givenName'), ...values(demo.ldif, 'sn')];
    for (const sample of ["O'", 'Ångström', 'Zoë', 'José', '-']) expect(names.some((n) => n.includes(sample))).toBe(true);
    expect(names.some((n) => n.length > 32)).toBe(true);
    const uids = values(demo.ldif, 'uid');
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids.every((u) => /^[a-z0-9-]+$/.test(u))).toBe(true);
    expect(values(demo.ldif, 'mail').every((m) => /^[a-z0-9-]+@example\.com$/.test(m))).toBe(true);
    expect(values(demo.ldif, 'member')).toEqual(expect.arrayContaining(['cn=travel-approvers,ou=groups,dc=example,dc=com', 'cn=travel-team,ou=groups,dc=example,dc=com']));
    expect(demo.groups).toHaveLength(8);
    expect(values(demo.ldif, 'memberOf')).toEqual([]); // only for offline loads
    expect(values(generateDemoDirectory({ people: 10, withMemberOf: true }).ldif, 'memberOf').length).toBeGreaterThan(10);
  });

  it('base64-encodes values that are not LDIF safe strings', () => {
    expect(ldifLine('sn', "O'Brien")).toBe("sn: O'Brien");
    expect(ldifLine('sn', 'Zoë')).toBe(`sn:: ${Buffer.from('Zoë').toString('base64')}`);
    expect(ldifLine('cn', ' leading')).toMatch(/^cn:: /);
    expect(ldifLine('cn', ':colon')).toMatch(/^cn:: /);
    expect(ldifLine('cn', 'trailing ')).toMatch(/^cn:: /);
  });

  it('streams large directories to a file with the same content as in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbound-demo-'));
    try {
      const counts = await writeDemoLdif(join(dir, 'x.ldif'), { people: 5000 });
      expect(counts).toMatchObject({ people: 5000, entries: 5000 + 4 + 8 });
      expect(readFileSync(join(dir, 'x.ldif'), 'utf8')).toBe(generateDemoDirectory({ people: 5000 }).ldif);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
