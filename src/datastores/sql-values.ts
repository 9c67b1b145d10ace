/**
 * Rendering SQL column values as SourceEntry text. Pure: no driver imports.
 *
 * Dates and times arrive as `SqlTemporal` (the drivers are told not to build JS Dates, which would
 * drop microseconds): `native` is the database's own text, bound back unchanged in keyset
 * conditions; `iso` is the ISO 8601 rendering used for attributes and watermarks.
 */
export class SqlTemporal {
  constructor(
    readonly native: string,
    readonly iso: string,
  ) {}

  /** node-postgres binds objects through this hook. */
  toPostgres(): string {
    return this.native;
  }

  toString(): string {
    return this.iso;
  }
}

const FRACTION_DIGITS = 6;

function padFraction(fraction: string | undefined): string {
  const digits = (fraction ?? '').replace('.', '');
  return `.${digits.padEnd(FRACTION_DIGITS, '0')}`;
}

/**
 * PostgreSQL text output (DateStyle ISO, TimeZone UTC) to ISO 8601 with a fixed six-digit
 * fraction, so ISO strings of one column sort as their values do. `infinity` and BC dates stay as
 * PostgreSQL wrote them.
 */
export function pgTemporal(text: string): SqlTemporal {
  const m = /^(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/.exec(text);
  const naive = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?$/.exec(text);
  if (naive) return new SqlTemporal(text, `${naive[1]}T${naive[2]}${padFraction(naive[3])}`);
  if (!m) return new SqlTemporal(text, text);
  if (!m[2]) return new SqlTemporal(text, m[1]); // a date
  const offsetMinutes = m[5] ?? '00';
  const zone = m[4] === '+00' && offsetMinutes === '00' && !m[6] ? 'Z' : `${m[4]}:${offsetMinutes}`;
  return new SqlTemporal(text, `${m[1]}T${m[2]}${padFraction(m[3])}${zone}`);
}

/**
 * MySQL/MariaDB text output to ISO. TIMESTAMP columns are read with the session time zone at UTC
 * (so they get `Z`); DATETIME has no zone and stays a local ISO time. The fraction keeps the
 * column's own precision, which is fixed per column.
 */
export function mysqlTemporal(text: string, kind: 'date' | 'datetime' | 'timestamp'): SqlTemporal {
  if (kind === 'date' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(text)) return new SqlTemporal(text, text);
  return new SqlTemporal(text, `${text.replace(' ', 'T')}${kind === 'timestamp' ? 'Z' : ''}`);
}

function isBinary(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** 16 bytes in RFC 4122 order (MySQL UUID_TO_BIN, PostgreSQL uuid_send) as canonical GUID text. */
export function bytesToGuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Canonical GUID text (with or without dashes/braces) back to 16 bytes; undefined when not a GUID. */
export function guidToBytes(text: string): Buffer | undefined {
  const hex = text.replace(/^\{|\}$/g, '').replace(/-/g, '');
  return /^[0-9a-fA-F]{32}$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

/** Column value -> attribute values. null is absent (no values); arrays give several values. */
export function renderValues(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'bigint') return [String(value)];
  if (typeof value === 'boolean') return [value ? 'true' : 'false'];
  if (value instanceof SqlTemporal) return [value.iso];
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? [] : [value.toISOString()];
  if (isBinary(value)) return [Buffer.from(value).toString('base64')];
  if (Array.isArray(value)) return value.flatMap(renderValues);
  const withIso = value as { toISOString?: () => string };
  if (typeof withIso.toISOString === 'function') return [withIso.toISOString()];
  return [JSON.stringify(value)];
}

/** The GUID column's value as text: binary(16) as a canonical GUID, other bytes as hex. */
export function renderGuid(value: unknown): string | undefined {
  if (isBinary(value)) return value.length === 16 ? bytesToGuid(value) : Buffer.from(value).toString('hex');
  return renderValues(value)[0];
}

/** A change marker as text (the watermark form): ISO for times, decimal for counters. */
export function renderMarker(value: unknown): string | undefined {
  if (isBinary(value)) return `0x${Buffer.from(value).toString('hex')}`;
  return renderValues(value)[0];
}

/** The value to bind when comparing with a value read earlier from the same column. */
export function cursorBinding(value: unknown): unknown {
  return value instanceof SqlTemporal ? value.native : value;
}
