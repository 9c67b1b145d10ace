import type { AuditEntry } from '../store/state-store';

export type AuditFormat = 'json' | 'csv' | 'ndjson';

const COLUMNS = ['id', 'at', 'guid', 'cycleId', 'action', 'outcome', 'reason', 'message'] as const;

/** The format asked for by `?format=` or else by the Accept header. */
export function auditFormat(format: AuditFormat | undefined, accept: string | undefined): AuditFormat {
  if (format) return format;
  if (accept?.includes('text/csv')) return 'csv';
  if (accept?.includes('application/x-ndjson')) return 'ndjson';
  return 'json';
}

function csvCell(v: unknown): string {
  const s = v instanceof Date ? v.toISOString() : v === undefined || v === null ? '' : String(v);
  // Quote everything that could break a row; a leading =,+,-,@ is neutralised against formula injection.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditCsv(entries: Array<AuditEntry & { id: number }>): string {
  return [COLUMNS.join(','), ...entries.map((e) => COLUMNS.map((c) => csvCell(e[c])).join(','))].join('\r\n') + '\r\n';
}

export function auditNdjson(entries: Array<AuditEntry & { id: number }>): string {
  return entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length ? '\n' : '');
}
