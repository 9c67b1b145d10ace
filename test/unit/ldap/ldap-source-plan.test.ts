import { planLdapSource } from '../../../src/datastores/ldap-source-plan';
import { mapLdapEntry } from '../../../src/datastores/ldap-entry-mapper';
import { namingContextOf } from '../../../src/datastores/ldap-group-scope';
import { Exclusion, LdapSourceSettings, SourceLocation } from '../../../src/domain/config/source-settings';

const channel = (source: object = {}, location: object = {}, exclusion: object = {}) => ({
  source: LdapSourceSettings.parse({ kind: 'ldap', ...source }),
  location: SourceLocation.parse({ baseDn: 'ou=people,dc=x', ...location }),
  exclusion: Exclusion.parse(exclusion),
});

describe('LDAP source plan', () => {
  it('narrows the location filter to the user object class and requests operational attributes', () => {
    const plan = planLdapSource(channel({ accountStatus: { algorithm: 'flag', attribute: 'employeeType', disabledValue: 'disabled' } }, { filter: 'departmentNumber=ENG*' }));
    expect(plan.userFilter).toBe('(&(objectClass=inetOrgPerson)(departmentNumber=ENG*))');
    expect(plan.extraAttributes).toEqual(['entryUUID', 'memberOf', 'employeeType']);
  });

  it.each([
    [{ guidAttribute: 'entry uuid' }, {}, {}, 'channel.source.guidAttribute'],
    [{ userObjectClass: 'person)(x=*' }, {}, {}, 'channel.source.userObjectClass'],
    [{ accountStatus: { algorithm: 'flag', attribute: '', disabledValue: 'x' } }, {}, {}, 'channel.source.accountStatus.attribute'],
    [{}, { filter: '(uid=a' }, {}, 'channel.location.filter'],
    [{}, { groupFilter: '(cn=a)' }, {}, 'channel.location.groupFilter'],
    [{}, {}, { filter: '(' }, 'channel.exclusion.filter'],
    [{}, {}, { attribute: { name: 'a b', values: ['x'] } }, 'channel.exclusion.attribute.name'],
  ])('rejects bad settings (%#) naming %p', (source, location, exclusion, setting) => {
    expect(() => planLdapSource(channel(source, location, exclusion))).toThrow(expect.objectContaining({ setting }));
  });

  it('maps entries: GUID, status, marker; drops secrets and absent attributes', () => {
    const settings = LdapSourceSettings.parse({ kind: 'ldap', guidAttribute: 'objectGUID', guidType: 'binary', accountStatus: { algorithm: 'active-directory' } });
    const entry = mapLdapEntry(
      { dn: 'cn=a,dc=x', objectGUID: Buffer.alloc(16, 1), userAccountControl: '514', cn: ['A', 'Å'], userPassword: 'secret', whenChanged: '20240101000000.0Z', mail: [] },
      { settings, markerAttribute: 'whenChanged' },
    );
    expect(entry).toEqual({
      guid: '01010101-0101-0101-0101-010101010101',
      dn: 'cn=a,dc=x',
      enabled: false,
      changeMarker: '20240101000000.0Z',
      attributes: { objectGUID: ['01010101-0101-0101-0101-010101010101'], userAccountControl: ['514'], cn: ['A', 'Å'], whenChanged: ['20240101000000.0Z'] },
    });
    expect(mapLdapEntry({ dn: 'cn=b', objectGUID: [] }, { settings })).toBeUndefined();
  });

  it('finds the naming context holding a DN', () => {
    expect(namingContextOf('cn=g,ou=groups,DC=Example,dc=com', ['dc=other', 'dc=example,dc=com', 'dc=com'])).toBe('dc=example,dc=com');
    expect(namingContextOf('cn=g,dc=nowhere', ['dc=example,dc=com'])).toBe('dc=example,dc=com');
    expect(namingContextOf('cn=g', [])).toBeUndefined();
  });
});
