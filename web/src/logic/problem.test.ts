import { describe, expect, it } from 'vitest';
import { fieldErrors, missingFields, settingField } from './problem';

describe('fieldErrors', () => {
  it('puts each issue beside the field its JSON pointer names, unescaping ~1 and ~0', () => {
    const { fields, other } = fieldErrors({
      status: 400,
      issues: [
        { pointer: '/body/auth/accessToken', message: 'required' },
        { pointer: '/body/mapping/a~1b', message: 'bad' },
        { pointer: '/body/auth/accessToken', message: 'too short' },
        { pointer: '/query/limit', message: 'an integer' },
      ],
    });
    expect(fields).toEqual({ 'auth/accessToken': 'required; too short', 'mapping/a/b': 'bad' });
    expect(other).toEqual(['/query/limit: an integer']);
  });

  it('shows the detail when the problem names no field', () => {
    expect(fieldErrors({ status: 409, detail: 'already exists' })).toEqual({ fields: {}, other: ['already exists'] });
  });

  it('reads draft issues (pointers into the draft itself)', () => {
    expect(missingFields([{ pointer: '/location/filter', message: 'x' }])).toEqual({ 'location/filter': 'x' });
  });

  it("maps a check's setting to the form field", () => {
    expect(settingField('datastore.bindPassword')).toBe('bindPassword');
    expect(settingField('channel.location.baseDn')).toBe('location/baseDn');
    expect(settingField(undefined)).toBeUndefined();
  });
});
