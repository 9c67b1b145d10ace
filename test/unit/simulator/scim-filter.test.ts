import { parseFilter, InvalidFilterError } from '../../../simulators/concur/scim-filter';
import { compileFilter, matchesFilter } from '../../../simulators/concur/scim-filter-match';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ada = {
  id: '11111111-2222-3333-4444-555555555555',
  userName: 'Ada.Lovelace@example.org',
  active: true,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [
    { type: 'work', value: 'ada@example.org' },
    { type: 'home', value: 'ada@home.example' },
  ],
  meta: { created: '2025-01-02T03:04:05Z' },
  [ENT]: { employeeNumber: 'E1001', manager: { value: 'm-1' } },
};

describe('SCIM filter parser', () => {
  it('gives NOT > AND > OR precedence', () => {
    const f = parseFilter('active eq true or userName sw "x" and not (nickName pr)');
    expect(f.kind).toBe('or');
    if (f.kind !== 'or') throw new Error('unreachable');
    expect(f.right.kind).toBe('and');
  });

  it('parses extension URN paths with dots in the version', () => {
    const f = parseFilter(`${ENT}:employeeNumber eq "E1001"`);
    expect(f).toEqual({ kind: 'compare', path: { urn: ENT, attr: 'employeeNumber', sub: undefined }, op: 'eq', value: 'E1001' });
  });

  it('parses value filters, escapes and bare UUIDs', () => {
    expect(parseFilter('emails[type eq "work" and value co "@"]').kind).toBe('valuePath');
    expect(parseFilter('userName eq "a\\"b"')).toMatchObject({ value: 'a"b' });
    expect(parseFilter('id eq 11111111-2222-3333-4444-555555555555')).toMatchObject({ value: '11111111-2222-3333-4444-555555555555' });
  });

  it.each([
    ['', 'empty'],
    ['userName eq', 'expected a value'],
    ['userName xx "a"', 'operator'],
    ['(userName eq "a"', ')'],
    ['userName eq "a', 'unterminated'],
    ['emails[type ne "work"]', 'ne'],
    ['emails[type eq "a" or type eq "b"]', 'or'],
    ['emails[not (type eq "a")]', 'not'],
    ['userName eq unquoted', 'quoted'],
  ])('rejects %j', (src, why) => {
    expect(() => parseFilter(src)).toThrow(InvalidFilterError);
    expect(() => parseFilter(src)).toThrow(why);
  });
});

describe('SCIM filter matching', () => {
  const m = (f: string) => matchesFilter(ada, compileFilter(f));

  it('compares strings case-insensitively with every operator', () => {
    expect(m('userName eq "ada.lovelace@EXAMPLE.org"')).toBe(true);
    expect(m('userName ne "someone@else"')).toBe(true);
    expect(m('userName co "LOVE"')).toBe(true);
    expect(m('userName sw "ada."')).toBe(true);
    expect(m('userName ew ".org"')).toBe(true);
    expect(m('meta.created gt "2025-01-01T00:00:00Z"')).toBe(true);
    expect(m('meta.created ge "2025-01-02T03:04:05Z"')).toBe(true);
    expect(m('meta.created lt "2025-01-01T00:00:00Z"')).toBe(false);
    expect(m('meta.created le "2025-01-02T03:04:05Z"')).toBe(true);
  });

  it('handles booleans, presence, multi-valued and value paths', () => {
    expect(m('active eq true')).toBe(true);
    expect(m('active eq false')).toBe(false);
    expect(m('name.givenName pr')).toBe(true);
    expect(m('nickName pr')).toBe(false);
    expect(m('emails.value eq "ada@home.example"')).toBe(true);
    expect(m('emails[type eq "work" and value eq "ada@example.org"]')).toBe(true);
    expect(m('emails[type eq "work" and value eq "ada@home.example"]')).toBe(false);
    expect(m(`${ENT}:manager.value eq "m-1"`)).toBe(true);
  });

  it('combines with and/or/not and grouping', () => {
    expect(m('not (active eq false) and (userName eq "x" or name.familyName eq "lovelace")')).toBe(true);
    expect(m('active eq false or not (userName pr)')).toBe(false);
  });

  it('refuses attributes Concur does not filter on', () => {
    expect(() => compileFilter('title eq "x"')).toThrow('not filterable');
    expect(() => compileFilter('phoneNumbers.value eq "1"')).toThrow('not filterable');
  });
});
