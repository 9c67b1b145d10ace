import { formatBinaryGuid, guidText, parseBinaryGuid } from '../../../src/datastores/ldap-guid';

describe('binary GUIDs (AD objectGUID)', () => {
  // Stored bytes as AD returns them, and the GUID text AD tools print for them.
  const stored = Buffer.from('1c2a0d4b6a4f9547a6b8fab4c6b2d0e1', 'hex');
  const canonical = '4b0d2a1c-4f6a-4795-a6b8-fab4c6b2d0e1';

  it('renders the mixed-endian layout canonically', () => {
    expect(formatBinaryGuid(stored)).toBe(canonical);
    expect(formatBinaryGuid(Buffer.alloc(16))).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('parses canonical text back to the stored bytes (braces, upper case)', () => {
    expect(parseBinaryGuid(canonical)).toEqual(stored);
    expect(parseBinaryGuid(`{${canonical.toUpperCase()}}`)).toEqual(stored);
    expect(parseBinaryGuid('not-a-guid')).toBeUndefined();
    expect(parseBinaryGuid('*')).toBeUndefined();
  });

  it('round-trips random GUIDs and falls back to hex for other lengths', () => {
    for (let i = 0; i < 50; i++) {
      const bytes = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256)));
      expect(parseBinaryGuid(formatBinaryGuid(bytes))).toEqual(bytes);
    }
    expect(formatBinaryGuid(Buffer.from([1, 2, 255]))).toBe('0102ff');
    expect(parseBinaryGuid('0102ff')).toEqual(Buffer.from([1, 2, 255]));
  });

  it('recovers bytes that ldapts decoded as UTF-8 text', () => {
    const ascii = Buffer.from('0123456789abcdef', 'latin1');
    expect(guidText(ascii.toString('utf8'), 'binary')).toBe(formatBinaryGuid(ascii));
    expect(guidText('b6eec7d6-7f55-1041-9b56-13201c7fe1bd', 'text')).toBe('b6eec7d6-7f55-1041-9b56-13201c7fe1bd');
  });
});
