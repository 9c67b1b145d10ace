import { parseBoolean, toConcurDate, toConcurDateTime } from '../../../src/domain/mapping/value-conversion';

describe('value conversion', () => {
  it.each([
    ['TRUE', true], ['false', false], ['1', true], ['0', false], ['Yes', true], ['no', false], ['Y', true], ['n', false], ['on', true], ['OFF', false], ['t', true], ['F', false],
  ])('boolean %s -> %s', (text, expected) => expect(parseBoolean(text)).toBe(expected));

  it.each(['', 'maybe', '2', 'truee'])('boolean %s is not a boolean', (text) => expect(parseBoolean(text)).toBeUndefined());

  it.each([
    ['20240131120000Z', '2024-01-31T12:00:00Z'],
    ['20240131120000.123Z', '2024-01-31T12:00:00Z'],
    ['202401311200Z', '2024-01-31T12:00:00Z'],
    ['2024013112Z', '2024-01-31T12:00:00Z'],
    ['20240131010000+0200', '2024-01-30T23:00:00Z'],
    ['20240131', '2024-01-31T00:00:00Z'],
    ['2024-01-31', '2024-01-31T00:00:00Z'],
    ['2024-01-31T12:34:56Z', '2024-01-31T12:34:56Z'],
    ['2024-01-31 12:34:56', '2024-01-31T12:34:56Z'],
    ['2024-01-31T12:34:56.789-05:00', '2024-01-31T17:34:56Z'],
    ['2024-02-29', '2024-02-29T00:00:00Z'],
    ['133511328000000000', '2024-01-31T00:00:00Z'], // AD FILETIME
  ])('date-time %s -> %s', (text, expected) => expect(toConcurDateTime(text)).toEqual({ ok: true, value: expected }));

  it.each(['0', '9223372036854775807'])('AD "never" %s is no date', (text) => expect(toConcurDateTime(text)).toEqual({ ok: true, never: true }));

  it.each(['31/01/2024', '2023-02-29', '2024-13-01', '20240132', '2024-01-31T25:00:00Z', 'tomorrow', '', '2024-01-31T12:00:00+25:00'])('%s is not a date', (text) => {
    expect(toConcurDateTime(text)).toEqual({ ok: false });
  });

  it('keeps the written calendar date for date fields (no zone shift)', () => {
    expect(toConcurDate('19851210230000-0800')).toEqual({ ok: true, value: '1985-12-10' });
    expect(toConcurDate('1985-12-10')).toEqual({ ok: true, value: '1985-12-10' });
  });

  it('handles years below 100 without the Date.UTC 19xx shift', () => {
    expect(toConcurDateTime('0001-01-01')).toEqual({ ok: true, value: '0001-01-01T00:00:00Z' });
  });
});
