/**
 * Configuration-time checks and compilation of an attribute mapping. Everything that can be
 * known before reading a user is checked here, and all problems are reported at once.
 */
import { CONCUR_FIELDS, SPEND_REQUIRED_FIELDS, concurField, resolveFieldName, type ConcurFieldDef } from '../concur-fields';
import { SCHEMA_SPEND } from '../concur-user';
import { hasControlCharacter, validateFieldValue } from '../concur-validation';
import { FieldMapping } from '../config/mapping-config';
import { CompiledMapping } from './compiled-mapping';
import { DEFAULT_EXPRESSION_LIMITS, ExpressionCompileError, compileFieldExpression, type ExpressionLimits, type FieldExpression } from './field-expression';
import { finishValue, type FieldPlan } from './field-plan';
import { MappingConfigError, type MappingIssue } from './mapping-config-error';

export interface CompileMappingOptions {
  /** Fields this tenant requires beyond Concur's minimum (canonical names or aliases). */
  requiredFields?: string[];
  /** Written to the enterprise extension's companyId of every user. */
  companyId?: string;
  /** Bounds on expression evaluation; defaults suit attribute mapping. */
  expressionLimits?: Partial<ExpressionLimits>;
}

/** Concur's minimum for a user: an email of some type is checked separately. */
const CONCUR_MINIMUM = ['userName', 'name.givenName', 'name.familyName'];
const EMAIL_FIELDS = CONCUR_FIELDS.filter((f) => f.target.kind === 'email').map((f) => f.name);
const CATALOGUE_ORDER = new Map(CONCUR_FIELDS.map((f, i) => [f.name, i]));

/**
 * Validates a mapping and compiles it. Throws MappingConfigError naming every problem: unmapped
 * required fields, unknown or retired field names, alias collisions, conflicting options,
 * expression syntax errors, literals Concur would reject.
 */
export function compileMapping(mapping: Record<string, unknown>, options: CompileMappingOptions = {}): CompiledMapping {
  const issues: MappingIssue[] = [];
  const warnings: MappingIssue[] = [];
  const limits: ExpressionLimits = { ...DEFAULT_EXPRESSION_LIMITS, ...options.expressionLimits };

  const required = new Map<string, string>(CONCUR_MINIMUM.map((name) => [name, 'is required by Concur']));
  (options.requiredFields ?? []).forEach((name, i) => {
    const resolved = resolveFieldName(name);
    if (resolved.kind !== 'field') issues.push({ path: `requiredFields[${i}]`, message: `"${name}" is not a Concur field Outbound knows` });
    else if (!required.has(resolved.field.name)) required.set(resolved.field.name, 'is required by this Concur tenant (connection requiredFields)');
  });

  const byField = new Map<string, string>();
  const plans: FieldPlan[] = [];
  for (const key of Object.keys(mapping ?? {})) {
    const path = `mapping.${key}`;
    const resolved = resolveFieldName(key);
    if (resolved.kind === 'retired') {
      issues.push({ path, message: `${key} has no equivalent in Concur's current APIs: ${resolved.reason}` });
      continue;
    }
    if (resolved.kind === 'unknown') {
      issues.push({ path, message: `unknown Concur field${resolved.suggestion ? `; did you mean ${resolved.suggestion}?` : ' (see docs/mapping.md for the field list)'}` });
      continue;
    }
    const def = resolved.field;
    const previous = byField.get(def.name);
    if (previous !== undefined) {
      issues.push({ path, message: `maps ${def.name}, which mapping.${previous} already maps; keep one of them` });
      continue;
    }
    byField.set(def.name, key);
    const parsed = FieldMapping.safeParse(Object.prototype.hasOwnProperty.call(mapping, key) ? mapping[key] : undefined);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ path: [path, ...issue.path.map(String)].join('.'), message: issue.message });
      continue;
    }
    const plan = planField(key, def, parsed.data, required.get(def.name), limits, issues);
    if (plan) plans.push(plan);
  }

  for (const [name, why] of required) {
    if (!byField.has(name)) issues.push({ path: `mapping.${name}`, message: `${why} but not mapped` });
  }
  if (!EMAIL_FIELDS.some((name) => byField.has(name))) {
    issues.push({ path: 'mapping.emails.work', message: 'Concur requires an email address: map emails.work (PingFederate emailAddress) or another email type' });
  }
  if ([...byField.keys()].some((name) => concurField(name)?.schema === SCHEMA_SPEND)) {
    for (const name of SPEND_REQUIRED_FIELDS) {
      if (!byField.has(name)) issues.push({ path: `mapping.${name}`, message: 'is required by Concur whenever Spend fields are mapped (UPS creates the Spend profile with it)' });
    }
    if (!byField.has('spend.cashAdvanceAccountCode')) {
      warnings.push({ path: 'mapping.spend.cashAdvanceAccountCode', message: "not mapped; UPS's OpenAPI file marks it required for the Spend profile, though SAP's examples omit it" });
    }
  }
  if (!byField.has('employeeNumber')) {
    warnings.push({
      path: 'mapping.employeeNumber',
      message: "not mapped; recommended: it is in Concur's minimal create body, PingFederate matched users on it (empId), and Outbound looks users up by it before creating",
    });
  }
  if (issues.length > 0) throw new MappingConfigError(issues);

  if (!byField.has('active')) plans.push(accountStatusPlan());
  plans.sort((a, b) => (CATALOGUE_ORDER.get(a.def.name) as number) - (CATALOGUE_ORDER.get(b.def.name) as number));
  return new CompiledMapping(plans, options.companyId, Object.freeze(warnings));
}

function planField(key: string, def: ConcurFieldDef, m: FieldMapping, requiredWhy: string | undefined, limits: ExpressionLimits, issues: MappingIssue[]): FieldPlan | undefined {
  const path = `mapping.${key}`;
  const before = issues.length;
  const given = (['source', 'literal', 'expression'] as const).filter((k) => m[k] !== undefined);
  if (given.length === 0) {
    issues.push({ path, message: m.default !== undefined ? 'a default alone is a constant: set literal instead' : 'set one of source, literal or expression' });
    return undefined;
  }
  if (given.length > 1) {
    issues.push({ path, message: `set only one of source, literal or expression (found ${given.join(' and ')})` });
    return undefined;
  }
  const from = given[0];

  let expression: FieldExpression | undefined;
  let attributes: string[] = [];
  if (from === 'source') {
    const name = (m.source as string).trim();
    if (name === '' || hasControlCharacter(name)) issues.push({ path: `${path}.source`, message: 'the source attribute name is empty or has control characters' });
    attributes = [name];
  } else if (from === 'expression') {
    try {
      expression = compileFieldExpression(m.expression as string, limits);
      attributes = [...expression.attributeNames];
    } catch (err) {
      if (!(err instanceof ExpressionCompileError)) throw err;
      issues.push({ path: `${path}.expression`, message: err.message });
    }
  }

  if (m.allValues && def.type !== 'string-list') issues.push({ path: `${path}.allValues`, message: `${def.name} holds one value; allValues applies to multi-valued fields (entitlements)` });
  else if (m.allValues && from !== 'source') issues.push({ path: `${path}.allValues`, message: 'allValues applies to a source attribute; an expression returns a list by itself' });
  if (m.case !== 'none' && def.type !== 'string' && def.type !== 'string-list') issues.push({ path: `${path}.case`, message: `has no effect on a ${def.type} field` });
  if (from === 'literal' && m.default !== undefined) issues.push({ path: `${path}.default`, message: 'a literal is never empty, so its default would never be used' });
  if (m.clearWhenEmpty) {
    if (requiredWhy || def.required) issues.push({ path: `${path}.clearWhenEmpty`, message: `${def.name} ${requiredWhy ?? 'is required by Concur'}, so it cannot be cleared` });
    else if (m.default !== undefined) issues.push({ path: `${path}.clearWhenEmpty`, message: 'with a default the value is never empty, so it is never cleared' });
    else if (m.createOnly) issues.push({ path: `${path}.clearWhenEmpty`, message: 'a create-only field is never updated, so it cannot be cleared' });
  }
  if (m.createOnly && def.name === 'active') issues.push({ path: `${path}.createOnly`, message: 'active must follow the account status on every update' });

  const plan: FieldPlan = {
    key,
    def,
    from,
    source: from === 'source' ? { name: attributes[0], lower: attributes[0].toLowerCase() } : undefined,
    literal: m.literal,
    expression,
    attributes: Object.freeze(attributes),
    allValues: m.allValues,
    default: m.default,
    trim: m.trim,
    case: m.case,
    masked: m.masked,
    // Concur takes some fields only at creation (spend testEmployee): create-only whatever was set.
    createOnly: m.createOnly || def.setOnCreateOnly === true,
    clearWhenEmpty: m.clearWhenEmpty,
  };
  // Constants are checked now, so a bad literal fails activation rather than every user.
  if (from === 'literal') checkConstant(plan, m.literal as string, `${path}.literal`, issues);
  if (m.default !== undefined && from !== 'literal') checkConstant(plan, m.default, `${path}.default`, issues);
  return issues.length === before ? plan : undefined;
}

function checkConstant(plan: FieldPlan, value: string, path: string, issues: MappingIssue[]): void {
  const outcome = finishValue({ ...plan, from: 'literal', default: undefined }, [value]);
  if (outcome.kind === 'error') issues.push({ path, message: outcome.issue.message.replace(/^the literal\b/, 'the value') });
  else if (outcome.kind === 'value') for (const issue of validateFieldValue(plan.def, outcome.value)) issues.push({ path, message: `${issue.field} ${issue.message}` });
  else if (plan.from === 'literal' && (plan.def.required || !plan.clearWhenEmpty)) {
    // An empty literal only makes sense as "always clear this field".
    issues.push({ path, message: 'is empty; to always remove the value in Concur set clearWhenEmpty, otherwise remove this mapping' });
  }
}

function accountStatusPlan(): FieldPlan {
  return {
    key: 'active',
    def: concurField('active') as ConcurFieldDef,
    from: 'account-status',
    attributes: Object.freeze([]),
    allValues: false,
    trim: false,
    case: 'none',
    masked: false,
    createOnly: false,
    clearWhenEmpty: false,
  };
}
