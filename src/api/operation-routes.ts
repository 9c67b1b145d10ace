import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiConflictError, ApiNotFoundError } from './api-errors';
import { AnyObject, CycleParam, IdParam, ProvisionBody, SyncBody, UserParam } from './api-schemas';
import { channelLink, channelOr404, ops, runLinks, type ApiScope, type RouteContext } from './route-context';

/** Channel operations on Temporal: activate, pause/resume, sync, reset, approve, on-demand; status. */
export function registerOperationRoutes(scope: ApiScope, ctx: RouteContext): void {
  const api = scope.withTypeProvider<ZodTypeProvider>();
  const { store, control } = ctx;
  const deps = ctx;
  api.post(
    '/channels/:id/activate',
    { config: { role: 'operator' }, schema: { summary: 'Verify credentials, datastore, filter, exclusion and mapping; start cycling', tags: ['operations'], params: IdParam, response: { 200: AnyObject, 422: AnyObject, ...ops } } },
    async (req, reply) => {
      const { id } = req.params;
      const found = await store.getChannel(id);
      if (!found) {
        if ((await store.getChannelDraft(id)) !== undefined) throw new ApiConflictError(`channel ${id} is a draft; complete and save it before activating`);
        throw new ApiNotFoundError(`no channel with id "${id}"`);
      }
      const connection = await store.getConnection(found.config.connectionId);
      if (connection?.active === false) throw new ApiConflictError(`connection ${connection.id} is inactive; activate it first`);
      const result = await control.activate(id);
      return reply.code(result.ok ? 200 : 422).send({ ...result });
    },
  );
  for (const action of ['deactivate', 'pause', 'resume'] as const) {
    api.post(`/channels/:id/${action}`, { config: { role: 'operator' }, schema: { summary: `${action[0].toUpperCase()}${action.slice(1)} the channel`, tags: ['operations'], params: IdParam, response: { 202: AnyObject, ...ops } } }, async (req, reply) => {
      const { id } = req.params;
      await channelOr404(store, id);
      await control[action](id);
      if (action === 'deactivate') {
        const { config } = await channelOr404(store, id);
        await store.putChannel({ ...config, active: false });
      }
      return reply.code(202).send({ channelId: id, requested: action });
    });
  }
  api.post(
    '/channels/:id/sync',
    { config: { role: 'operator' }, schema: { summary: 'Start a cycle now (full, incremental or dry run); wait up to timeoutSeconds', tags: ['operations'], params: IdParam, body: SyncBody.optional(), response: { 200: AnyObject, 202: AnyObject, ...ops } } },
    async (req, reply) => {
      const { id } = req.params;
      const body = req.body ?? {};
      await channelOr404(store, id);
      const status = await control.status(id);
      if (status.paused) throw new ApiConflictError(`channel ${id} is paused; resume it first`);
      if (status.progress?.phase === 'awaiting-approval') throw new ApiConflictError(`channel ${id} has cycle ${status.currentCycle?.cycleNo} waiting for approval; approve or reject it first`);
      const started = await control.syncNow(id, { mode: body.mode, dryRun: body.dryRun });
      if (!body.wait) return reply.code(202).send(started);
      const timeoutMs = (body.timeoutSeconds ?? 60) * 1000;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const summary = await Promise.race([control.waitForCycle(started.workflowId), timedOut]).finally(() => clearTimeout(timer));
      if (summary === 'timeout') return reply.code(202).send({ ...started, finished: false });
      return reply.code(200).send({ ...started, summary });
    },
  );
  api.post('/channels/:id/reset', { config: { role: 'operator' }, schema: { summary: "Forget the channel's provisioning state and re-provision everything", tags: ['operations'], params: IdParam, response: { 202: AnyObject, ...ops } } }, async (req, reply) => {
    await channelOr404(store, req.params.id);
    return reply.code(202).send(await control.reset(req.params.id));
  });
  api.get('/channels/:id/status', { config: { role: 'read' }, schema: { summary: 'Workflow status and current cycle progress', tags: ['operations'], params: IdParam, response: { 200: AnyObject, ...ops } } }, async (req) => {
    await channelOr404(store, req.params.id);
    const status = await control.status(req.params.id);
    return { ...status, links: { ...runLinks(deps, status.currentCycle?.workflowId), ...channelLink(deps, req.params.id) } };
  });
  for (const decision of ['approve', 'reject'] as const) {
    api.post(`/channels/:id/cycles/:cycleNo/${decision}`, { config: { role: 'operator' }, schema: { summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a cycle held by the mass-change guard`, tags: ['operations'], params: CycleParam, response: { 202: AnyObject, ...ops } } }, async (req, reply) => {
      const { id, cycleNo } = req.params;
      await channelOr404(store, id);
      const status = await control.status(id);
      if (status.currentCycle?.cycleNo !== cycleNo || status.progress?.phase !== 'awaiting-approval') throw new ApiConflictError(`cycle ${cycleNo} of channel ${id} is not waiting for approval`);
      await control.approve(id, cycleNo, decision === 'approve');
      return reply.code(202).send({ channelId: id, cycleNo, requested: decision });
    });
  }
  api.post('/channels/:id/users/:guid/provision', { config: { role: 'operator' }, schema: { summary: 'Provision one user now, with the explanation', tags: ['operations'], params: UserParam, body: ProvisionBody.optional(), response: { 200: AnyObject, ...ops } } }, async (req) => {
    const { id, guid } = req.params;
    await channelOr404(store, id);
    return { ...(await control.provisionNow(id, guid, req.body?.dryRun ?? false)) };
  });

}
