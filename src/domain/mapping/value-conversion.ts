/**
 * Converting source text to what Concur's boolean and date fields take. Sources spell these many
 * ways (LDAP TRUE/FALSE, SQL 1/0, HR exports yes/no, LDAP generalized time, AD FILETIME).
 */

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true],
  ['false', false],
  ['t', true],
  ['f', false],
  ['yes', true],
  ['no', false],
  ['y', true],
  ['n', false],
  ['1', true],
  ['0', false],
  ['on', true],
  ['off', false],
]);

/** TRUE/FALSE, T/F, yes/no, Y/N, 1/0, on/off (any case); undefined when it is none of those. */
export function parseBoolean(text: string): boolean | undefined {
  return BOOLEANS.get(text.toLowerCase());
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC; absent means the source gave no zone (taken as UTC). */
  offsetMinutes: number;
}

/** `never` is AD's "no date" (accountExpires 0 or 2^63-1): an empty value, not an error. */
export type DateConversion = { ok: true; value: string } | { ok: true; never: true } | { ok: false };

// LDAP generalized time (RFC 4517): YYYYMMDD[HH[MM[SS]]][.fff](Z|±hh[mm]); the date-only form
// is accepted too because SQL exports often use it.
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})?(\d{2})?(?:[.,]\d{1,9})?)?(Z|[+-]\d{2}(?:\d{2})?)?$/i;
// ISO 8601 / SQL: YYYY-MM-DD[(T| )hh:mm[:ss[.fff]]][Z|±hh[:mm]]
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
// AD FILETIME (100 ns ticks since 1601-01-01): 15+ digits, longer than any generalized time.
const FILETIME = /^\d{15,19}$/;
const FILETIME_NEVER = new Set(['0', '9223372036854775807']);
const FILETIME_EPOCH_OFFSET_MS = 11644473600000n;

function parseOffset(zone: string | undefined): number | undefined {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function parseDateParts(text: string): DateParts | 'never' | undefined {
  if (FILETIME_NEVER.has(text)) return 'never';
  if (FILETIME.test(text)) {
    const ms = BigInt(text) / 10000n - FILETIME_EPOCH_OFFSET_MS;
    const date = new Date(Number(ms));
    if (Number.isNaN(date.getTime())) return undefined;
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
      offsetMinutes: 0,
    };
  }
  const m = GENERALIZED_TIME.exec(text) ?? ISO_DATE.exec(text);
  if (!m) return undefined;
  const offsetMinutes = parseOffset(m[7]);
  if (offsetMinutes === undefined) return undefined;
  const parts: DateParts = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: m[4] === undefined ? 0 : Number(m[4]),
    minute: m[5] === undefined ? 0 : Number(m[5]),
    second: m[6] === undefined ? 0 : Number(m[6]),
    offsetMinutes,
  };
  if (parts.month < 1 || parts.month > 12 || parts.day < 1 || parts.day > daysInMonth(parts.year, parts.month)) return undefined;
  if (parts.hour > 23 || parts.minute > 59 || parts.second > 59) return undefined;
  return parts;
}

function daysInMonth(year: number, month: number): number {
  return [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Concur's date-time form, `YYYY-MM-DDThh:mm:ssZ`, in UTC (a source without a zone is taken as UTC). */
export function toConcurDateTime(text: string): DateConversion {
  const parts = parseDateParts(text);
  if (parts === 'never') return { ok: true, never: true };
  if (!parts) return { ok: false };
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  date.setUTCHours(parts.hour, parts.minute - parts.offsetMinutes, parts.second, 0);
  return {
    ok: true,
    value: `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`,
  };
}

/** `YYYY-MM-DD`, the calendar date as written (a birthday does not move with time zones). */
export function toConcurDate(text: string): DateConversion {
  const parts = parseDateParts(text);
  if (parts === 'never') return { ok: true, never: true };
  if (!parts) return { ok: false };
  return { ok: true, value: `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}` };
}
