import { mapSqlRow, ROLE, type RowMapping } from '../../../src/datastores/sql-row-mapper';
import { SqlTemporal } from '../../../src/datastores/sql-values';

const base: RowMapping = { guidColumn: 'id', defaultEnabled: true, multiValued: new Map(), exclusion: { dns: [] } };

function row(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'u1', name: "O'Brien", manager: null, [ROLE.guid]: 'u1', ...extra };
}

describe('mapSqlRow', () => {
  it('maps columns to text values, leaves nulls and role aliases out, uses the GUID as DN', () => {
    const entry = mapSqlRow(row({ age: 41, [ROLE.marker]: new SqlTemporal('n', '2024-01-01T00:00:00.000001Z') }), base)!;
    expect(entry.guid).toBe('u1');
    expect(entry.dn).toBe('u1');
    expect(entry.attributes).toEqual({ id: ['u1'], name: ["O'Brien"], age: ['41'] });
    expect(entry.changeMarker).toBe('2024-01-01T00:00:00.000001Z');
    expect(entry.enabled).toBe(true);
    expect(entry.excluded).toBeUndefined();
  });
  it('shows a binary GUID column as canonical GUID text in attributes too', () => {
    const bytes = Buffer.from('0f8fad5bd9cb469fa16570867728950e', 'hex');
    const entry = mapSqlRow({ ID: bytes, [ROLE.guid]: bytes }, base)!;
    expect(entry.guid).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(entry.attributes.ID).toEqual([entry.guid]);
  });
  it('skips rows without a GUID', () => {
    expect(mapSqlRow({ id: null, [ROLE.guid]: null }, base)).toBeUndefined();
    expect(mapSqlRow({ id: '', [ROLE.guid]: '' }, base)).toBeUndefined();
  });
  it('evaluates the status column case-insensitively, with the default when it is null', () => {
    const m: RowMapping = { ...base, disabledValues: new Set(['0', 'false', 'inactive']) };
    expect(mapSqlRow(row({ [ROLE.status]: 'Inactive' }), m)!.enabled).toBe(false);
    expect(mapSqlRow(row({ [ROLE.status]: false }), m)!.enabled).toBe(false);
    expect(mapSqlRow(row({ [ROLE.status]: 0 }), m)!.enabled).toBe(false);
    expect(mapSqlRow(row({ [ROLE.status]: 'active' }), m)!.enabled).toBe(true);
    expect(mapSqlRow(row({ [ROLE.status]: null }), { ...m, defaultEnabled: false })!.enabled).toBe(false);
  });
  it('splits configured delimited columns only', () => {
    const m: RowMapping = { ...base, multiValued: new Map([['groups', ';']]) };
    const entry = mapSqlRow(row({ Groups: 'a; b;;c', tags: 'x;y' }), m)!;
    expect(entry.attributes.Groups).toEqual(['a', 'b', 'c']);
    expect(entry.attributes.tags).toEqual(['x;y']);
  });
  it('reports exclusion by GUID, by attribute and by SQL condition, without dropping the entry', () => {
    expect(mapSqlRow(row(), { ...base, exclusion: { dns: ['U1'] } })!.excluded).toBe(true);
    expect(mapSqlRow(row(), { ...base, exclusion: { dns: [], attribute: { name: 'NAME', values: ["o'brien"] } } })!.excluded).toBe(true);
    expect(mapSqlRow(row({ [ROLE.excluded]: 1 }), base)!.excluded).toBe(true);
    expect(mapSqlRow(row({ [ROLE.excluded]: 1n }), base)!.excluded).toBe(true);
    expect(mapSqlRow(row({ [ROLE.excluded]: 0 }), base)!.excluded).toBeUndefined();
  });
});
