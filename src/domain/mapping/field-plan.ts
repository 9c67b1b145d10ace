/**
 * One compiled field mapping and the value pipeline it runs per entry:
 * raw values (source | literal | expression) -> trim -> case -> default -> type conversion.
 */
import type { ConcurFieldDef } from '../concur-fields';
import type { FieldIssue } from '../concur-validation';
import type { FieldValue } from './field-access';
import type { FieldExpression } from './field-expression';
import { parseBoolean, toConcurDate, toConcurDateTime } from './value-conversion';

export type ValueOrigin = 'source' | 'literal' | 'expression' | 'account-status';

export interface FieldPlan {
  /** The key as written in the configuration (may be a PingFederate alias). */
  readonly key: string;
  readonly def: ConcurFieldDef;
  readonly from: ValueOrigin;
  readonly source?: { readonly name: string; readonly lower: string };
  readonly literal?: string;
  readonly expression?: FieldExpression;
  /** Source attributes this field reads. */
  readonly attributes: readonly string[];
  readonly allValues: boolean;
  readonly default?: string;
  readonly trim: boolean;
  readonly case: 'none' | 'lower' | 'upper';
  readonly masked: boolean;
  readonly createOnly: boolean;
  readonly clearWhenEmpty: boolean;
}

export type FieldOutcome =
  | { kind: 'value'; value: FieldValue; usedDefault: boolean }
  | { kind: 'empty' }
  | { kind: 'error'; issue: FieldIssue };

/** Raw input to the pipeline: texts, or a boolean an expression returned. */
export type RawValue = readonly string[] | boolean;

/** Runs trim, case, default and conversion for one field's raw values. */
export function finishValue(plan: FieldPlan, raw: RawValue): FieldOutcome {
  const def = plan.def;
  if (typeof raw === 'boolean') {
    if (def.type === 'boolean') return { kind: 'value', value: raw, usedDefault: false };
    raw = [String(raw)];
  }
  let texts: string[] = [];
  for (const value of raw) {
    let text = plan.trim ? value.trim() : value;
    if (text === '') continue;
    if (plan.case === 'lower') text = text.toLowerCase();
    else if (plan.case === 'upper') text = text.toUpperCase();
    texts.push(text);
  }
  let usedDefault = false;
  if (texts.length === 0) {
    if (plan.default === undefined) return { kind: 'empty' };
    texts = [plan.default];
    usedDefault = true;
  }
  if (def.type === 'string-list') return { kind: 'value', value: [...new Set(texts)], usedDefault };
  if (texts.length > 1) {
    return { kind: 'error', issue: { field: def.name, code: 'multiple-values', message: `the ${plan.from} gave ${texts.length} values; ${def.name} takes one` } };
  }
  const text = texts[0];
  switch (def.type) {
    case 'string':
      return { kind: 'value', value: def.upperCase ? text.toUpperCase() : text, usedDefault };
    case 'boolean': {
      const value = parseBoolean(text);
      if (value === undefined) {
        return { kind: 'error', issue: { field: def.name, code: 'not-boolean', message: `${describeOrigin(plan, usedDefault)} is not a boolean (true/false, yes/no, y/n, 1/0, on/off)` } };
      }
      return { kind: 'value', value, usedDefault };
    }
    case 'date':
    case 'datetime': {
      const converted = def.type === 'date' ? toConcurDate(text) : toConcurDateTime(text);
      if (!converted.ok) {
        return {
          kind: 'error',
          issue: { field: def.name, code: 'not-a-date', message: `${describeOrigin(plan, usedDefault)} is not a date (LDAP generalized time, ISO 8601 or AD FILETIME)` },
        };
      }
      return 'never' in converted ? { kind: 'empty' } : { kind: 'value', value: converted.value, usedDefault };
    }
  }
}

/** Turns what an expression returned into pipeline input, or says why it cannot be used. */
export function expressionResultToRaw(plan: FieldPlan, result: unknown): RawValue | FieldIssue {
  if (result === undefined || result === null) return [];
  if (typeof result === 'boolean') return result;
  const out: string[] = [];
  const items = Array.isArray(result) ? result.flat(4) : [result];
  for (const item of items) {
    if (item === undefined || item === null) continue;
    if (typeof item === 'string') out.push(item);
    else if (typeof item === 'boolean') out.push(String(item));
    else if (typeof item === 'number' && Number.isFinite(item)) out.push(String(item));
    else return { field: plan.def.name, code: 'invalid-result', message: 'the expression returned something other than text, numbers or booleans (an object?)' };
  }
  return out;
}

function describeOrigin(plan: FieldPlan, usedDefault: boolean): string {
  if (usedDefault) return 'the default';
  if (plan.from === 'source' && plan.source) return `source attribute ${plan.source.name}`;
  return `the ${plan.from}`;
}
