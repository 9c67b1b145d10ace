import { andFilters, checkAttributeName, equalityFilter, escapeFilterValue, greaterOrEqualFilter, orFilters, parseFilterSetting } from '../../../src/datastores/ldap-filter';
import { LdapDatastoreError } from '../../../src/datastores/ldap-datastore-error';
import { FilterParser } from 'ldapts';

describe('LDAP filter text', () => {
  it('escapes the RFC 4515 special characters in values', () => {
    expect(escapeFilterValue('*)(uid=*')).toBe('\\2a\\29\\28uid=\\2a');
    expect(escapeFilterValue('a\\b\0c')).toBe('a\\5cb\\00c');
    expect(escapeFilterValue("Zoë O'Brien")).toBe("Zoë O'Brien");
    expect(escapeFilterValue(Buffer.from([0x00, 0x7f, 0xff]))).toBe('\\00\\7f\\ff');
  });

  it('keeps hostile values inside one assertion', () => {
    const filter = andFilters('(objectClass=person)', equalityFilter('uid', '*)(|(uid=*'));
    const parsed = FilterParser.parseString(filter) as unknown as { filters: Array<{ attribute: string; value: string }> };
    expect(parsed.filters).toHaveLength(2);
    expect(parsed.filters[1]).toMatchObject({ attribute: 'uid', value: '*)(|(uid=*' });
    expect(greaterOrEqualFilter('modifyTimestamp', '2024*')).toBe('(modifyTimestamp>=2024\\2a)');
    expect(orFilters(['(a=1)'])).toBe('(a=1)');
    expect(orFilters(['(a=1)', '(b=2)'])).toBe('(|(a=1)(b=2))');
    expect(andFilters(undefined, '(a=1)')).toBe('(a=1)');
  });

  it('accepts valid filters and wraps a bare assertion', () => {
    expect(parseFilterSetting('uid=jdoe', 's')).toBe('(uid=jdoe)');
    expect(parseFilterSetting(' (&(objectClass=user)(!(cn=a\\29b))) ', 's')).toBe('(&(objectClass=user)(!(cn=a\\29b)))');
    expect(parseFilterSetting('(memberOf:1.2.840.113556.1.4.1941:=cn=g,dc=x)', 's')).toBe('(memberOf:1.2.840.113556.1.4.1941:=cn=g,dc=x)');
  });

  it.each([
    ['', /empty/],
    ['(&(uid=a)(cn=b)', /unclosed/],
    ['(uid=a))', /text after the closing/],
    [')(uid=a)', /text after the closing/],
    ['(uid=a)(cn=b)', /text after/],
    ['(uid=\\zz)', /hex/],
    ['(=a)', /attribute/],
  ])('rejects %p naming the setting', (text, why) => {
    let error: unknown;
    try {
      parseFilterSetting(text, 'channel.location.filter');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LdapDatastoreError);
    expect(error).toMatchObject({ setting: 'channel.location.filter' });
    expect((error as Error).message).toMatch(why);
  });

  it('checks attribute names from configuration', () => {
    expect(checkAttributeName('objectGUID', 's')).toBe('objectGUID');
    expect(checkAttributeName('cn;lang-en', 's')).toBe('cn;lang-en');
    expect(checkAttributeName('2.5.4.3', 's')).toBe('2.5.4.3');
    for (const bad of ['', 'a b', 'uid)(x', '1abc', 'cn=x']) expect(() => checkAttributeName(bad, 'channel.source.guidAttribute')).toThrow(/channel\.source\.guidAttribute/);
  });
});
