import { validateConcurUser } from '../../../src/domain/concur-validation';
import type { DesiredConcurUser } from '../../../src/domain/concur-user';

function valid(): DesiredConcurUser {
  return {
    identity: {
      userName: 'ada@example.org',
      active: true,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ type: 'work', value: 'ada@example.org' }],
      enterprise: { companyId: 'c', employeeNumber: 'E1' },
    },
    clear: [],
    createOnly: [],
  };
}
const codes = (u: DesiredConcurUser) => validateConcurUser(u).map((i) => `${i.field}:${i.code}`);

describe('validateConcurUser', () => {
  it('accepts a minimal valid user', () => {
    expect(validateConcurUser(valid())).toEqual([]);
  });

  it('requires userName, names and an email', () => {
    const u = valid();
    u.identity.userName = '';
    u.identity.name = { givenName: '', familyName: '' };
    u.identity.emails = [];
    expect(codes(u)).toEqual(['userName:required', 'name.givenName:required', 'name.familyName:required', 'emails.work:required']);
  });

  it.each([...`%[]#!*&()~'{^}\\/?><,;:"+=|`])('forbids %s in userName', (ch) => {
    const u = valid();
    u.identity.userName = `ada${ch}x@example.org`;
    expect(codes(u)).toContain('userName:invalid-character');
  });

  it.each(['ada', 'ada@', '@example.org', 'a@b@c', 'ada lovelace@example.org'])('requires user@domain: %s', (name) => {
    const u = valid();
    u.identity.userName = name;
    expect(codes(u)).toContain('userName:invalid-format');
  });

  it('enforces the documented lengths (at the limit passes, one over fails)', () => {
    const limits: Array<[string, (u: DesiredConcurUser, v: string) => void, number]> = [
      ['name.givenName', (u, v) => (u.identity.name.givenName = v), 32],
      ['name.familyName', (u, v) => (u.identity.name.familyName = v), 32],
      ['name.middleName', (u, v) => (u.identity.name.middleName = v), 60],
      ['displayName', (u, v) => (u.identity.displayName = v), 60],
      ['nickName', (u, v) => (u.identity.nickName = v), 60],
      ['title', (u, v) => (u.identity.title = v), 255],
      ['employeeNumber', (u, v) => (u.identity.enterprise.employeeNumber = v), 48],
      ['costCenter', (u, v) => (u.identity.enterprise.costCenter = v), 25],
      ['division', (u, v) => (u.identity.enterprise.division = v), 48],
      ['emails.work', (u, v) => (u.identity.emails[0].value = `${v.slice(12)}@example.org`), 255],
      ['spend.ledgerCode', (u, v) => (u.spend = { reimbursementCurrency: 'USD', country: 'US', locale: 'en-US', ledgerCode: v }), 20],
      ['addresses.work.locality', (u, v) => (u.identity.addresses = [{ type: 'work', locality: v }]), 30],
      ['addresses.work.postalCode', (u, v) => (u.identity.addresses = [{ type: 'work', postalCode: v }]), 20],
    ];
    for (const [field, set, max] of limits) {
      const atLimit = valid();
      set(atLimit, 'x'.repeat(max));
      expect([field, codes(atLimit)]).toEqual([field, []]);
      const over = valid();
      set(over, 'x'.repeat(max + 1));
      expect([field, codes(over)]).toEqual([field, [`${field}:too-long`]]);
    }
  });

  it('checks codes, enums and formats', () => {
    const u = valid();
    u.spend = { reimbursementCurrency: 'US', country: 'usa', locale: 'english', stateProvince: 'US-WA', budgetCountryCode: 'X', reimbursementType: 'CASH' as never };
    u.identity.timezone = 'Mars/Olympus';
    u.identity.preferredLanguage = 'English';
    u.identity.addresses = [{ type: 'home', country: 'gb' }];
    u.identity.entitlements = ['Expense', 'Expense', 'Teleport'];
    u.travel = { ruleClass: { id: 'abc' } };
    expect(codes(u).sort()).toEqual(
      [
        'preferredLanguage:invalid-format',
        'timezone:invalid-format',
        'entitlements:duplicate-type',
        'entitlements:not-allowed',
        'addresses.home.country:invalid-format',
        'spend.reimbursementCurrency:invalid-format',
        'spend.country:invalid-format',
        'spend.stateProvince:invalid-format',
        'spend.locale:invalid-format',
        'spend.reimbursementType:not-allowed',
        'spend.budgetCountryCode:invalid-format',
        'travel.ruleClassId:invalid-format',
      ].sort(),
    );
    const fine = valid();
    fine.identity.timezone = 'Europe/London';
    fine.identity.preferredLanguage = 'en-GB';
    fine.spend = { reimbursementCurrency: 'GBP', country: 'GB', locale: 'en_GB', stateProvince: 'LN', reimbursementType: 'CONCUR_PAY' };
    expect(codes(fine)).toEqual([]);
  });

  it('allows one email, phone and address per type', () => {
    const u = valid();
    u.identity.emails.push({ type: 'work', value: 'b@example.org' });
    u.identity.phoneNumbers = [
      { type: 'mobile', value: '1' },
      { type: 'mobile', value: '2' },
    ];
    u.identity.addresses = [{ type: 'work' }, { type: 'moon' as never }];
    expect(codes(u)).toEqual(['emails.work:duplicate-type', 'phoneNumbers.mobile:duplicate-type', 'addresses:not-allowed']);
  });

  it('checks dates: format and the 1900-01-01..2079-06-06 range', () => {
    const cases: Array<[string, string[]]> = [
      ['2024-01-31T12:00:00Z', []],
      ['1900-01-01T00:00:00Z', []],
      ['2079-06-06T00:00:00Z', []],
      ['1899-12-31T23:59:59Z', ['startDate:out-of-range']],
      ['2079-06-07T00:00:00Z', ['startDate:out-of-range']],
      ['2024-02-30T00:00:00Z', ['startDate:invalid-format']],
      ['2024-01-31', ['startDate:invalid-format']],
    ];
    for (const [value, expected] of cases) {
      const u = valid();
      u.identity.enterprise.startDate = value;
      expect([value, codes(u)]).toEqual([value, expected]);
    }
    const u = valid();
    u.identity.dateOfBirth = '1985-12-10T00:00:00Z';
    expect(codes(u)).toEqual(['dateOfBirth:invalid-format']);
  });

  it('requires the Spend profile fields when Spend data is sent, and known custom ids once', () => {
    const u = valid();
    u.spend = { ledgerCode: 'L', customData: [{ id: 'custom22', value: 'x' }, { id: 'custom1', value: 'a' }, { id: 'custom1', value: 'b' }] };
    expect(codes(u)).toEqual(['spend.reimbursementCurrency:required', 'spend.country:required', 'spend.locale:required', 'spend.customData:not-allowed', 'spend.custom1:duplicate-type']);
  });

  it('never puts values in messages', () => {
    const u = valid();
    u.identity.userName = 'secret-value#@example.org';
    u.identity.name.givenName = 'secret-value'.repeat(5);
    const text = JSON.stringify(validateConcurUser(u));
    expect(text).not.toContain('secret-value');
  });
});
