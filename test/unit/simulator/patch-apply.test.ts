import { applyPatch, parsePatchPath } from '../../../simulators/concur/patch-apply';
import { ConcurApiError } from '../../../simulators/concur/concur-error';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const base = () => ({
  userName: 'ada@example.org',
  active: true,
  title: 'Countess',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [{ type: 'work', value: 'ada@example.org' }],
  [ENT]: { companyId: 'c1', employeeNumber: 'E1' },
});

describe('PATCH application', () => {
  it('replaces dotted sub-attributes and leaves the input untouched', () => {
    const input = base();
    const out = applyPatch(input, [{ op: 'replace', path: 'name.familyName', value: 'King' }]);
    expect(out.name).toEqual({ givenName: 'Ada', familyName: 'King' });
    expect(input.name.familyName).toBe('Lovelace');
  });

  it('writes extension attributes by URN path (soft deprovision)', () => {
    const out = applyPatch(base(), [
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: `${ENT}:terminationDate`, value: '2026-01-31T00:00:00Z' },
    ]);
    expect(out.active).toBe(false);
    expect(out[ENT]).toMatchObject({ employeeNumber: 'E1', terminationDate: '2026-01-31T00:00:00Z' });
  });

  it('addresses multi-valued elements by value filter, and upserts a missing one', () => {
    let out = applyPatch(base(), [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.org' }]);
    expect(out.emails).toEqual([{ type: 'work', value: 'new@example.org' }]);
    out = applyPatch(out, [{ op: 'add', path: 'emails[type eq "home"].value', value: 'h@example.org' }]);
    expect(out.emails).toEqual([
      { type: 'work', value: 'new@example.org' },
      { type: 'home', value: 'h@example.org' },
    ]);
    out = applyPatch(out, [{ op: 'remove', path: 'emails[type eq "work"]' }]);
    expect(out.emails).toEqual([{ type: 'home', value: 'h@example.org' }]);
  });

  it('adds to multi-valued attributes without duplicates and replaces whole arrays', () => {
    let out = applyPatch(base(), [{ op: 'add', path: 'emails', value: [{ type: 'work', value: 'ada@example.org' }, { type: 'home', value: 'h@x.org' }] }]);
    expect(out.emails).toHaveLength(2);
    out = applyPatch(out, [{ op: 'replace', path: 'emails', value: [{ type: 'other', value: 'o@x.org' }] }]);
    expect(out.emails).toEqual([{ type: 'other', value: 'o@x.org' }]);
  });

  it('clears with remove, null or empty string', () => {
    expect(applyPatch(base(), [{ op: 'remove', path: 'title' }])).not.toHaveProperty('title');
    expect(applyPatch(base(), [{ op: 'replace', path: 'title', value: null }])).not.toHaveProperty('title');
    expect(applyPatch(base(), [{ op: 'replace', path: 'title', value: '' }])).not.toHaveProperty('title');
    expect(applyPatch(base(), [{ op: 'remove', path: `${ENT}:employeeNumber` }])[ENT]).toEqual({ companyId: 'c1' });
  });

  it('applies path-less add/replace with attribute maps and extension objects', () => {
    const out = applyPatch(base(), [{ op: 'replace', value: { active: false, 'name.givenName': 'Augusta', [ENT]: { costCenter: 'CC1' } } }]);
    expect(out).toMatchObject({ active: false, name: { givenName: 'Augusta', familyName: 'Lovelace' } });
    expect(out[ENT]).toMatchObject({ companyId: 'c1', employeeNumber: 'E1', costCenter: 'CC1' });
  });

  it('is case-insensitive on attribute names', () => {
    expect(applyPatch(base(), [{ op: 'replace', path: 'NAME.GIVENNAME', value: 'A' }]).name).toEqual({ givenName: 'A', familyName: 'Lovelace' });
  });

  it('rejects remove without path, read-only attributes, bad paths and unmatched complex filters', () => {
    const bad = (ops: Parameters<typeof applyPatch>[1], scimType: string) => {
      try {
        applyPatch(base(), ops);
        throw new Error('expected a rejection');
      } catch (err) {
        expect(err).toBeInstanceOf(ConcurApiError);
        expect((err as ConcurApiError).scimType).toBe(scimType);
      }
    };
    bad([{ op: 'remove' }], 'noTarget');
    bad([{ op: 'replace', path: 'id', value: 'x' }], 'mutability');
    bad([{ op: 'replace', path: 'name..x', value: 'x' }], 'invalidPath');
    bad([{ op: 'replace', path: 'urn:unknown:thing:attr', value: 'x' }], 'invalidPath');
    bad([{ op: 'replace', path: 'emails[value co "zzz"].value', value: 'x' }], 'noTarget');
  });

  it('parses filtered paths with a trailing sub-attribute', () => {
    expect(parsePatchPath('emails[type eq "work"].value')).toMatchObject({ path: { attr: 'emails' }, sub: 'value' });
  });
});
