import { compareMarkers, maxMarker, watermarkBinding } from '../../../src/datastores/sql-watermark';

describe('compareMarkers', () => {
  it('orders ISO instants by value, whatever the fraction length', () => {
    expect(compareMarkers('2024-01-01T00:00:00Z', '2024-01-01T00:00:00.5Z')).toBe(-1);
    expect(compareMarkers('2024-01-01T00:00:00.000001Z', '2024-01-01T00:00:00.000000Z')).toBe(1);
    expect(compareMarkers('2024-01-01T00:00:00.5', '2024-01-01T00:00:00.500000')).toBe(0);
    expect(compareMarkers('2024-01-02', '2024-01-01T23:59:59')).toBe(1);
  });
  it('orders integers exactly beyond 2^53, and decimals numerically', () => {
    expect(compareMarkers('9007199254740993', '9007199254740992')).toBe(1);
    expect(compareMarkers('10', '9')).toBe(1);
    expect(compareMarkers('-10', '9')).toBe(-1);
    expect(compareMarkers('-10', '-9')).toBe(-1);
    expect(compareMarkers('1.5', '1.25')).toBe(1);
  });
  it('falls back to text order', () => {
    expect(compareMarkers('2024-01-01 10:00:00', '2024-01-01 09:00:00')).toBe(1);
  });
  it('maxMarker ignores undefined', () => {
    expect(maxMarker(undefined, 'a')).toBe('a');
    expect(maxMarker('b', undefined)).toBe('b');
    expect(maxMarker('2024-01-01T00:00:00.000002Z', '2024-01-01T00:00:00.000001Z')).toBe('2024-01-01T00:00:00.000002Z');
  });
});

describe('watermarkBinding', () => {
  it('passes ISO text to PostgreSQL unchanged', () => {
    expect(watermarkBinding('pg', '2024-01-01T00:00:00.000001Z')).toBe('2024-01-01T00:00:00.000001Z');
  });
  it('turns ISO into MySQL datetime text with the full fraction', () => {
    expect(watermarkBinding('mysql2', '2024-01-01T10:00:00.000001Z')).toBe('2024-01-01 10:00:00.000001');
    expect(watermarkBinding('mysql2', '2024-01-01T10:00:00')).toBe('2024-01-01 10:00:00');
    expect(watermarkBinding('mysql2', '2024-01-01')).toBe('2024-01-01');
  });
  it('binds SQLite numeric markers as numbers and text as stored', () => {
    expect(watermarkBinding('better-sqlite3', '1700000000')).toBe(1700000000);
    expect(watermarkBinding('better-sqlite3', '9007199254740993')).toBe(9007199254740993n);
    expect(watermarkBinding('better-sqlite3', '2024-01-01 10:00:00')).toBe('2024-01-01 10:00:00');
  });
  it('binds hex markers as bytes', () => {
    expect(watermarkBinding('pg', '0x0001')).toEqual(Buffer.from([0, 1]));
  });
});
