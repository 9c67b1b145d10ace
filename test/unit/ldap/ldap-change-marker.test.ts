import { changeMarkerFor, generalizedTimeKey, maxMarker } from '../../../src/datastores/ldap-change-marker';

describe('change markers', () => {
  it('uses modifyTimestamp, or whenChanged on Active Directory, with a >= filter', () => {
    const ts = changeMarkerFor('timestamp', false)!;
    expect(ts.attribute).toBe('modifyTimestamp');
    const justAfter = new Date(Date.UTC(2024, 0, 2, 3, 5, 5));
    expect(ts.changedSince('20240102030405Z', justAfter)).toBe('(modifyTimestamp>=20240102030405Z)');
    expect(changeMarkerFor('timestamp', true)!.attribute).toBe('whenChanged');
    expect(changeMarkerFor('full', false)).toBeUndefined();
  });

  it('reads strictly newer entries once the watermark second is settled', () => {
    const ts = changeMarkerFor('timestamp', false)!;
    const later = new Date(Date.UTC(2024, 0, 2, 3, 20, 0));
    expect(ts.changedSince('20240102030405Z', later)).toBe('(&(modifyTimestamp>=20240102030405Z)(!(modifyTimestamp=20240102030405Z)))');
  });

  it('orders GeneralizedTime values with and without fractions', () => {
    const ts = changeMarkerFor('timestamp', true)!;
    expect(generalizedTimeKey('20240102030405.0Z')).toBe(generalizedTimeKey('20240102030405Z'));
    expect(ts.compare('20240102030405.5Z', '20240102030405Z')).toBe(1);
    expect(ts.compare('20231231235959Z', '20240101000000.0Z')).toBe(-1);
    expect(maxMarker(ts, undefined, '20240101000000Z')).toBe('20240101000000Z');
    expect(maxMarker(ts, '20250101000000Z', '20240101000000Z')).toBe('20250101000000Z');
  });

  it('reads uSNChanged strictly after the watermark, comparing numerically', () => {
    const usn = changeMarkerFor('active-directory-usn', true)!;
    expect(usn.changedSince('99999999999999999999')).toBe('(uSNChanged>=100000000000000000000)');
    expect(usn.compare('9', '10')).toBe(-1);
    expect(maxMarker(usn, '9', '10')).toBe('10');
  });

  it('refuses a watermark of the wrong kind, naming the setting', () => {
    expect(() => changeMarkerFor('timestamp', false)!.changedSince('12345')).toThrow(/channel\.source\.changeDetection/);
    expect(() => changeMarkerFor('active-directory-usn', false)!.changedSince('*)(x=*')).toThrow(/channel\.source\.changeDetection/);
  });

  it('timestamp-no-negation never puts `!` in the filter; attribute names are configurable', () => {
    const old = '20200101000000Z';
    expect(changeMarkerFor('timestamp', false)!.changedSince(old)).toContain('(!');
    const noNeg = changeMarkerFor('timestamp-no-negation', false, { timestampAttribute: 'lastChange' })!;
    expect(noNeg.attribute).toBe('lastChange');
    expect(noNeg.changedSince(old)).toBe('(lastChange>=20200101000000Z)');
    expect(changeMarkerFor('timestamp', true, {})!.attribute).toBe('whenChanged');
    const usn = changeMarkerFor('active-directory-usn', false, { usnAttribute: 'changeNumber' })!;
    expect(usn.changedSince('41')).toBe('(changeNumber>=42)');
  });
});
