/**
 * A validated mapping, ready to turn source entries into desired Concur users. Built by
 * compileMapping(); holds no per-entry state, so one instance serves concurrent calls.
 */
import type { DesiredConcurUser } from '../concur-user';
import { validateConcurUser, type FieldIssue } from '../concur-validation';
import { stableHash } from '../hashing';
import type { SourceEntry } from '../source-entry';
import { AttributeReader } from './attribute-reader';
import { emptyDesiredUser, setFieldValue, type FieldValue } from './field-access';
import type { ExpressionBindings } from './field-expression';
import { expressionResultToRaw, finishValue, type FieldOutcome, type FieldPlan, type ValueOrigin } from './field-plan';
import type { MappingIssue } from './mapping-config-error';
import { MASK, type FieldPreview, type MappingPreview } from './mapping-preview';

export type MapResult = { ok: true; user: DesiredConcurUser; hash: string } | { ok: false; errors: FieldIssue[] };

/** A mapped Concur field as resolved from the configuration (aliases replaced). */
export interface ResolvedField {
  field: string;
  configuredAs: string;
  from: ValueOrigin;
  sourceAttributes: readonly string[];
  allValues: boolean;
  createOnly: boolean;
  masked: boolean;
  clearWhenEmpty: boolean;
}

interface FieldTrace {
  plan: FieldPlan;
  outcome: FieldOutcome;
}

export class CompiledMapping {
  /** Every field the mapping sends, in catalogue order; `active` appears even when derived. */
  readonly fields: readonly ResolvedField[];
  /** Source attributes the mapping reads (deduplicated case-insensitively), for datastore reads. */
  readonly sourceAttributes: readonly string[];
  /** True when an expression may read attributes it does not name: datastores then fetch them all. */
  readonly readsAllAttributes: boolean;
  /** True when Spend or Travel fields are mapped: those go through UPS v4, not Identity v4.1. */
  readonly usesUps: boolean;
  private readonly expressionAttributes: readonly string[];
  private readonly hasExpressions: boolean;

  constructor(
    private readonly plans: readonly FieldPlan[],
    private readonly companyId: string | undefined,
    /** Not errors, but worth an administrator's attention (e.g. employeeNumber not mapped). */
    readonly warnings: readonly MappingIssue[],
  ) {
    this.fields = Object.freeze(
      plans.map((p) =>
        Object.freeze({
          field: p.def.name,
          configuredAs: p.key,
          from: p.from,
          sourceAttributes: p.attributes,
          allValues: p.allValues,
          createOnly: p.createOnly,
          masked: p.masked,
          clearWhenEmpty: p.clearWhenEmpty,
        }),
      ),
    );
    this.sourceAttributes = Object.freeze(dedupeCaseInsensitive(plans.flatMap((p) => p.attributes)));
    this.readsAllAttributes = plans.some((p) => p.expression?.readsAnyAttribute === true);
    this.expressionAttributes = Object.freeze(dedupeExact(plans.flatMap((p) => (p.expression ? p.attributes : []))));
    this.hasExpressions = plans.some((p) => p.expression);
    this.usesUps = plans.some((p) => p.def.api === 'ups');
  }

  /** The desired Concur user for an entry and its hash, or every problem with it (no values). */
  async map(entry: SourceEntry): Promise<MapResult> {
    const { user, issues } = await this.run(entry, undefined);
    if (issues.length > 0) return { ok: false, errors: issues };
    return { ok: true, user, hash: stableHash(user) };
  }

  /** Per field: attributes read, raw values, mapped value (masked where configured), problems. */
  async preview(entry: SourceEntry): Promise<MappingPreview> {
    const traces: FieldTrace[] = [];
    const { user, issues } = await this.run(entry, traces);
    const reader = new AttributeReader(entry.attributes ?? {});
    const fields = traces.map(({ plan, outcome }): FieldPreview => {
      const mask = (v: string) => (plan.masked ? MASK : v);
      return {
        field: plan.def.name,
        configuredAs: plan.key,
        from: plan.from,
        sources: plan.attributes
          .map((attribute) => ({ attribute, values: reader.values(attribute).map(mask) }))
          .filter((s) => plan.from === 'source' || s.values.length > 0),
        value: outcome.kind === 'value' ? maskValue(outcome.value, plan.masked) : null,
        masked: plan.masked,
        usedDefault: outcome.kind === 'value' && outcome.usedDefault,
        cleared: outcome.kind === 'empty' && plan.clearWhenEmpty,
        createOnly: plan.createOnly,
        issues: issues.filter((i) => i.field === plan.def.name),
      };
    });
    return issues.length > 0 ? { ok: false, fields, issues } : { ok: true, fields, issues, hash: stableHash(user) };
  }

  private async run(entry: SourceEntry, traces: FieldTrace[] | undefined): Promise<{ user: DesiredConcurUser; issues: FieldIssue[] }> {
    const reader = new AttributeReader(entry.attributes ?? {});
    const user = emptyDesiredUser(this.companyId);
    user.identity.active = entry.enabled;
    const issues: FieldIssue[] = [];
    let input: Record<string, string> | undefined;
    let bindings: ExpressionBindings | undefined;
    if (this.hasExpressions) [input, bindings] = this.expressionScope(entry, reader);

    for (const plan of this.plans) {
      let outcome: FieldOutcome;
      switch (plan.from) {
        case 'account-status':
          outcome = { kind: 'value', value: entry.enabled, usedDefault: false };
          break;
        case 'literal':
          outcome = finishValue(plan, [plan.literal as string]);
          break;
        case 'source': {
          const src = plan.source as { name: string; lower: string };
          const values = reader.values(src.name, src.lower);
          outcome = finishValue(plan, plan.allValues ? values : values.slice(0, 1));
          break;
        }
        case 'expression': {
          const evaluated = await plan.expression!.evaluate(input!, bindings!);
          if (!evaluated.ok) {
            outcome = { kind: 'error', issue: { field: plan.def.name, code: evaluated.code, message: evaluated.message } };
            break;
          }
          const raw = expressionResultToRaw(plan, evaluated.value);
          outcome = isIssue(raw) ? { kind: 'error', issue: raw } : finishValue(plan, raw);
          break;
        }
      }
      if (outcome.kind === 'value') setFieldValue(user, plan.def.target, outcome.value);
      else if (outcome.kind === 'error') issues.push(outcome.issue);
      else if (plan.clearWhenEmpty) user.clear.push(plan.def.name);
      if (plan.createOnly) user.createOnly.push(plan.def.name);
      traces?.push({ plan, outcome });
    }

    // A field that already failed to map would also be reported "required"; say it once.
    const invalid = validateConcurUser(user);
    if (invalid.length > 0) {
      const failed = new Set(issues.map((i) => i.field));
      for (const issue of invalid) if (!failed.has(issue.field)) issues.push(issue);
    }
    return { user, issues };
  }

  /** `$` = attribute -> first value; `$all` = attribute -> all values. Null prototypes: no inherited keys. */
  private expressionScope(entry: SourceEntry, reader: AttributeReader): [Record<string, string>, ExpressionBindings] {
    const input = Object.create(null) as Record<string, string>;
    const all = Object.create(null) as Record<string, string[]>;
    for (const name of this.expressionAttributes) {
      const values = reader.values(name);
      if (values.length === 0) continue;
      define(input, name, values[0]);
      define(all, name, values.slice());
    }
    return [input, { all, enabled: entry.enabled, guid: entry.guid, dn: entry.dn }];
  }
}

// defineProperty, not assignment: an attribute called `__proto__` must stay an ordinary key.
function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isIssue(value: unknown): value is FieldIssue {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function maskValue(value: FieldValue, masked: boolean): FieldValue {
  if (!masked) return value;
  return Array.isArray(value) ? value.map(() => MASK) : MASK;
}

function dedupeCaseInsensitive(names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const n of names) if (!seen.has(n.toLowerCase())) seen.set(n.toLowerCase(), n);
  return [...seen.values()].sort((a, b) => a.localeCompare(b));
}

function dedupeExact(names: string[]): string[] {
  return [...new Set(names)];
}
