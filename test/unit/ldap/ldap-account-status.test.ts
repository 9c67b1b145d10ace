import { accountEnabled, statusAttribute } from '../../../src/datastores/ldap-account-status';
import { LdapSourceSettings } from '../../../src/domain/config/source-settings';

const settings = (extra: object) => LdapSourceSettings.parse({ kind: 'ldap', ...extra });

describe('account status', () => {
  it('flag: disabled when a value equals the disabled value, case-insensitively; default when absent', () => {
    const s = settings({ accountStatus: { algorithm: 'flag', attribute: 'employeeType', disabledValue: 'Disabled' } });
    expect(statusAttribute(s)).toBe('employeeType');
    expect(accountEnabled(['employee'], s)).toBe(true);
    expect(accountEnabled(['DISABLED'], s)).toBe(false);
    expect(accountEnabled(['contractor', 'disabled '], s)).toBe(false);
    expect(accountEnabled([], s)).toBe(true);
    expect(accountEnabled([], { ...s, defaultStatus: 'disabled' })).toBe(false);
  });

  it('active-directory: bit 0x2 of userAccountControl', () => {
    const s = settings({ accountStatus: { algorithm: 'active-directory' } });
    expect(statusAttribute(s)).toBe('userAccountControl');
    expect(accountEnabled(['512'], s)).toBe(true); // NORMAL_ACCOUNT
    expect(accountEnabled(['514'], s)).toBe(false); // NORMAL_ACCOUNT | ACCOUNTDISABLE
    expect(accountEnabled(['66050'], s)).toBe(false); // + DONT_EXPIRE_PASSWORD
    expect(accountEnabled(['66048'], s)).toBe(true);
    expect(accountEnabled(['garbage'], { ...s, defaultStatus: 'disabled' })).toBe(false);
    expect(accountEnabled([], s)).toBe(true);
  });

  it('none: the default status', () => {
    expect(accountEnabled(['x'], settings({}))).toBe(true);
    expect(accountEnabled([], settings({ defaultStatus: 'disabled' }))).toBe(false);
    expect(statusAttribute(settings({}))).toBeUndefined();
  });

  it('flag with a comparison status: the value means enabled or disabled; one value form only', () => {
    const enabledBy = settings({ accountStatus: { algorithm: 'flag', attribute: 'employeeType', comparisonValue: 'Active', comparisonStatus: 'enabled' } });
    expect(accountEnabled(['ACTIVE'], enabledBy)).toBe(true);
    expect(accountEnabled(['retired'], enabledBy)).toBe(false);
    expect(accountEnabled([], enabledBy)).toBe(true); // absent: the default status
    const disabledBy = settings({ accountStatus: { algorithm: 'flag', attribute: 'employeeType', comparisonValue: 'retired' } });
    expect(accountEnabled(['retired'], disabledBy)).toBe(false);
    expect(accountEnabled(['active'], disabledBy)).toBe(true);
    const bad = (a: object) => LdapSourceSettings.safeParse({ kind: 'ldap', accountStatus: { algorithm: 'flag', attribute: 'x', ...a } });
    expect(bad({}).error?.issues[0].path).toEqual(['accountStatus', 'comparisonValue']);
    expect(bad({ comparisonValue: 'a', disabledValue: 'b' }).success).toBe(false);
    expect(bad({ disabledValue: 'b', comparisonStatus: 'enabled' }).error?.issues[0].path).toEqual(['accountStatus', 'comparisonStatus']);
  });

  it('refuses a timestamp attribute the change-detection algorithm would not read, naming the fields', () => {
    const r = LdapSourceSettings.safeParse({ kind: 'ldap', changeDetection: 'active-directory-usn', timestampAttribute: 'modifyTimestamp' });
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['timestampAttribute', expect.stringContaining('changeDetection')]]);
    expect(LdapSourceSettings.safeParse({ kind: 'ldap', changeDetection: 'timestamp-no-negation', timestampAttribute: 'modifyTimestamp' }).success).toBe(true);
  });
});
