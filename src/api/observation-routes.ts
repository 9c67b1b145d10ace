import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { StateStore } from '../store/state-store';
import { ApiNotFoundError } from './api-errors';
import { AnyArray, AnyObject, AuditQuery, CycleParam, IdParam, ListQuery, UserParam, UsersQuery } from './api-schemas';
import { auditCsv, auditFormat, auditNdjson } from './audit-export';
import { channelOr404, ops, runLinks, type ApiScope, type RouteContext } from './route-context';

/** What the engine did: cycles and their plans, users by status, each user's trail, the audit. */
export function registerObservationRoutes(scope: ApiScope, ctx: RouteContext): void {
  const api = scope.withTypeProvider<ZodTypeProvider>();
  const { store } = ctx;
  const deps = ctx;
  api.get('/channels/:id/cycles', { config: { role: 'read' }, schema: { summary: 'Recent cycles with counts, each with its Temporal Web UI link', tags: ['observation'], params: IdParam, querystring: ListQuery, response: { 200: AnyArray, ...ops } } }, async (req) => {
    await channelOr404(store, req.params.id);
    const cycles = await store.listCycles(req.params.id, req.query.limit);
    return cycles.map((c) => ({ ...c, links: runLinks(deps, `channel-${c.channelId}-cycle-${c.cycleNo}`) }));
  });
  api.get(
    '/channels/:id/cycles/:cycleNo',
    { config: { role: 'read' }, schema: { summary: 'One cycle and a page of its plan (the diff of a dry run): GUID, action, reason, outcome', tags: ['observation'], params: CycleParam, querystring: ListQuery, response: { 200: AnyObject, ...ops } } },
    async (req) => {
      const { id, cycleNo } = req.params;
      await channelOr404(store, id);
      const cycle = await store.findCycle(id, cycleNo);
      if (!cycle) throw new ApiNotFoundError(`channel ${id} has no cycle ${cycleNo}`);
      const items = await store.listPlanItems(cycle.id, { offset: req.query.offset, limit: req.query.limit });
      // The diff names users by GUID and says what and why; attribute values stay in the store.
      return {
        ...cycle,
        links: runLinks(deps, `channel-${id}-cycle-${cycleNo}`),
        page: { offset: req.query.offset, limit: req.query.limit },
        plan: items.map((i) => ({ seq: i.seq, guid: i.guid, action: i.action, reason: i.reason, outcome: i.outcome ?? null, message: i.message ?? null, concurId: i.concurId ?? null })),
      };
    },
  );
  api.get('/channels/:id/users', { config: { role: 'read' }, schema: { summary: 'User counts and users with ?status= (default: failed)', tags: ['observation'], params: IdParam, querystring: UsersQuery, response: { 200: AnyObject, ...ops } } }, async (req) => {
    const { id } = req.params;
    await channelOr404(store, id);
    const status = req.query.status ?? 'failed';
    const users = status === 'failed' ? await store.listFailed(id, req.query.limit) : await listUsersByStatus(store, id, status, req.query.limit);
    return { counts: await store.countUsers(id), status, users: users.map(publicUser), failed: status === 'failed' ? users.map(publicUser) : undefined };
  });
  api.get(
    '/channels/:id/audit',
    { config: { role: 'read' }, schema: { summary: 'Channel-wide audit, newest first: filter by action, outcome, GUID, time; cursor paging; ?format=csv|ndjson (or Accept) to export', tags: ['observation'], params: IdParam, querystring: AuditQuery, response: { 200: AnyObject, ...ops } } },
    async (req, reply) => {
      const { id } = req.params;
      await channelOr404(store, id);
      const q = req.query;
      const { entries, nextCursor } = await store.queryAudit(id, {
        action: q.action,
        outcome: q.outcome,
        guid: q.guid,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        before: q.cursor ? Number(q.cursor) : undefined,
        limit: q.limit,
      });
      if (nextCursor) reply.header('x-next-cursor', nextCursor);
      const format = auditFormat(q.format, req.headers.accept);
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').serializer((x: unknown) => x as string).send(auditCsv(entries) as never);
      if (format === 'ndjson') return reply.type('application/x-ndjson').serializer((x: unknown) => x as string).send(auditNdjson(entries) as never);
      return { entries, nextCursor: nextCursor ?? null };
    },
  );
  api.get('/channels/:id/users/:guid', { config: { role: 'read' }, schema: { summary: "One user's provisioning record and audit trail", tags: ['observation'], params: UserParam, response: { 200: AnyObject, ...ops } } }, async (req) => {
    const { id, guid } = req.params;
    await channelOr404(store, id);
    const user = await store.getUser(id, guid);
    if (!user) throw new ApiNotFoundError(`channel ${id} does not manage user ${guid}`);
    return { ...publicUser(user), audit: await store.listAudit(id, { guid, limit: 50 }) };
  });
}

/** Users of one status, when the store can list them (the knex store can). */
async function listUsersByStatus(store: StateStore, channelId: string, status: string, limit: number) {
  const s = store as StateStore & { listUsersByStatus?: (c: string, st: string, l: number) => Promise<Awaited<ReturnType<StateStore['listFailed']>>> };
  return s.listUsersByStatus ? s.listUsersByStatus(channelId, status, limit) : [];
}

function publicUser(u: { guid: string; concurId?: string; status: string; attempts: number; lastErrorCode?: string; lastError?: string; updatedAt: Date; nextAttemptAt?: Date }) {
  return {
    guid: u.guid,
    concurId: u.concurId ?? null,
    status: u.status,
    attempts: u.attempts,
    lastErrorCode: u.lastErrorCode ?? null,
    lastError: u.lastError ?? null,
    nextAttemptAt: u.nextAttemptAt ?? null,
    updatedAt: u.updatedAt,
  };
}
