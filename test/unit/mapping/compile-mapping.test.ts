import { compileMapping, MappingConfigError, type MappingIssue } from '../../../src/domain/mapping';
import { AttributeMapping } from '../../../src/domain/config/mapping-config';
import { MINIMAL_MAPPING } from './fixtures';

function issuesOf(mapping: Record<string, unknown>, options: Parameters<typeof compileMapping>[1] = {}): MappingIssue[] {
  try {
    compileMapping(mapping, options);
  } catch (err) {
    expect(err).toBeInstanceOf(MappingConfigError);
    return (err as MappingConfigError).issues;
  }
  throw new Error('expected the mapping to be refused');
}

const paths = (issues: MappingIssue[]) => issues.map((i) => i.path).sort();

describe('compileMapping: configuration-time validation', () => {
  it('accepts the minimal mapping and resolves fields and source attributes', () => {
    const m = compileMapping(MINIMAL_MAPPING, {});
    expect(m.fields.map((f) => f.field)).toEqual(['userName', 'active', 'name.givenName', 'name.familyName', 'emails.work', 'employeeNumber']);
    expect(m.fields.find((f) => f.field === 'active')?.from).toBe('account-status');
    expect(m.sourceAttributes).toEqual(['employeeNumber', 'givenName', 'mail', 'sn']);
    expect(m.warnings).toEqual([]);
    expect(m.usesUps).toBe(false);
  });

  it('names each unmapped required field, and a missing email', () => {
    const issues = issuesOf({ employeeNumber: { source: 'employeeNumber' } });
    expect(paths(issues)).toEqual(['mapping.emails.work', 'mapping.name.familyName', 'mapping.name.givenName', 'mapping.userName']);
    expect(issues.find((i) => i.path === 'mapping.userName')?.message).toMatch(/required by Concur but not mapped/);
  });

  it('accepts any email type as the required email', () => {
    const { 'emails.work': _unused, ...rest } = MINIMAL_MAPPING;
    expect(() => compileMapping({ ...rest, 'emails.home': { source: 'mail' } })).not.toThrow();
  });

  it("adds the tenant's required fields (by canonical name or alias) and flags unknown ones", () => {
    const issues = issuesOf(MINIMAL_MAPPING, { requiredFields: ['costCenter', 'ledgerKey', 'noSuchField'] });
    expect(paths(issues)).toEqual(['mapping.costCenter', 'mapping.spend.ledgerCode', 'requiredFields[2]']);
    expect(issues.find((i) => i.path === 'mapping.costCenter')?.message).toMatch(/tenant/);
    expect(() => compileMapping({ ...MINIMAL_MAPPING, costCenter: { source: 'cc' } }, { requiredFields: ['costCenter'] })).not.toThrow();
  });

  it('warns (without refusing) when employeeNumber is not mapped', () => {
    const { employeeNumber: _unused, ...rest } = MINIMAL_MAPPING;
    expect(compileMapping(rest).warnings.map((w) => w.path)).toEqual(['mapping.employeeNumber']);
  });

  it('refuses unknown field names, suggesting the right spelling', () => {
    const issues = issuesOf({ ...MINIMAL_MAPPING, givenname: { source: 'x' }, 'name.GivenName': { source: 'x' }, bogus: { source: 'x' } });
    expect(paths(issues)).toEqual(['mapping.bogus', 'mapping.givenname', 'mapping.name.GivenName']);
    expect(issues.find((i) => i.path === 'mapping.name.GivenName')?.message).toMatch(/did you mean name\.givenName/);
  });

  it('refuses retired PingFederate names with the reason and the modern way', () => {
    const issues = issuesOf({ ...MINIMAL_MAPPING, expenseUser: { literal: 'Y' }, Password: { literal: 'x' }, expenseUserApprover: { literal: 'Y' }, NewLoginID: { source: 'x' } });
    expect(paths(issues)).toEqual(['mapping.NewLoginID', 'mapping.Password', 'mapping.expenseUser', 'mapping.expenseUserApprover']);
    expect(issues.find((i) => i.path === 'mapping.expenseUser')?.message).toMatch(/entitlements/);
    expect(issues.find((i) => i.path === 'mapping.expenseUserApprover')?.message).toMatch(/Spend roles/);
    expect(issues.find((i) => i.path === 'mapping.Password')?.message).toMatch(/no password/);
  });

  it('reports alias collisions (loginId and userName both mapped)', () => {
    const issues = issuesOf({ ...MINIMAL_MAPPING, loginId: { source: 'uid' } });
    expect(issues).toEqual([{ path: 'mapping.loginId', message: expect.stringMatching(/userName.*mapping\.userName already maps/) }]);
    expect(paths(issuesOf({ ...MINIMAL_MAPPING, firstName: { source: 'a' }, FirstName: { source: 'b' } }))).toEqual(['mapping.FirstName', 'mapping.firstName']);
  });

  it('refuses conflicting or missing value options', () => {
    const issues = issuesOf({
      ...MINIMAL_MAPPING,
      title: { source: 'title', literal: 'Engineer' },
      displayName: {},
      nickName: { default: 'Bob' },
      costCenter: { literal: 'CC1', default: 'CC2' },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'mapping.title', message: expect.stringMatching(/only one of source, literal or expression \(found source and literal\)/) },
        { path: 'mapping.displayName', message: expect.stringMatching(/set one of source, literal or expression/) },
        { path: 'mapping.nickName', message: expect.stringMatching(/set literal instead/) },
        { path: 'mapping.costCenter.default', message: expect.stringMatching(/never be used/) },
      ]),
    );
  });

  it('refuses options that do not fit the field', () => {
    const issues = issuesOf({
      ...MINIMAL_MAPPING,
      title: { source: 'title', allValues: true },
      active: { source: 'flag', case: 'upper', createOnly: true },
      'name.middleName': { source: 'initials', clearWhenEmpty: true, default: 'X' },
      department: { source: 'ou', clearWhenEmpty: true, createOnly: true },
      entitlements: { expression: '["Expense"]', allValues: true },
    });
    expect(paths(issues)).toEqual([
      'mapping.active.case',
      'mapping.active.createOnly',
      'mapping.department.clearWhenEmpty',
      'mapping.entitlements.allValues',
      'mapping.name.middleName.clearWhenEmpty',
      'mapping.title.allValues',
    ]);
  });

  it('refuses clear-when-empty on fields Concur or the tenant requires', () => {
    const issues = issuesOf({ ...MINIMAL_MAPPING, 'name.givenName': { source: 'givenName', clearWhenEmpty: true }, costCenter: { source: 'cc', clearWhenEmpty: true } }, { requiredFields: ['costCenter'] });
    expect(paths(issues)).toEqual(['mapping.costCenter.clearWhenEmpty', 'mapping.name.givenName.clearWhenEmpty']);
  });

  it('reports expression syntax errors at compile time, with the path', () => {
    const { 'emails.work': _unused, ...rest } = MINIMAL_MAPPING;
    const issues = issuesOf({ ...rest, emailAddress: { expression: 'mail & ' }, displayName: { expression: '   ' } });
    expect(paths(issues)).toEqual(['mapping.displayName.expression', 'mapping.emailAddress.expression']);
    expect(issues.find((i) => i.path === 'mapping.emailAddress.expression')?.message).toMatch(/syntax error at position/);
  });

  it('refuses non-deterministic and escaping functions, and rebinding engine variables', () => {
    const issues = issuesOf({
      ...MINIMAL_MAPPING,
      startDate: { expression: '$now()' },
      externalId: { expression: '$eval("guid")' },
      title: { expression: '$string($random())' },
      nickName: { expression: '($all := {}; "x")' },
    });
    expect(paths(issues)).toEqual(['mapping.externalId.expression', 'mapping.nickName.expression', 'mapping.startDate.expression', 'mapping.title.expression']);
  });

  it('refuses regular expressions, with the reason (backtracking would stall the worker)', () => {
    const issues = issuesOf({
      ...MINIMAL_MAPPING,
      title: { expression: '$replace(sn, /(a+)+$/, "x")' },
      nickName: { expression: '$match(uid, /^a/)' },
      displayName: { expression: '$contains(givenName, "Ada") ? "yes" : "no"' },
    });
    expect(paths(issues)).toEqual(['mapping.nickName.expression', 'mapping.title.expression']);
    expect(issues[0].message).toMatch(/regular expressions are not allowed: they can backtrack/);
  });

  it('checks literals and defaults against Concur limits and types at compile time', () => {
    const issues = issuesOf({
      ...MINIMAL_MAPPING,
      costCenter: { literal: 'X'.repeat(26) },
      'spend.testEmployee': { literal: 'maybe' },
      'spend.reimbursementType': { literal: 'CASH' },
      startDate: { source: 'hire', default: 'not a date' },
      'spend.country': { literal: 'USA' },
      'spend.reimbursementCurrency': { literal: 'usd' },
      'spend.locale': { literal: 'en-US' },
      title: { literal: '' },
    });
    expect(paths(issues)).toEqual([
      'mapping.costCenter.literal',
      'mapping.spend.country.literal',
      'mapping.spend.reimbursementType.literal',
      'mapping.spend.testEmployee.literal',
      'mapping.startDate.default',
      'mapping.title.literal',
    ]);
  });

  it('requires the Spend profile fields once any Spend field is mapped', () => {
    const issues = issuesOf({ ...MINIMAL_MAPPING, ledgerKey: { literal: 'DEFAULT' } });
    expect(paths(issues)).toEqual(['mapping.spend.country', 'mapping.spend.locale', 'mapping.spend.reimbursementCurrency']);
  });

  it('reports bad option types through the schema, with the path', () => {
    const issues = issuesOf({ ...MINIMAL_MAPPING, title: { source: 'title', case: 'title-case' }, nickName: { source: 1 }, division: { source: 'd', extra: true } });
    expect(paths(issues)).toEqual(['mapping.division', 'mapping.nickName.source', 'mapping.title.case']);
  });

  it('treats prototype keys as unknown fields, not as object internals', () => {
    const raw = JSON.parse(`{"__proto__": {"source": "x"}, "constructor": {"source": "x"}, "toString": {"source": "x"}}`) as Record<string, unknown>;
    const issues = issuesOf({ ...MINIMAL_MAPPING, ...raw });
    expect(paths(issues)).toEqual(['mapping.__proto__', 'mapping.constructor', 'mapping.toString']);
    expect(({} as Record<string, unknown>).source).toBeUndefined();
  });

  it('accepts a mapping parsed by the channel schema (defaults applied)', () => {
    expect(() => compileMapping(AttributeMapping.parse(MINIMAL_MAPPING))).not.toThrow();
  });

  it('the error message lists every issue by path and carries no configured values', () => {
    try {
      compileMapping({ ...MINIMAL_MAPPING, costCenter: { literal: 'SECRET-COST-CENTER-VALUE-XYZ' } });
      throw new Error('expected a refusal');
    } catch (err) {
      expect((err as Error).message).toMatch(/mapping\.costCenter\.literal/);
      expect((err as Error).message).not.toMatch(/SECRET/);
    }
  });
});
