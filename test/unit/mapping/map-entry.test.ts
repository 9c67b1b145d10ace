import { compileMapping, type MapResult } from '../../../src/domain/mapping';
import type { DesiredConcurUser } from '../../../src/domain/concur-user';
import { ADA, MINIMAL_MAPPING, entry } from './fixtures';

function ok(result: MapResult): { user: DesiredConcurUser; hash: string } {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors)}`);
  return result;
}
function errors(result: MapResult) {
  if (result.ok) throw new Error('expected the entry to be rejected');
  return result.errors;
}

describe('CompiledMapping.map', () => {
  it('maps the minimal mapping to a desired user Concur accepts', async () => {
    const { user, hash } = ok(await compileMapping(MINIMAL_MAPPING, { companyId: 'company-1' }).map(entry(ADA)));
    expect(user).toEqual({
      identity: {
        userName: 'ada.lovelace@example.org',
        active: true,
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ type: 'work', value: 'ada.lovelace@example.org' }],
        enterprise: { companyId: 'company-1', employeeNumber: 'E1001' },
      },
      clear: [],
      createOnly: [],
    });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('derives active from the account status unless mapped explicitly', async () => {
    const derived = compileMapping(MINIMAL_MAPPING);
    expect(ok(await derived.map(entry(ADA, { enabled: false }))).user.identity.active).toBe(false);
    const explicit = compileMapping({ ...MINIMAL_MAPPING, active: { source: 'isActive' } });
    expect(ok(await explicit.map(entry({ ...ADA, isActive: 'FALSE' }, { enabled: true }))).user.identity.active).toBe(false);
    expect(ok(await explicit.map(entry({ ...ADA, isActive: 'y' }, { enabled: false }))).user.identity.active).toBe(true);
  });

  it('carries a PingFederate configuration over through aliases', async () => {
    const ping = compileMapping({
      loginId: { source: 'mail' },
      empId: { source: 'employeeNumber' },
      firstName: { source: 'givenName' },
      lastName: { source: 'sn' },
      mI: { source: 'initials' },
      emailAddress: { source: 'mail' },
      ledgerKey: { literal: 'DEFAULT' },
      crnKey: { literal: 'USD' },
      ctryCode: { source: 'c' },
      ctrySubCode: { source: 'st' },
      localeName: { literal: 'en_US' },
      custom1: { source: 'department' },
      orgUnit2: { literal: 'EMEA' },
      IsTestEmp: { literal: 'N' },
      active: { source: 'active' },
    });
    expect(ping.fields.map((f) => [f.configuredAs, f.field])).toContainEqual(['loginId', 'userName']);
    const { user } = ok(await ping.map(entry({ ...ADA, initials: 'B', c: 'gb', st: 'LN', department: 'R&D', active: 'Y' })));
    expect(user.identity).toMatchObject({ userName: ADA.mail, name: { givenName: 'Ada', familyName: 'Lovelace', middleName: 'B' }, enterprise: { employeeNumber: 'E1001' } });
    expect(user.spend).toEqual({
      ledgerCode: 'DEFAULT',
      reimbursementCurrency: 'USD',
      country: 'GB',
      stateProvince: 'LN',
      locale: 'en_US',
      testEmployee: false,
      customData: [
        { id: 'custom1', value: 'R&D' },
        { id: 'orgUnit2', value: 'EMEA' },
      ],
    });
    // Concur takes testEmployee only at creation.
    expect(user.createOnly).toEqual(['spend.testEmployee']);
    expect(ping.usesUps).toBe(true);
  });

  it('looks attributes up case-insensitively and takes the first value', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, title: { source: 'TITLE' } });
    const { user } = ok(await m.map(entry({ MAIL: ADA.mail, GivenName: ['Ada', 'Augusta'], SN: 'Lovelace', employeeNumber: 'E1', title: 'Countess' })));
    expect(user.identity.name.givenName).toBe('Ada');
    expect(user.identity.title).toBe('Countess');
  });

  it('sends all values of a multi-valued attribute with allValues', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, entitlements: { source: 'products', allValues: true } });
    expect(ok(await m.map(entry({ ...ADA, products: ['Expense', 'Travel', 'Expense'] }))).user.identity.entitlements).toEqual(['Expense', 'Travel']);
    const first = compileMapping({ ...MINIMAL_MAPPING, entitlements: { source: 'products' } });
    expect(ok(await first.map(entry({ ...ADA, products: ['Expense', 'Travel'] }))).user.identity.entitlements).toEqual(['Expense']);
    expect(errors(await m.map(entry({ ...ADA, products: ['Expense', 'Locate2'] })))).toEqual([expect.objectContaining({ field: 'entitlements', code: 'not-allowed' })]);
  });

  it('applies literal, trim, case and default', async () => {
    const m = compileMapping({
      ...MINIMAL_MAPPING,
      userName: { source: 'mail', case: 'lower' },
      'name.familyName': { source: 'sn', case: 'upper' },
      title: { source: 'title', trim: false },
      department: { source: 'ou', default: 'Unassigned' },
      legalEntity: { literal: 'Example Ltd' },
    });
    const { user } = ok(await m.map(entry({ ...ADA, mail: '  Ada.Lovelace@Example.ORG ', title: ' Countess ', ou: '   ' })));
    expect(user.identity.userName).toBe('ada.lovelace@example.org');
    expect(user.identity.name.familyName).toBe('LOVELACE');
    expect(user.identity.title).toBe(' Countess ');
    expect(user.identity.enterprise.department).toBe('Unassigned');
    expect(user.identity.enterprise.legalEntity).toBe('Example Ltd');
  });

  it('converts booleans and dates from common source forms', async () => {
    const m = compileMapping({
      ...MINIMAL_MAPPING,
      startDate: { source: 'hire' },
      terminationDate: { source: 'accountExpires' },
      dateOfBirth: { source: 'dob' },
      'spend.nonEmployee': { source: 'contractor' },
      ctryCode: { literal: 'US' },
      crnKey: { literal: 'USD' },
      localeName: { literal: 'en-US' },
    });
    const { user } = ok(await m.map(entry({ ...ADA, hire: '20240131120000.0+0100', accountExpires: '0', dob: '1985-12-10', contractor: 'yes' })));
    expect(user.identity.enterprise.startDate).toBe('2024-01-31T11:00:00Z');
    expect(user.identity.enterprise.terminationDate).toBeUndefined();
    expect(user.identity.dateOfBirth).toBe('1985-12-10');
    expect(user.spend?.nonEmployee).toBe(true);

    const bad = errors(await m.map(entry({ ...ADA, hire: '31/01/2024', contractor: 'perhaps' })));
    expect(bad).toEqual([
      { field: 'startDate', code: 'not-a-date', message: expect.stringMatching(/source attribute hire is not a date/) },
      { field: 'spend.nonEmployee', code: 'not-boolean', message: expect.stringMatching(/source attribute contractor is not a boolean/) },
    ]);
    const range = errors(await m.map(entry({ ...ADA, hire: '18991231' })));
    expect(range).toEqual([expect.objectContaining({ field: 'startDate', code: 'out-of-range' })]);
  });

  it('clear-when-empty: names the field in clear when the source value is gone', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, title: { source: 'title', clearWhenEmpty: true }, department: { source: 'ou' } });
    const gone = ok(await m.map(entry(ADA))).user;
    expect(gone.clear).toEqual(['title']);
    expect(gone.identity.title).toBeUndefined();
    const present = ok(await m.map(entry({ ...ADA, title: 'Countess' }))).user;
    expect(present.clear).toEqual([]);
    // A literal "" with clearWhenEmpty always clears.
    const always = compileMapping({ ...MINIMAL_MAPPING, nickName: { literal: '', clearWhenEmpty: true } });
    expect(ok(await always.map(entry(ADA))).user.clear).toEqual(['nickName']);
  });

  it('create-only: lists the field, keeps the value for the create', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, 'phoneNumbers.mobile': { source: 'mobile', createOnly: true } });
    const { user } = ok(await m.map(entry({ ...ADA, mobile: '+44 20 7946 0000' })));
    expect(user.createOnly).toEqual(['phoneNumbers.mobile']);
    expect(user.identity.phoneNumbers).toEqual([{ type: 'mobile', value: '+44 20 7946 0000' }]);
  });

  it('builds typed arrays in catalogue order whatever the configuration order', async () => {
    const a = compileMapping({ 'addresses.work.country': { literal: 'gb' }, 'emails.home': { source: 'home' }, 'addresses.work.locality': { literal: 'London' }, ...MINIMAL_MAPPING });
    const b = compileMapping({ ...MINIMAL_MAPPING, 'addresses.work.locality': { literal: 'London' }, 'emails.home': { source: 'home' }, 'addresses.work.country': { literal: 'gb' } });
    const e = entry({ ...ADA, home: 'ada@home.example' });
    const [ra, rb] = [ok(await a.map(e)), ok(await b.map(e))];
    expect(ra.user.identity.emails.map((x) => x.type)).toEqual(['work', 'home']);
    expect(ra.user.identity.addresses).toEqual([{ type: 'work', locality: 'London', country: 'GB' }]);
    expect(ra.hash).toBe(rb.hash);
  });

  it('reports every problem of an entry by field, with no values in messages', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, costCenter: { source: 'cc' } });
    const secret = 'x'.repeat(40);
    const result = errors(await m.map(entry({ mail: `bad user${secret}`, givenName: secret, employeeNumber: 'E1', cc: secret })));
    expect(result.map((e) => [e.field, e.code])).toEqual([
      ['userName', 'invalid-format'],
      ['name.givenName', 'too-long'],
      ['name.familyName', 'required'],
      ['emails.work', 'invalid-format'],
      ['costCenter', 'too-long'],
    ]);
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('one bad entry does not affect the next', async () => {
    const m = compileMapping(MINIMAL_MAPPING);
    expect((await m.map(entry({ ...ADA, sn: '' }))).ok).toBe(false);
    expect((await m.map(entry(ADA))).ok).toBe(true);
  });
});

describe('CompiledMapping.map: hostile values', () => {
  const m = compileMapping({ ...MINIMAL_MAPPING, title: { source: 'title' }, department: { source: '__proto__' }, division: { source: 'constructor' } });

  it('handles very long strings without echoing them', async () => {
    const long = 'A'.repeat(1_000_000);
    const result = errors(await m.map(entry({ ...ADA, title: long, givenName: long })));
    expect(result.map((e) => e.field)).toEqual(['title', 'name.givenName']);
    expect(JSON.stringify(result).length).toBeLessThan(1000);
  });

  it('counts unicode characters, not UTF-16 units', async () => {
    const emoji = '😀'.repeat(32); // 64 UTF-16 units, 32 characters
    expect(ok(await m.map(entry({ ...ADA, givenName: emoji, sn: 'Łukasiewicz-Ñoño' }))).user.identity.name.givenName).toBe(emoji);
    expect(errors(await m.map(entry({ ...ADA, givenName: emoji + '😀' })))[0]).toMatchObject({ field: 'name.givenName', code: 'too-long' });
  });

  it('rejects control characters and LDAP-filter-looking userNames', async () => {
    expect(errors(await m.map(entry({ ...ADA, sn: 'Love\u0000lace' })))[0]).toMatchObject({ field: 'name.familyName', code: 'invalid-character' });
    const filter = errors(await m.map(entry({ ...ADA, mail: '*)(uid=*' })));
    expect(filter.map((e) => [e.field, e.code])).toEqual([
      ['userName', 'invalid-character'],
      ['userName', 'invalid-format'],
      ['emails.work', 'invalid-format'],
    ]);
    // As plain data it is just text where text is allowed.
    expect(ok(await m.map(entry({ ...ADA, title: '*)(uid=*' }))).user.identity.title).toBe('*)(uid=*');
  });

  it('treats prototype-like attribute names as ordinary attributes', async () => {
    const attributes = JSON.parse(`{"__proto__": ["Polluted"], "constructor": ["Ctor"], "mail": ["${ADA.mail}"], "givenName": ["Ada"], "sn": ["Lovelace"], "employeeNumber": ["E1"]}`);
    const { user } = ok(await m.map({ guid: 'g', dn: 'd', enabled: true, attributes }));
    expect(user.identity.enterprise.department).toBe('Polluted');
    expect(user.identity.enterprise.division).toBe('Ctor');
    expect(({} as Record<string, unknown>).department).toBeUndefined();
    // Absent, they are absent: nothing inherited from Object.prototype.
    const plain = ok(await m.map(entry(ADA))).user;
    expect(plain.identity.enterprise.department).toBeUndefined();
    expect(plain.identity.enterprise.division).toBeUndefined();
  });

  it('ignores non-text values a faulty datastore might hand over', async () => {
    const attributes = { ...entry(ADA).attributes, title: [42, null, 'Countess'] as unknown as string[] };
    expect(ok(await m.map({ guid: 'g', dn: 'd', enabled: true, attributes })).user.identity.title).toBe('Countess');
  });
});
