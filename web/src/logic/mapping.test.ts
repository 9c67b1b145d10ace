import { describe, expect, it } from 'vitest';
import { mappingFromRows, rowsFromMapping, unmappedRequired } from './mapping';

describe('mapping rows', () => {
  it('round-trips a mapping through the rows, keeping options and dropping defaults', () => {
    const mapping = { userName: { source: 'mail', case: 'lower' as const }, title: { source: 'title', clearWhenEmpty: true }, 'emails.work': { expression: '$.mail', masked: true }, companyId: { literal: 'X', createOnly: true, trim: false } };
    const rows = rowsFromMapping(['userName', 'name.givenName'], mapping);
    expect(rows.map((r) => r.field)).toEqual(['userName', 'name.givenName', 'title', 'emails.work', 'companyId']);
    expect(rows[1]).toMatchObject({ kind: 'none', value: '' });
    expect(mappingFromRows(rows)).toEqual(mapping);
  });

  it('writes a default-only field and leaves untouched rows out', () => {
    const rows = rowsFromMapping(['a', 'b'], {});
    rows[0].default = 'fallback';
    expect(mappingFromRows(rows)).toEqual({ a: { default: 'fallback' } });
  });

  it('lists required fields without a value or a default', () => {
    const rows = rowsFromMapping(['userName', 'name.givenName', 'name.familyName'], { userName: { source: 'mail' }, 'name.givenName': { source: ' ' }, 'name.familyName': { default: 'n/a' } });
    expect(unmappedRequired(rows, ['userName', 'name.givenName', 'name.familyName', 'other'])).toEqual(['name.givenName', 'other']);
  });
});
