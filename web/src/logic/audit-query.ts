/** The audit page's filters as the API's query (empty filters left out, local times as ISO). Pure. */
export function auditQuery(f: { action: string; outcome: string; guid: string; from: string; to: string }, cursor?: string): Record<string, string> {
  const q: Record<string, string> = { limit: '100' };
  if (f.action) q.action = f.action;
  if (f.outcome) q.outcome = f.outcome;
  if (f.guid.trim()) q.guid = f.guid.trim();
  for (const k of ['from', 'to'] as const) {
    if (!f[k]) continue;
    const t = new Date(f[k]);
    q[k] = Number.isNaN(t.getTime()) ? f[k] : t.toISOString();
  }
  if (cursor) q.cursor = cursor;
  return q;
}
