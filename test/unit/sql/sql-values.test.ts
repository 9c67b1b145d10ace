import { bytesToGuid, cursorBinding, guidToBytes, mysqlTemporal, pgTemporal, renderGuid, renderMarker, renderValues, SqlTemporal } from '../../../src/datastores/sql-values';

describe('pgTemporal', () => {
  it('keeps microseconds and pads the fraction so one column sorts as text', () => {
    expect(pgTemporal('2024-03-01 10:20:30.123456+00').iso).toBe('2024-03-01T10:20:30.123456Z');
    expect(pgTemporal('2024-03-01 10:20:30.5+00').iso).toBe('2024-03-01T10:20:30.500000Z');
    expect(pgTemporal('2024-03-01 10:20:30+00').iso).toBe('2024-03-01T10:20:30.000000Z');
  });
  it('renders zone offsets and naive timestamps', () => {
    expect(pgTemporal('2024-03-01 10:20:30+05:30').iso).toBe('2024-03-01T10:20:30.000000+05:30');
    expect(pgTemporal('2024-03-01 10:20:30-07').iso).toBe('2024-03-01T10:20:30.000000-07:00');
    expect(pgTemporal('2024-03-01 10:20:30.25').iso).toBe('2024-03-01T10:20:30.250000');
  });
  it('keeps dates, infinity and the native text for binding back', () => {
    expect(pgTemporal('2024-03-01').iso).toBe('2024-03-01');
    expect(pgTemporal('infinity').iso).toBe('infinity');
    const t = pgTemporal('2024-03-01 10:20:30.123456+00');
    expect(cursorBinding(t)).toBe('2024-03-01 10:20:30.123456+00');
    expect(t.toPostgres()).toBe('2024-03-01 10:20:30.123456+00');
  });
});

describe('mysqlTemporal', () => {
  it('marks TIMESTAMP (read at UTC) with Z and leaves DATETIME local', () => {
    expect(mysqlTemporal('2024-03-01 10:20:30.000001', 'timestamp').iso).toBe('2024-03-01T10:20:30.000001Z');
    expect(mysqlTemporal('2024-03-01 10:20:30', 'datetime').iso).toBe('2024-03-01T10:20:30');
    expect(mysqlTemporal('2024-03-01', 'date').iso).toBe('2024-03-01');
    expect(mysqlTemporal('0000-00-00 00:00:00', 'datetime').native).toBe('0000-00-00 00:00:00');
  });
});

describe('renderValues', () => {
  it('drops null, renders scalars as text', () => {
    expect(renderValues(null)).toEqual([]);
    expect(renderValues(undefined)).toEqual([]);
    expect(renderValues('')).toEqual(['']);
    expect(renderValues(42)).toEqual(['42']);
    expect(renderValues(1.5)).toEqual(['1.5']);
    expect(renderValues(9007199254740993n)).toEqual(['9007199254740993']);
    expect(renderValues(false)).toEqual(['false']);
    expect(renderValues(new Date('2024-01-02T03:04:05.678Z'))).toEqual(['2024-01-02T03:04:05.678Z']);
    expect(renderValues(new SqlTemporal('x', '2024-01-02'))).toEqual(['2024-01-02']);
  });
  it('renders arrays as several values, objects as JSON, bytes as base64', () => {
    expect(renderValues(['a', null, 'b'])).toEqual(['a', 'b']);
    expect(renderValues({ a: 1 })).toEqual(['{"a":1}']);
    expect(renderValues(Buffer.from([1, 2, 3]))).toEqual(['AQID']);
  });
  it('keeps a delimited list as one value', () => {
    expect(renderValues('a;b;c')).toEqual(['a;b;c']);
  });
});

describe('GUIDs', () => {
  const text = '0f8fad5b-d9cb-469f-a165-70867728950e';
  it('renders 16 bytes canonically and parses it back', () => {
    const bytes = guidToBytes(text)!;
    expect(bytes).toHaveLength(16);
    expect(bytesToGuid(bytes)).toBe(text);
    expect(renderGuid(bytes)).toBe(text);
    expect(guidToBytes(`{${text.toUpperCase()}}`)).toEqual(bytes);
    expect(guidToBytes('not-a-guid')).toBeUndefined();
  });
  it('renders other GUID types as text', () => {
    expect(renderGuid(Buffer.from([0xab, 0xcd]))).toBe('abcd');
    expect(renderGuid(17)).toBe('17');
    expect(renderGuid(12345678901234567890n)).toBe('12345678901234567890');
    expect(renderGuid('E-100')).toBe('E-100');
    expect(renderGuid(null)).toBeUndefined();
  });
  it('renders binary change markers as 0x-hex', () => {
    expect(renderMarker(Buffer.from([0, 0, 0, 1]))).toBe('0x00000001');
  });
});
