/**
 * The mapping step's rows and the channel's `mapping` object: one row per Concur field, with
 * where the value comes from (source attribute, literal, expression) and the options. Pure.
 */
export type ValueKind = 'source' | 'literal' | 'expression' | 'none';
export interface FieldOptions {
  default?: string;
  createOnly?: boolean;
  trim?: boolean;
  case?: 'none' | 'lower' | 'upper';
  masked?: boolean;
  clearWhenEmpty?: boolean;
}
export interface MappingRow extends FieldOptions {
  field: string;
  kind: ValueKind;
  value: string;
}
type FieldMapping = FieldOptions & { source?: string; literal?: string; expression?: string };

export function rowsFromMapping(fields: string[], mapping: Record<string, FieldMapping> | undefined): MappingRow[] {
  const names = [...fields, ...Object.keys(mapping ?? {}).filter((k) => !fields.includes(k))];
  return names.map((field) => {
    const m = mapping?.[field] ?? {};
    const kind: ValueKind = m.source !== undefined ? 'source' : m.literal !== undefined ? 'literal' : m.expression !== undefined ? 'expression' : 'none';
    const { source, literal, expression, ...options } = m;
    return { field, kind, value: source ?? literal ?? expression ?? '', ...options };
  });
}

/** Only fields given a value (or a default) are written; options equal to the defaults are left out. */
export function mappingFromRows(rows: MappingRow[]): Record<string, FieldMapping> {
  const out: Record<string, FieldMapping> = {};
  for (const r of rows) {
    if (r.kind === 'none' && !r.default) continue;
    const m: FieldMapping = {};
    if (r.kind !== 'none') m[r.kind] = r.value;
    if (r.default) m.default = r.default;
    if (r.createOnly) m.createOnly = true;
    if (r.trim === false) m.trim = false;
    if (r.case && r.case !== 'none') m.case = r.case;
    if (r.masked) m.masked = true;
    if (r.clearWhenEmpty) m.clearWhenEmpty = true;
    out[r.field] = m;
  }
  return out;
}

/** Required fields that have neither a value nor a default. */
export function unmappedRequired(rows: MappingRow[], required: string[]): string[] {
  return required.filter((f) => {
    const r = rows.find((x) => x.field === f);
    return !r || ((r.kind === 'none' || !r.value.trim()) && !r.default);
  });
}
