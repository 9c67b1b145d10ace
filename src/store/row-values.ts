/**
 * Conversions between database values and domain values, identical on both databases:
 * SQLite returns dates as epoch milliseconds and booleans as 0/1, PostgreSQL returns Date and
 * boolean, and counts as strings (bigint).
 */

export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string') return /^-?\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
  throw new TypeError(`not a date value: ${typeof value}`);
}

export function toOptionalDate(value: unknown): Date | undefined {
  return value === null || value === undefined ? undefined : toDate(value);
}

export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true' || value === 1n;
}

export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function toOptionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : toNumber(value);
}

/** NULL becomes undefined, so optional domain fields are absent rather than null. */
export function opt<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

export function parseJson<T>(text: unknown): T {
  if (typeof text !== 'string') return text as T; // a driver that already parsed it
  return JSON.parse(text) as T;
}

/** Splits work into chunks that stay below SQLite's 500-term compound-select and parameter limits. */
export const CHUNK = 500;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
