import { compileMapping, type MapResult } from '../../../src/domain/mapping';
import { ADA, MINIMAL_MAPPING, entry } from './fixtures';

const user = (r: MapResult) => {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.user;
};
const errors = (r: MapResult) => {
  if (r.ok) throw new Error('expected a rejection');
  return r.errors;
};

describe('JSONata expressions', () => {
  it('sees attributes as first values, $all, $enabled, $guid and $dn', async () => {
    const m = compileMapping({
      ...MINIMAL_MAPPING,
      displayName: { expression: 'givenName & " " & sn' },
      externalId: { expression: '$guid' },
      title: { expression: '$count($all.mail) & " mails, enabled=" & $string($enabled)' },
      department: { expression: '$substringBefore($substringAfter($dn, "ou="), ",")' },
    });
    const u = user(await m.map(entry({ ...ADA, mail: [ADA.mail, 'other@example.org'] }, { guid: 'g-42' })));
    expect(u.identity.displayName).toBe('Ada Lovelace');
    expect(u.identity.externalId).toBe('g-42');
    expect(u.identity.title).toBe('2 mails, enabled=true');
    expect(u.identity.enterprise.department).toBe('people');
  });

  it('adds the attributes an expression names to sourceAttributes, and resolves them case-insensitively', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, displayName: { expression: '$uppercase(`preferred-name`) & " " & $all.SN[0]' } });
    expect(m.sourceAttributes).toEqual(expect.arrayContaining(['preferred-name', 'SN']));
    expect(user(await m.map(entry({ ...ADA, 'Preferred-Name': 'ada' }))).identity.displayName).toBe('ADA Lovelace');
  });

  it('knows when an expression may read attributes it does not name, so datastores fetch them all', () => {
    const named = compileMapping({ ...MINIMAL_MAPPING, displayName: { expression: '$substring(givenName, 0, 32) & $string($enabled) & $join($all.mail, ",")' } });
    expect(named.readsAllAttributes).toBe(false);
    for (const expression of ['$lookup($, "mail")', '$keys($all)', '$string($all)', '*', 'mail.**', '$each($, function($v) { $v })']) {
      expect([expression, compileMapping({ ...MINIMAL_MAPPING, displayName: { expression } }).readsAllAttributes]).toEqual([expression, true]);
    }
    expect(compileMapping(MINIMAL_MAPPING).readsAllAttributes).toBe(false);
  });

  it('returns lists for multi-valued fields and converts booleans and numbers', async () => {
    const m = compileMapping({
      ...MINIMAL_MAPPING,
      entitlements: { expression: '[expenseFlag = "Y" ? "Expense", travelFlag = "Y" ? "Travel"]' },
      'spend.testEmployee': { expression: 'uid = "test"' },
      'spend.custom5': { expression: '$number(level) * 2' },
      crnKey: { literal: 'EUR' },
      ctryCode: { literal: 'FR' },
      localeName: { literal: 'fr_FR' },
    });
    const u = user(await m.map(entry({ ...ADA, expenseFlag: 'Y', travelFlag: 'Y', uid: 'test', level: '21' })));
    expect(u.identity.entitlements).toEqual(['Expense', 'Travel']);
    expect(u.spend?.testEmployee).toBe(true);
    expect(u.spend?.customData).toEqual([{ id: 'custom5', value: '42' }]);
  });

  it('an undefined result is empty: default, clear-when-empty and required apply', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, title: { expression: 'jobTitle', default: 'Staff' }, nickName: { expression: 'nick', clearWhenEmpty: true } });
    const u = user(await m.map(entry(ADA)));
    expect(u.identity.title).toBe('Staff');
    expect(u.clear).toEqual(['nickName']);
  });

  it('a runtime error fails that entry alone, naming the field, without values', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, displayName: { expression: 'givenName + 1' }, 'spend.custom1': { expression: '$string($number(level) + 1)' }, crnKey: { literal: 'EUR' }, ctryCode: { literal: 'FR' }, localeName: { literal: 'fr_FR' } });
    const errs = errors(await m.map(entry({ ...ADA, givenName: 'SecretName', level: 'SecretLevel' })));
    expect(errs).toEqual([
      { field: 'displayName', code: 'expression-failed', message: expect.stringMatching(/position \d+: arithmetic on a value that is not a number \(JSONata T2001\)/) },
      { field: 'spend.custom1', code: 'expression-failed', message: expect.stringMatching(/\$number could not convert its argument \(JSONata D3030\)/) },
    ]);
    expect(JSON.stringify(errs)).not.toMatch(/Secret/);
    const fine = compileMapping({ ...MINIMAL_MAPPING, 'spend.custom1': { expression: '$string($number(level) + 1)' }, crnKey: { literal: 'EUR' }, ctryCode: { literal: 'FR' }, localeName: { literal: 'fr_FR' } });
    expect(user(await fine.map(entry({ ...ADA, level: '2' }))).spend?.customData).toEqual([{ id: 'custom1', value: '3' }]);
  });

  it('$error messages (which may quote values) are not passed on', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, displayName: { expression: '$error("bad: " & givenName)' } });
    const errs = errors(await m.map(entry(ADA)));
    expect(errs[0]).toMatchObject({ field: 'displayName', code: 'expression-failed' });
    expect(errs[0].message).not.toContain('Ada');
  });

  it('rejects a multi-value result for a single-valued field and objects anywhere', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, title: { expression: '$all.ou' }, division: { expression: '{"a": 1}' } });
    const errs = errors(await m.map(entry({ ...ADA, ou: ['a', 'b'] })));
    expect(errs.map((e) => [e.field, e.code])).toEqual([
      ['title', 'multiple-values'],
      ['division', 'invalid-result'],
    ]);
  });

  it('bounds evaluation time (infinite loop) and depth', async () => {
    const m = compileMapping(
      { ...MINIMAL_MAPPING, title: { expression: '($f := function($n){ $n < 0 ? $n : $f($n + 1) }; $f(0))' } },
      { expressionLimits: { timeoutMs: 50 } },
    );
    const started = Date.now();
    const errs = errors(await m.map(entry(ADA)));
    expect(errs).toEqual([expect.objectContaining({ field: 'title', code: 'expression-timeout' })]);
    expect(Date.now() - started).toBeLessThan(2000);
    const deep = compileMapping({ ...MINIMAL_MAPPING, title: { expression: '($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $string($f(100000)))' } });
    expect(errors(await deep.map(entry(ADA)))[0]).toMatchObject({ field: 'title', code: expect.stringMatching(/^expression-/) });
    const huge = compileMapping({ ...MINIMAL_MAPPING, title: { expression: '$string($count([1..100000000]))' } });
    expect(errors(await huge.map(entry(ADA)))[0]).toMatchObject({ field: 'title', code: 'expression-failed' });
  });

  it('bounds the strings a step builds: doubling concatenation, $pad and $join fail fast, naming the limit', async () => {
    const m = compileMapping({
      ...MINIMAL_MAPPING,
      title: { expression: '($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f(sn, 40)))' },
      nickName: { expression: '$pad("x", 1000000000)' },
      displayName: { expression: '$join([1..3].($pad("", 30000)))' },
    });
    const started = Date.now();
    const errs = errors(await m.map(entry(ADA)));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(errs.map((e) => [e.field, e.code])).toEqual(expect.arrayContaining([['title', 'expression-failed'], ['nickName', 'expression-failed'], ['displayName', 'expression-failed']]));
    for (const e of errs) expect(e.message).toMatch(/longer than 65536 characters/);
  });

  it('keeps $pad and $join working within the bound', async () => {
    const m = compileMapping({
      ...MINIMAL_MAPPING,
      title: { expression: '$pad(sn, 12, "#*")' },
      nickName: { expression: '$pad(givenName, -6, ".")' },
      displayName: { expression: '$join([givenName, sn], " ")' },
    });
    const u = user(await m.map(entry(ADA)));
    expect(u.identity.title).toBe('Lovelace#*#*');
    expect(u.identity.nickName).toBe("...Ada");
    expect(u.identity.displayName).toBe('Ada Lovelace');
  });

  it('refuses forbidden functions called indirectly, at run time', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, title: { expression: '($f := $now; $f())' } });
    expect(errors(await m.map(entry(ADA)))[0]).toMatchObject({ field: 'title', code: 'expression-failed', message: expect.stringMatching(/\$now is not allowed/) });
  });

  it('sees no inherited properties and no process: prototype names are plain keys', async () => {
    const m = compileMapping({
      ...MINIMAL_MAPPING,
      title: { expression: '$type(constructor) & "/" & $type(toString) & "/" & $type(process) & "/" & $type($process)' },
      department: { expression: '`__proto__`' },
    });
    const attributes = JSON.parse(`{"__proto__": ["P"], "mail": ["${ADA.mail}"], "givenName": ["Ada"], "sn": ["Lovelace"], "employeeNumber": ["E1"]}`);
    const u = user(await m.map({ guid: 'g', dn: 'd', enabled: true, attributes }));
    // $type of anything defined is a non-empty name; all four are undefined.
    expect(u.identity.title).toBe('///');
    expect(u.identity.enterprise.department).toBe('P');
  });

  it('only the attributes the mapping names are visible ($keys)', async () => {
    const m = compileMapping({ ...MINIMAL_MAPPING, title: { expression: '$join($sort($keys($)), ",")' } });
    const u = user(await m.map(entry({ ...ADA, userPassword: 'hunter2', title: 'x' })));
    expect(u.identity.title).toBeUndefined();
    const named = compileMapping({ ...MINIMAL_MAPPING, title: { expression: '$join($sort($keys($)), ",") & title' } });
    expect(user(await named.map(entry({ ...ADA, userPassword: 'hunter2', title: 'x' }))).identity.title).toBe('titlex');
  });
});
