/**
 * The demo directory: a deterministic (seeded) population of people and groups for
 * `dc=example,dc=com` (or any suffix), written as LDIF for slapadd or added online.
 *
 * Shape (see docs/ldap.md):
 * - `ou=people`: N people with varied real-world names (accents, apostrophes, hyphens, a few
 *   longer than Concur's 32-character name limits so validation has something to catch), uid,
 *   cn, sn, givenName, mail, employeeNumber, title, departmentNumber, telephoneNumber.
 * - Account status is `employeeType: disabled` (others are `employee` or `contractor`), so the
 *   demo channel uses PingFederate's flag algorithm: attribute employeeType, disabled value
 *   `disabled`. No password-policy overlay is needed for that.
 * - `uid=concur-admin`: the Concur administrator account; the demo channel excludes it by DN.
 * - `ou=groups`: one groupOfNames per department, `travel-approvers` (managers) nested in
 *   `travel-team`, and `concur-users` = engineering + finance + travel-team (two levels of nesting)
 *   + a few direct members.
 *
 * `tsx scripts/demo-directory.ts [--people N] [--suffix DN] [--out file.ldif]` writes the LDIF.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { escapeDnValue, ldifRecord, type DirEntry } from './ldap/ldif';

export const DEFAULT_SUFFIX = 'dc=example,dc=com';
export const DEFAULT_PEOPLE = 300;
const DEFAULT_SEED = 20240601;
const DEMO_STAMP = '20260101000000Z';

export interface DemoDirectoryOptions {
  suffix?: string;
  /** Number of people besides the Concur administrator (default 300). */
  people?: number;
  seed?: number;
  /**
   * Write `memberOf` on members, as the memberof overlay would. Needed for offline loads
   * (slapadd bypasses overlays); must be off for online adds (the overlay owns the attribute).
   */
  withMemberOf?: boolean;
}

export interface DemoDirectoryCounts {
  /** People under ou=people, not counting the Concur administrator. */
  people: number;
  /** People with `employeeType: disabled`. */
  disabled: number;
  /** People whose given name or surname is longer than 32 characters. */
  longNames: number;
  /** DN of the Concur administrator account that must never be provisioned. */
  adminDn: string;
  /** Every entry written, base entries and groups included. */
  entries: number;
  /** Group DNs, parents last. */
  groups: string[];
}

export interface DemoDirectory extends DemoDirectoryCounts {
  ldif: string;
}

/** mulberry32: tiny, fast, good enough for test data, and identical on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN = [
  'José', 'Zoë', 'Ann', 'Mary-Kate', 'Jean-Luc', 'François', 'Søren', 'Łukasz', 'Björn', 'Chloé', 'Renée', 'Siobhán',
  'Nuño', 'Thérèse', 'Đorđe', 'İlkay', 'Yūki', 'Aoife', 'Mohammed', 'Priya', 'Wei', 'Olúwaṣeun', 'Andrés', 'Maëlle',
  'Jürgen', 'Zbigniew', 'Ana', 'Liam', 'Emma', 'Noah', 'Olivia', 'Lucas', 'Sofia', 'Mateo', 'Isabella', 'Hiroshi',
  'Fatima', 'Kwame', 'Ingrid', 'Dmitri', 'Camille', 'Ngozi', 'Raj', 'Elena', 'Tomás', 'Agnès', 'Håkon', 'Zoltán',
];
const SURNAMES = [
  "O'Brien", "O'Connor", "D'Angelo", 'Smith-Jones', 'García-Márquez', 'Ångström', 'Müller', 'Nguyễn', 'van der Berg',
  'MacDonald', 'Øvergaard', 'Kowalczyk', 'Šimić', 'Dubois', 'Rossi', 'Kim', 'Patel', 'Johnson', 'Okafor', 'Tanaka',
  'Fernández', 'Schröder', 'Lévesque', 'Nowak', 'Ivanova', 'Haddad', 'Andersson', 'Murphy', 'Costa', 'Yılmaz',
  'Papadopoulos', 'Ó Súilleabháin', 'Saint-Exupéry', 'Lindqvist', 'Chen', 'Singh', 'Brown', 'Williams', 'Dvořák',
];
/** Longer than Concur's 32-character limits on purpose, so mapping validation has work to do. */
const LONG_GIVEN = ['Maximiliana-Alexandrina-Josephine', 'Christopher-Bartholomew-Alexander'];
const LONG_SURNAMES = ['Wolfeschlegelsteinhausenbergerdorff', 'Montgomery-Fitzwilliam-Worthington'];
const TITLES = ['Engineer', 'Senior Engineer', 'Analyst', 'Accountant', 'Sales Representative', 'Support Specialist',
  'Marketing Lead', 'Engineering Manager', 'Finance Director', 'Sales Manager', 'Consultant', 'Travel Coordinator'];
const DEPARTMENTS = [
  { cn: 'engineering', number: 'ENG-100' },
  { cn: 'sales', number: 'SAL-200' },
  { cn: 'finance', number: 'FIN-300' },
  { cn: 'support', number: 'SUP-400' },
  { cn: 'marketing', number: 'MKT-500' },
];

/** ASCII, lower-case login built from a name: "Zoë Ångström" -> "zangstrom". */
function asciiFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[Øø]/g, 'o')
    .replace(/[Łł]/g, 'l')
    .replace(/[Đđ]/g, 'd')
    .replace(/ı/g, 'i')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** The entry a suffix names: dc=... gets dcObject + organization, o=... organization, ou=... an OU. */
export function suffixEntry(suffix: string): DirEntry {
  const m = /^\s*(dc|o|ou)\s*=\s*([^,]+)/i.exec(suffix);
  if (!m) throw new Error(`suffix "${suffix}" must start with dc=, o= or ou=`);
  const [, type, value] = m;
  switch (type.toLowerCase()) {
    case 'dc':
      return { dn: suffix, attributes: { objectClass: ['top', 'dcObject', 'organization'], dc: [value], o: [`${value} demo`] } };
    case 'o':
      return { dn: suffix, attributes: { objectClass: ['top', 'organization'], o: [value] } };
    default:
      return { dn: suffix, attributes: { objectClass: ['top', 'organizationalUnit'], ou: [value] } };
  }
}

/** The suffix entry with ou=people and ou=groups: what an empty project directory holds. */
export function baseEntries(suffix = DEFAULT_SUFFIX): DirEntry[] {
  return [
    suffixEntry(suffix),
    { dn: `ou=people,${suffix}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: ['people'] } },
    { dn: `ou=groups,${suffix}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: ['groups'] } },
  ];
}

/**
 * Every entry of the demo directory, parents before children and members before the groups
 * that hold them. Streams people one at a time; only group member DN lists are kept.
 */
export function* demoEntries(options: DemoDirectoryOptions = {}, counts?: DemoDirectoryCounts): Generator<DirEntry> {
  const suffix = options.suffix ?? DEFAULT_SUFFIX;
  const total = options.people ?? DEFAULT_PEOPLE;
  const random = seededRandom(options.seed ?? DEFAULT_SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const people = `ou=people,${suffix}`;
  const groupDn = (cn: string) => `cn=${escapeDnValue(cn)},ou=groups,${suffix}`;
  const stats: DemoDirectoryCounts = counts ?? { people: 0, disabled: 0, longNames: 0, adminDn: '', entries: 0, groups: [] };
  Object.assign(stats, { people: 0, disabled: 0, longNames: 0, entries: 0, groups: [], adminDn: `uid=concur-admin,${people}` });

  const members = new Map<string, string[]>();
  const addMember = (group: string, dn: string) => {
    const list = members.get(group) ?? [];
    list.push(dn);
    members.set(group, list);
  };
  const emit = (entry: DirEntry): DirEntry => {
    stats.entries++;
    // Offline loads (slapadd) keep given operational timestamps: stamp the directory as existing
    // since before today, as a real one would, rather than all in the second it was loaded.
    if (options.withMemberOf) Object.assign(entry.attributes, { createTimestamp: [DEMO_STAMP], modifyTimestamp: [DEMO_STAMP] });
    return entry;
  };

  for (const entry of baseEntries(suffix)) yield emit(entry);

  yield emit({
    dn: stats.adminDn,
    attributes: {
      objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
      uid: ['concur-admin'],
      cn: ['Concur Administrator'],
      sn: ['Administrator'],
      givenName: ['Concur'],
      mail: ['concur-admin@example.com'],
      employeeNumber: ['E000000'],
      employeeType: ['service'],
      title: ['Concur provisioning account'],
    },
  });

  const usedUids = new Set<string>(['concur-admin']);
  for (let i = 0; i < total; i++) {
    const longName = i % 97 === 41;
    const given = longName && i % 2 === 0 ? pick(LONG_GIVEN) : pick(GIVEN);
    const sn = longName && i % 2 === 1 ? pick(LONG_SURNAMES) : pick(SURNAMES);
    let uid = `${asciiFold(given).slice(0, 1)}${asciiFold(sn)}`.slice(0, 24);
    if (usedUids.has(uid)) uid = `${uid}${i}`;
    usedUids.add(uid);
    const dn = `uid=${uid},${people}`;
    // Every department gets a member even in tiny directories (groupOfNames needs one).
    const dept = i < DEPARTMENTS.length ? DEPARTMENTS[i] : pick(DEPARTMENTS);
    const title = i === 0 ? 'Engineering Manager' : pick(TITLES);
    const disabled = i % 25 === 7;
    const direct: string[] = [groupDn(dept.cn)];
    addMember(groupDn(dept.cn), dn);
    if (/Manager|Director/.test(title)) {
      direct.push(groupDn('travel-approvers'));
      addMember(groupDn('travel-approvers'), dn);
    } else if (random() < 0.08) {
      direct.push(groupDn('travel-team'));
      addMember(groupDn('travel-team'), dn);
    } else if (dept.cn === 'sales' && random() < 0.2) {
      direct.push(groupDn('concur-users'));
      addMember(groupDn('concur-users'), dn);
    }
    const attributes: Record<string, string[]> = {
      objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
      uid: [uid],
      cn: [`${given} ${sn}`],
      sn: [sn],
      givenName: [given],
      displayName: [`${given} ${sn}`],
      mail: [`${uid}@example.com`],
      employeeNumber: [`E${String(100000 + i)}`],
      employeeType: [disabled ? 'disabled' : random() < 0.85 ? 'employee' : 'contractor'],
      title: [title],
      departmentNumber: [dept.number],
      telephoneNumber: [`+1 555 ${String(100 + Math.floor(random() * 900))} ${String(1000 + Math.floor(random() * 9000))}`],
    };
    if (options.withMemberOf) attributes.memberOf = direct;
    stats.people++;
    if (disabled) stats.disabled++;
    if (given.length > 32 || sn.length > 32) stats.longNames++;
    yield emit({ dn, attributes });
  }

  // Nesting: travel-approvers ⊂ travel-team ⊂ concur-users; engineering, finance ⊂ concur-users.
  const parents: Record<string, string[]> = {
    'travel-approvers': ['travel-team'],
    'travel-team': ['concur-users'],
    engineering: ['concur-users'],
    finance: ['concur-users'],
  };
  addMember(groupDn('travel-team'), groupDn('travel-approvers'));
  for (const child of ['travel-team', 'engineering', 'finance']) addMember(groupDn('concur-users'), groupDn(child));
  const order = [...DEPARTMENTS.map((d) => d.cn), 'travel-approvers', 'travel-team', 'concur-users'];
  for (const cn of order) {
    const dn = groupDn(cn);
    const attributes: Record<string, string[]> = {
      objectClass: ['top', 'groupOfNames'],
      cn: [cn],
      description: [cn === 'concur-users' ? 'Everyone who gets a Concur account (nested groups included)' : `${cn} group`],
      member: members.get(dn) ?? [],
    };
    if (options.withMemberOf && parents[cn]) attributes.memberOf = parents[cn].map(groupDn);
    stats.groups.push(dn);
    yield emit({ dn, attributes });
  }
}

/** The demo directory as one LDIF string, with its counts. */
export function generateDemoDirectory(options: DemoDirectoryOptions = {}): DemoDirectory {
  const counts: DemoDirectoryCounts = { people: 0, disabled: 0, longNames: 0, adminDn: '', entries: 0, groups: [] };
  const parts: string[] = [];
  for (const entry of demoEntries(options, counts)) parts.push(ldifRecord(entry));
  return { ldif: parts.join(''), ...counts };
}

/** Streams the demo directory to an LDIF file (100k people in a few seconds, flat memory). */
export async function writeDemoLdif(path: string, options: DemoDirectoryOptions = {}): Promise<DemoDirectoryCounts> {
  const counts: DemoDirectoryCounts = { people: 0, disabled: 0, longNames: 0, adminDn: '', entries: 0, groups: [] };
  const out = createWriteStream(path, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  let chunk = '';
  for (const entry of demoEntries(options, counts)) {
    chunk += ldifRecord(entry);
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
      chunk = '';
    }
  }
  out.end(chunk);
  await Promise.race([once(out, 'finish'), failed]);
  return counts;
}

if (require.main === module) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const options: DemoDirectoryOptions = { people: Number(arg('--people') ?? DEFAULT_PEOPLE), suffix: arg('--suffix'), withMemberOf: process.argv.includes('--member-of') };
  const out = arg('--out');
  if (out) {
    writeDemoLdif(out, options)
      .then((c) => console.error(`wrote ${c.entries} entries (${c.people} people, ${c.disabled} disabled) to ${out}`))
      .catch((err: Error) => {
        console.error(err.message);
        process.exit(1);
      });
  } else {
    process.stdout.write(generateDemoDirectory(options).ldif);
  }
}
