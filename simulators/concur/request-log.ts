/** One entry of the simulator's request log (`requests()`, `GET /_sim/requests`). */
export interface SimRequestLog {
  index: number;
  time: string;
  method: string;
  path: string;
  /** HTTP status answered; 0 when the connection was reset or the request held (see `fault`). */
  status: number;
  durationMs: number;
  /** Request headers; Authorization keeps only its scheme. */
  headers: Record<string, string>;
  /** Parsed JSON, form fields with secrets masked, or raw text; undefined when empty or not logged. */
  body?: unknown;
  fault?: 'reset' | 'timeout' | 'throttle' | 'error' | 'lost';
}

const SECRET_FIELDS = new Set(['client_secret', 'password', 'refresh_token', 'code', 'access_token']);

/** Masks what must never reach a log: the Authorization value and secret form fields. */
export function safeHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    const s = Array.isArray(v) ? v.join(', ') : v;
    out[k] = k === 'authorization' ? `${s.split(' ')[0]} [redacted]` : s;
  }
  return out;
}

export function safeBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes('x-www-form-urlencoded')) {
    const form = new URLSearchParams(raw);
    const out: Record<string, string> = {};
    for (const [k, v] of form) out[k] = SECRET_FIELDS.has(k) ? '[redacted]' : v;
    return out;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    // Legacy XML batches carry passwords.
    return raw.replace(/<Password>[^<]*<\/Password>/gi, '<Password>[redacted]</Password>');
  }
}

/** Bounded in-memory log; indexes keep counting when old entries fall off. */
export class RequestLog {
  private entries: SimRequestLog[] = [];
  private next = 0;
  constructor(private readonly limit: number) {}

  push(e: Omit<SimRequestLog, 'index'>): void {
    this.entries.push({ ...e, index: this.next++ });
    // Trim in batches: splicing one entry per request would cost O(limit) on every request.
    if (this.entries.length > this.limit + Math.max(64, this.limit >> 3)) this.entries.splice(0, this.entries.length - this.limit);
  }

  since(index = 0): SimRequestLog[] {
    const kept = this.entries.length > this.limit ? this.entries.slice(-this.limit) : this.entries;
    const first = kept.length ? kept[0].index : 0;
    return kept.slice(Math.max(0, index - first));
  }

  clear(): void {
    this.entries = [];
  }
}
