import { compileMapping, MASK } from '../../../src/domain/mapping';
import { ADA, MINIMAL_MAPPING, entry } from './fixtures';

describe('CompiledMapping.preview', () => {
  const m = compileMapping({
    ...MINIMAL_MAPPING,
    dateOfBirth: { source: 'birthDate', masked: true },
    'phoneNumbers.mobile': { source: 'mobile', masked: true, createOnly: true },
    displayName: { expression: 'givenName & " " & sn' },
    title: { source: 'title', clearWhenEmpty: true },
    department: { source: 'ou', default: 'None' },
  });

  it('shows per field the attributes read, raw and mapped values, with masked fields masked', async () => {
    const preview = await m.preview(entry({ ...ADA, birthDate: '19851210000000Z', mobile: ['+44 7700 900000', '+44 7700 900001'] }));
    expect(preview.ok).toBe(true);
    const byField = new Map(preview.fields.map((f) => [f.field, f]));
    expect(byField.get('dateOfBirth')).toMatchObject({ sources: [{ attribute: 'birthDate', values: [MASK] }], value: MASK, masked: true });
    expect(byField.get('phoneNumbers.mobile')).toMatchObject({ sources: [{ attribute: 'mobile', values: [MASK, MASK] }], value: MASK, createOnly: true });
    expect(byField.get('displayName')).toMatchObject({
      from: 'expression',
      sources: [
        { attribute: 'givenName', values: ['Ada'] },
        { attribute: 'sn', values: ['Lovelace'] },
      ],
      value: 'Ada Lovelace',
    });
    expect(byField.get('title')).toMatchObject({ value: null, cleared: true });
    expect(byField.get('department')).toMatchObject({ value: 'None', usedDefault: true });
    expect(byField.get('active')).toMatchObject({ from: 'account-status', value: true });
    const text = JSON.stringify(preview);
    expect(text).not.toContain('1985');
    expect(text).not.toContain('7700');
  });

  it('returns the same hash as map()', async () => {
    const e = entry({ ...ADA, birthDate: '1985-12-10' });
    const [preview, mapped] = [await m.preview(e), await m.map(e)];
    expect(mapped.ok && mapped.hash).toBe(preview.hash);
  });

  it('attaches validation messages to fields, and lists problems of unmapped parts overall', async () => {
    const preview = await m.preview(entry({ ...ADA, givenName: 'G'.repeat(33), birthDate: 'someday', mail: '' }));
    expect(preview.ok).toBe(false);
    expect(preview.hash).toBeUndefined();
    const byField = new Map(preview.fields.map((f) => [f.field, f]));
    expect(byField.get('name.givenName')?.issues).toEqual([expect.objectContaining({ code: 'too-long' })]);
    expect(byField.get('dateOfBirth')?.issues).toEqual([expect.objectContaining({ code: 'not-a-date', message: expect.stringMatching(/birthDate/) })]);
    expect(preview.issues.map((i) => i.field)).toEqual(expect.arrayContaining(['userName', 'emails.work', 'name.givenName', 'dateOfBirth']));
    expect(JSON.stringify(preview.issues)).not.toContain('someday');
  });
});
