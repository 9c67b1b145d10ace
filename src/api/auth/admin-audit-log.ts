import type { Knex } from 'knex';
import { toDate } from '../../store/row-values';

/** One write through the API: who (key id and role), what (method, route, object), when, answer. */
export interface AdminAuditEntry {
  at: Date;
  keyId: string;
  role: string;
  method: string;
  /** The route pattern, e.g. `/channels/:id/sync` (never a body or query). */
  route: string;
  /** What the write was about, e.g. `channel:demo`, or `config` for the whole file. */
  object: string;
  status: number;
}

/** The audit of administrators' and operators' writes, in the state store. */
export class AdminAuditLog {
  constructor(private readonly db: Knex) {}

  async record(entry: AdminAuditEntry): Promise<void> {
    await this.db('admin_audit').insert({
      at: entry.at,
      key_id: entry.keyId,
      role: entry.role,
      method: entry.method,
      route: entry.route.slice(0, 256),
      object: entry.object.slice(0, 256),
      status: entry.status,
    });
  }

  /** Newest first. */
  async list(options: { object?: string; limit: number }): Promise<AdminAuditEntry[]> {
    const q = this.db('admin_audit').select('at', 'key_id', 'role', 'method', 'route', 'object', 'status').orderBy('id', 'desc').limit(options.limit);
    if (options.object) q.where({ object: options.object });
    const rows = (await q) as Array<{ at: unknown; key_id: string; role: string; method: string; route: string; object: string; status: number | string }>;
    return rows.map((r) => ({ at: toDate(r.at), keyId: r.key_id, role: r.role, method: r.method, route: r.route, object: r.object, status: Number(r.status) }));
  }
}

const SINGULAR: Record<string, string> = { channels: 'channel', datastores: 'datastore', connections: 'connection', keys: 'key', cycles: 'cycle', users: 'user' };

/**
 * The object a route is about, from its pattern and parameters: the resource named before the
 * first `:id`-like parameter (`/api/v1/channels/:id/sync` → `channel:demo`), else the last static
 * segment (`/config` → `config`).
 */
export function auditedObject(route: string, params: Record<string, unknown>): string {
  const segments = route.split('/').filter(Boolean);
  for (let i = 1; i < segments.length; i++) {
    if (!segments[i].startsWith(':')) continue;
    const kind = SINGULAR[segments[i - 1]] ?? segments[i - 1];
    return `${kind}:${String(params[segments[i].slice(1)] ?? '')}`;
  }
  const statics = segments.filter((s) => !s.startsWith(':') && s !== 'api' && !/^v\d+$/.test(s));
  return statics.join('/') || '/';
}
