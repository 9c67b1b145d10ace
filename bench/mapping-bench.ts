/**
 * Mapping throughput: entries mapped per second (map() end to end: lookup, conversion,
 * validation, hashing) for a plain attribute mapping, a PingFederate-style mapping with Spend
 * fields, and the same with JSONata expressions. Run: npx tsx bench/mapping-bench.ts [entries]
 */
import { compileMapping } from '../src/domain/mapping';
import type { SourceEntry } from '../src/domain/source-entry';

const N = Number(process.argv[2] ?? 100_000);

function makeEntries(n: number): SourceEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    guid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    dn: `uid=user${i},ou=people,dc=example,dc=org`,
    enabled: i % 10 !== 0,
    attributes: {
      uid: [`user${i}`],
      mail: [`user${i}@example.org`],
      givenName: [`Given${i}`],
      sn: [`Family${i}`],
      employeeNumber: [`E${i}`],
      title: ['Engineer'],
      departmentNumber: [`D${i % 50}`],
      ou: ['Research'],
      telephoneNumber: ['+1 555 0100'],
      l: ['Springfield'],
      c: ['us'],
      createTimestamp: ['20240131120000Z'],
      objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
    },
  }));
}

const plain = {
  userName: { source: 'mail', case: 'lower' as const },
  'name.givenName': { source: 'givenName' },
  'name.familyName': { source: 'sn' },
  'emails.work': { source: 'mail' },
  employeeNumber: { source: 'employeeNumber' },
  title: { source: 'title' },
  department: { source: 'ou' },
  costCenter: { source: 'departmentNumber' },
  'phoneNumbers.work': { source: 'telephoneNumber', masked: true },
  'addresses.work.locality': { source: 'l' },
  'addresses.work.country': { source: 'c' },
  startDate: { source: 'createTimestamp', createOnly: true },
};

const pingFederate = {
  loginId: { source: 'mail' },
  empId: { source: 'employeeNumber' },
  firstName: { source: 'givenName' },
  lastName: { source: 'sn' },
  emailAddress: { source: 'mail' },
  ledgerKey: { literal: 'DEFAULT' },
  crnKey: { literal: 'USD' },
  ctryCode: { source: 'c' },
  localeName: { literal: 'en_US' },
  custom1: { source: 'departmentNumber' },
  orgUnit1: { source: 'ou' },
};

const withExpressions = {
  ...plain,
  displayName: { expression: 'givenName & " " & sn' },
  externalId: { expression: '$guid' },
  'name.middleName': { expression: '$substring(givenName, 0, 1)' },
};

async function run(name: string, mapping: Record<string, unknown>, entries: SourceEntry[]): Promise<void> {
  const compiled = compileMapping(mapping, { companyId: '11111111-2222-3333-4444-555555555555' });
  for (const e of entries.slice(0, 2000)) await compiled.map(e); // warm-up (JIT)
  let failed = 0;
  const start = process.hrtime.bigint();
  for (const e of entries) if (!(await compiled.map(e)).ok) failed++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = Math.round(entries.length / seconds);
  console.log(`${name.padEnd(34)} ${String(entries.length).padStart(7)} entries  ${seconds.toFixed(2).padStart(6)} s  ${String(perSecond).padStart(7)} entries/s  (${failed} rejected)`);
}

async function main(): Promise<void> {
  const entries = makeEntries(N);
  console.log(`node ${process.version}, ${N} entries, sequential map() calls`);
  await run('plain attributes (12 fields)', plain, entries);
  await run('PingFederate aliases + Spend', pingFederate, entries);
  await run('plain + 3 JSONata expressions', withExpressions, entries);
  await run('1 JSONata expression only', { ...plain, displayName: { expression: 'givenName & " " & sn' } }, entries);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
