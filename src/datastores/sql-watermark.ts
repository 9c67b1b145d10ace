/**
 * Watermarks for SQL sources: the highest updated-at value seen, as text. ISO 8601 with the
 * column's full precision for date/time columns, decimal text for numeric change counters.
 * Opaque to the engine; only this module compares them or turns them back into bind values.
 */
import type { SqlDialectName } from './sql-dialect';

const ISO = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

function compareIntegers(a: string, b: string): number {
  const negA = a.startsWith('-');
  const negB = b.startsWith('-');
  if (negA !== negB) return negA ? -1 : 1;
  const [x, y] = negA ? [b.slice(1), a.slice(1)] : [a, b];
  const xs = x.replace(/^0+(?=\d)/, '');
  const ys = y.replace(/^0+(?=\d)/, '');
  if (xs.length !== ys.length) return xs.length < ys.length ? -1 : 1;
  return xs < ys ? -1 : xs > ys ? 1 : 0;
}

/** Orders two markers of the same column: numerically, as instants, or as the database orders text. */
export function compareMarkers(a: string, b: string): number {
  if (NUMBER.test(a) && NUMBER.test(b)) {
    if (!a.includes('.') && !b.includes('.')) return compareIntegers(a, b);
    return Math.sign(Number(a) - Number(b));
  }
  const ia = ISO.exec(a);
  const ib = ISO.exec(b);
  if (ia && ib && (ia[4] ?? '') === (ib[4] ?? '')) {
    const key = (m: RegExpExecArray) => `${m[1]}T${m[2] ?? '00:00:00'}.${(m[3] ?? '').padEnd(9, '0')}`;
    const ka = key(ia);
    const kb = key(ib);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export function maxMarker(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareMarkers(a, b) >= 0 ? a : b;
}

/**
 * True when a watermark has a shape this datastore writes for a typed (PostgreSQL, MySQL) column:
 * ISO date/time, a decimal number or 0x-hex. SQLite markers are whatever text the application
 * stored, so any text is valid there.
 */
export function isWellFormedWatermark(dialect: SqlDialectName, watermark: string): boolean {
  if (dialect === 'better-sqlite3') return true;
  return ISO.test(watermark) || NUMBER.test(watermark) || /^0x[0-9a-f]*$/.test(watermark);
}

/**
 * A stored watermark as a bind value for `updated_at >= ?`. PostgreSQL parses ISO text for any
 * date/time type and casts decimal text to the column's numeric type. MySQL/MariaDB want
 * `YYYY-MM-DD HH:MM:SS.ffffff` (its sessions run at UTC, so a trailing Z is dropped). SQLite
 * compares what the application stored: numbers must be bound as numbers, text as text.
 */
export function watermarkBinding(dialect: SqlDialectName, watermark: string): unknown {
  if (watermark.startsWith('0x') && /^0x[0-9a-f]*$/.test(watermark)) return Buffer.from(watermark.slice(2), 'hex');
  switch (dialect) {
    case 'pg':
      return watermark;
    case 'mysql2': {
      const m = ISO.exec(watermark);
      if (!m || !m[2]) return watermark;
      return `${m[1]} ${m[2]}${m[3] ? `.${m[3]}` : ''}`;
    }
    case 'better-sqlite3':
      if (/^-?\d+$/.test(watermark)) {
        const big = BigInt(watermark);
        return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      return NUMBER.test(watermark) ? Number(watermark) : watermark;
  }
}
