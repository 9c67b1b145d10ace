import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { applyConfig } from '../config/apply-config';
import { planConfig } from '../domain/config/config-plan';
import { OutboundConfig } from '../domain/config/outbound-config';
import type { StateStore } from '../store/state-store';
import type { ActivityDeps } from '../activities/activity-deps';
import { ApiConflictError, ApiNotFoundError, ApiRequestError, zodIssues } from './api-errors';
import { auditCsv, auditFormat, auditNdjson } from './audit-export';
import { configSchemaComponents, AnyArray, AnyObject, AuditQuery, CycleParam, IdParam, ListQuery, ProblemResponse, ProvisionBody, PruneQuery, StepQuery, SyncBody, UserParam, UsersQuery } from './api-schemas';
import { ChannelControl, ChannelNotRunningError } from './channel-control';
import { registerCodecRoutes } from './codec-routes';
import { registerConsoleRoutes } from './console-routes';
import { registerConcurFieldRoutes } from './concur-field-routes';
import { registerDatastoreTestRoutes } from './datastore-test-routes';
import { registerDraftRoutes } from './draft-routes';
import { missingByStep } from './draft-steps';
import { registerHealthRoutes } from './health-routes';
import { installProblemHandling, sendProblem } from './problem-handling';
import { refuseUnsetSecrets, registerResourceRoutes } from './resource-routes';
import { connectionSecretFields, datastoreSecretFields } from '../store/config-secret-fields';
import { keepSetSecrets, publicConnection, publicDatastore, secretPointers } from './resource-views';
import { apiAuthOnDatabase, registerApiAuth, type ApiAuthOptions } from './auth/api-auth';
import type { RouteRole } from './auth/api-role';
import { loadSettings } from '../config/settings';
import { secretPolicyFromEnv, secretReferenceIssues, type SecretPolicy } from '../config/secret-policy';
import type { ConfigIssue } from '../domain/config/outbound-config';
import type { Knex } from 'knex';
import { channelWorkflowId } from '../workflows/workflow-ids';


export const API_PREFIX = '/api/v1';

export interface ApiDeps {
  client: Client;
  store: StateStore;
  /** Serves /api/v1/codec/{encode,decode} (Web UI, Temporal CLI) when given. */
  codec?: PayloadCodec;
  /** The Temporal Web UI's origin: the only one CORS lets call the codec. */
  uiOrigin?: string;
  /** Where secret references may point (default: from the environment, see secret-policy.ts). */
  secretPolicy?: SecretPolicy;
  /** Keys, admin audit and allowed Host names; by default on the state store's own database. */
  auth?: ApiAuthOptions;
  /** Temporal Web UI base URL (e.g. http://127.0.0.1:8233), for links to runs. */
  temporalUiUrl?: string;
  namespace?: string;
  /** Task queue of the workers (default: Outbound's). */
  taskQueue?: string;
  /** Opens a connection's Concur target for `POST /connections/{id}/test` (the worker's factory). */
  openTarget?: ActivityDeps['openTarget'];
  /** How long /readyz waits for each dependency (default 3 s). */
  readinessTimeoutMs?: number;
  /** Pino logger options; request bodies are never logged. */
  logger?: boolean | Record<string, unknown>;
}

const ops = { 400: ProblemResponse, 404: ProblemResponse, 409: ProblemResponse, 413: ProblemResponse, 415: ProblemResponse };

/** The admin HTTP API: thin over the state store (reads) and Temporal (actions), under /api/v1. */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    // Fastify logs method, url and status only: bodies (config with secrets, user data) never.
    logger: deps.logger ?? false,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 1000 },
    // Router-level errors (an over-long or undecodable path) are problem+json like the rest.
    frameworkErrors: (err, _req, reply) => {
      void sendProblem(reply, 400, 'invalid-request', err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path segment is too long' : 'the URL is malformed');
    },
    // Schemas validate; strings are not coerced into numbers behind the caller's back.
    ajv: { customOptions: { coerceTypes: false } },
  });
  app.setValidatorCompiler(validatorCompiler);
  // Responses are described, not re-validated at runtime (a mismatch would turn into a 500).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installProblemHandling(app);
  registerApiAuth(app, deps.auth ?? authOnStore(deps.store));
  const secretPolicy = deps.secretPolicy ?? secretPolicyFromEnv(process.env, loadSettings().dataDir);
  /** Secret references confined by the policy; each refusal names the field as a JSON pointer. */
  const checkSecrets = async (config: Parameters<typeof secretReferenceIssues>[0], pointer: (issue: ConfigIssue) => string) => {
    const issues = await secretReferenceIssues(config, secretPolicy, deps.store);
    if (issues.length) throw new ApiRequestError(issues.map((i) => ({ pointer: pointer(i), message: i.message })));
  };
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object), role: (route.config as { role?: RouteRole } | undefined)?.role ?? (route.url.startsWith(`${API_PREFIX}/docs`) ? 'public' : undefined) };
    const role = (route.config as { role?: RouteRole }).role;
    if (role !== 'public' && route.schema) route.schema = { ...route.schema, security: [{ apiKey: [] }] };
    if (route.schema && role !== 'public') {
      const response = (route.schema.response ?? {}) as Record<string, unknown>;
      route.schema.response = { ...response, 401: ProblemResponse, 403: ProblemResponse };
    }
  });

  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Outbound admin API', version: '1.0.0', description: 'Provision SAP Concur users from LDAP and SQL sources.' },
      servers: [{ url: '/' }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An Outbound API key' } }, schemas: configSchemaComponents() as never },
    },
    transform: jsonSchemaTransform,
  });
  void app.register(swaggerUi, { routePrefix: `${API_PREFIX}/docs` });

  const control = new ChannelControl(deps.client, deps.taskQueue);
  const { store } = deps;
  // Registered after the description plugin, so it sees their routes.
  void app.register(async (root) => {
    registerHealthRoutes(root, deps);
    registerConsoleRoutes(root);
    if (deps.codec) registerCodecRoutes(root, deps.codec, { uiOrigin: deps.uiOrigin, prefix: `${API_PREFIX}/codec` });
  });

  void app.register(
    async (scope) => {
      const api = scope.withTypeProvider<ZodTypeProvider>();
      api.get('/openapi.json', { config: { role: 'read' }, schema: { hide: true } }, async () => app.swagger());

      const channelOr404 = async (id: string) => {
        const found = await store.getChannel(id);
        if (!found) throw new ApiNotFoundError(`no channel with id "${id}"`);
        return found;
      };
      const pauseChannelsOf = async (connectionId: string) => {
        for (const { config } of await store.listChannels()) {
          if (config.connectionId !== connectionId) continue;
          await control.pause(config.id).catch((err: unknown) => {
            if (!(err instanceof ChannelNotRunningError)) throw err;
          });
        }
      };
      registerResourceRoutes(scope, store, {
        onConnectionInactive: pauseChannelsOf,
        // One object: `datastores[0].bindPassword` is `/body/bindPassword`.
        checkSecrets: (config) => checkSecrets(config, (i) => `/body/${i.path.replace(/^\w+\[\d+\]\.?/, '').replace(/\./g, '/')}`),
      });
      registerDraftRoutes(scope, store);
      registerDatastoreTestRoutes(scope, store);
      registerConcurFieldRoutes(scope);

      // configuration as code -------------------------------------------------------------
      const parseConfig = (body: unknown) => {
        const parsed = OutboundConfig.safeParse(body);
        if (!parsed.success) throw new ApiRequestError(zodIssues('/body', parsed.error.issues as never));
        return parsed.data;
      };
      const currentConfig = async () => ({
        datastores: await store.listDatastores(),
        connections: await store.listConnections(),
        channels: (await store.listChannels()).map((c) => c.config),
      });
      api.get('/config', { config: { role: 'read' }, schema: { summary: 'Current configuration (secrets shown as "set" or a reference)', tags: ['config'], response: { 200: AnyObject } } }, async () => {
        const c = await currentConfig();
        return { datastores: c.datastores.map(publicDatastore), connections: c.connections.map(publicConnection), channels: c.channels };
      });
      api.post(
        '/config/plan',
        { config: { role: 'admin' }, schema: { summary: 'What applying this configuration would change (secrets only as "changed")', tags: ['config'], querystring: PruneQuery, body: AnyObject, response: { 200: AnyObject, ...ops } } },
        async (req) => {
          const desired = parseConfig(req.body);
          await keepStoredSecrets(store, desired);
          await checkSecrets(desired, configPointer);
          const current = await currentConfig();
          // Literal secrets equal to what the vault holds are no change.
          await sameSecretsAsStored(store, current, desired);
          const changes = planConfig(current, { ...desired, channels: desired.channels }, { prune: req.query.prune === 'true', secretFields: secretPointers });
          return { changes };
        },
      );
      api.put(
        '/config',
        { config: { role: 'admin' }, schema: { summary: 'Apply a configuration in one transaction; ?prune=true deletes what it no longer names', tags: ['config'], querystring: PruneQuery, body: AnyObject, response: { 200: AnyObject, ...ops } } },
        async (req) => {
          const config = parseConfig(req.body);
          await keepStoredSecrets(store, config);
          await checkSecrets(config, configPointer);
          const prune = req.query.prune === 'true';
          if (prune) {
            const names = new Set(config.channels.map((c) => c.id));
            const active = (await store.listChannels()).filter((c) => c.config.active && !names.has(c.config.id)).map((c) => c.config.id);
            if (active.length) throw new ApiConflictError(`prune would delete active channel(s) ${active.join(', ')}; deactivate them first`);
          }
          const summary = await applyConfig(store, config, { prune });
          // The file's `active` flags: activation runs the same checks as POST …/activate.
          const activations = [];
          for (const id of summary.toActivate) activations.push(await control.activate(id));
          for (const id of summary.toDeactivate) {
            await control.deactivate(id).catch((err: unknown) => {
              if (!(err instanceof ChannelNotRunningError)) throw err;
            });
            const found = await store.getChannel(id);
            if (found) await store.putChannel({ ...found.config, active: false });
          }
          return { ...summary, activations };
        },
      );

      // checks without side effects -----------------------------------------------------------
      api.post(
        '/connections/:id/test',
        { config: { role: 'operator' }, schema: { summary: 'Obtain a token and make one read-only Concur call; answers the named check activation uses', tags: ['connections'], params: IdParam, response: { 200: AnyObject, ...ops } } },
        async (req) => {
          const connection = await store.getConnection(req.params.id);
          if (!connection) throw new ApiNotFoundError(`no connection with id "${req.params.id}"`);
          if (!deps.openTarget) throw new ApiConflictError('this API process cannot reach Concur (no target factory configured)');
          const target = deps.openTarget(connection);
          try {
            const verified = await target.verify();
            const check = verified.ok
              ? { name: 'target-credentials', ok: true, message: 'Concur accepted the credentials' }
              : { name: 'target-credentials', ok: false, setting: `connection.${connection.id}.auth`, message: `${verified.reason}: ${verified.message}` };
            return { ok: check.ok, checks: [check] };
          } finally {
            await target.close();
          }
        },
      );

      // drafts -------------------------------------------------------------------------------
      api.post(
        '/channels/validate',
        { config: { role: 'read' }, schema: { summary: 'Check a (partial) channel without saving: what is missing, per wizard step or for one ?step=', tags: ['channels'], querystring: StepQuery, body: AnyObject, response: { 200: AnyObject, ...ops } } },
        async (req) => {
          const missing = missingByStep(req.body);
          if (req.query.step) return { step: req.query.step, ok: missing[req.query.step].length === 0, missing: missing[req.query.step] };
          return { ok: missing.review.length === 0, missing };
        },
      );

      // channel operations -------------------------------------------------------------------
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
          await channelOr404(id);
          await control[action](id);
          if (action === 'deactivate') {
            const { config } = await channelOr404(id);
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
          await channelOr404(id);
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
        await channelOr404(req.params.id);
        return reply.code(202).send(await control.reset(req.params.id));
      });
      api.get('/channels/:id/status', { config: { role: 'read' }, schema: { summary: 'Workflow status and current cycle progress', tags: ['operations'], params: IdParam, response: { 200: AnyObject, ...ops } } }, async (req) => {
        await channelOr404(req.params.id);
        const status = await control.status(req.params.id);
        return { ...status, links: { ...runLinks(deps, status.currentCycle?.workflowId), ...channelLink(deps, req.params.id) } };
      });
      for (const decision of ['approve', 'reject'] as const) {
        api.post(`/channels/:id/cycles/:cycleNo/${decision}`, { config: { role: 'operator' }, schema: { summary: `${decision === 'approve' ? 'Approve' : 'Reject'} a cycle held by the mass-change guard`, tags: ['operations'], params: CycleParam, response: { 202: AnyObject, ...ops } } }, async (req, reply) => {
          const { id, cycleNo } = req.params;
          await channelOr404(id);
          const status = await control.status(id);
          if (status.currentCycle?.cycleNo !== cycleNo || status.progress?.phase !== 'awaiting-approval') throw new ApiConflictError(`cycle ${cycleNo} of channel ${id} is not waiting for approval`);
          await control.approve(id, cycleNo, decision === 'approve');
          return reply.code(202).send({ channelId: id, cycleNo, requested: decision });
        });
      }
      api.post('/channels/:id/users/:guid/provision', { config: { role: 'operator' }, schema: { summary: 'Provision one user now, with the explanation', tags: ['operations'], params: UserParam, body: ProvisionBody.optional(), response: { 200: AnyObject, ...ops } } }, async (req) => {
        const { id, guid } = req.params;
        await channelOr404(id);
        return { ...(await control.provisionNow(id, guid, req.body?.dryRun ?? false)) };
      });

      // observation --------------------------------------------------------------------------
      api.get('/channels/:id/cycles', { config: { role: 'read' }, schema: { summary: 'Recent cycles with counts, each with its Temporal Web UI link', tags: ['observation'], params: IdParam, querystring: ListQuery, response: { 200: AnyArray, ...ops } } }, async (req) => {
        await channelOr404(req.params.id);
        const cycles = await store.listCycles(req.params.id, req.query.limit);
        return cycles.map((c) => ({ ...c, links: runLinks(deps, `channel-${c.channelId}-cycle-${c.cycleNo}`) }));
      });
      api.get(
        '/channels/:id/cycles/:cycleNo',
        { config: { role: 'read' }, schema: { summary: 'One cycle and a page of its plan (the diff of a dry run): GUID, action, reason, outcome', tags: ['observation'], params: CycleParam, querystring: ListQuery, response: { 200: AnyObject, ...ops } } },
        async (req) => {
          const { id, cycleNo } = req.params;
          await channelOr404(id);
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
        await channelOr404(id);
        const status = req.query.status ?? 'failed';
        const users = status === 'failed' ? await store.listFailed(id, req.query.limit) : await listUsersByStatus(store, id, status, req.query.limit);
        return { counts: await store.countUsers(id), status, users: users.map(publicUser), failed: status === 'failed' ? users.map(publicUser) : undefined };
      });
      api.get(
        '/channels/:id/audit',
        { config: { role: 'read' }, schema: { summary: 'Channel-wide audit, newest first: filter by action, outcome, GUID, time; cursor paging; ?format=csv|ndjson (or Accept) to export', tags: ['observation'], params: IdParam, querystring: AuditQuery, response: { 200: AnyObject, ...ops } } },
        async (req, reply) => {
          const { id } = req.params;
          await channelOr404(id);
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
        await channelOr404(id);
        const user = await store.getUser(id, guid);
        if (!user) throw new ApiNotFoundError(`channel ${id} does not manage user ${guid}`);
        return { ...publicUser(user), audit: await store.listAudit(id, { guid, limit: 50 }) };
      });
    },
    { prefix: API_PREFIX },
  );
  return app;
}

/** Users of one status, when the store can list them (the knex store can). */
async function listUsersByStatus(store: StateStore, channelId: string, status: string, limit: number) {
  const s = store as StateStore & { listUsersByStatus?: (c: string, st: string, l: number) => Promise<Awaited<ReturnType<StateStore['listFailed']>>> };
  return s.listUsersByStatus ? s.listUsersByStatus(channelId, status, limit) : [];
}

/** The Web UI's page of a workflow id (it opens the latest run: each cycle is its own workflow id). */
function runLinks(deps: ApiDeps, workflowId: string | undefined): { temporalUi?: string } {
  if (!deps.temporalUiUrl || !workflowId) return {};
  return { temporalUi: `${deps.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.namespace ?? 'default')}/workflows/${encodeURIComponent(workflowId)}` };
}

/** The channel workflow's page (its signals, queries and continue-as-new chain). */
function channelLink(deps: ApiDeps, channelId: string): { channelTemporalUi?: string } {
  const link = runLinks(deps, channelWorkflowId(channelId)).temporalUi;
  return link ? { channelTemporalUi: link } : {};
}

/** Replaces literal secrets that equal the stored (vaulted) value by the stored reference, for the plan. */
/** A file read back from GET /config shows stored secrets as "set": applying it keeps them. */
async function keepStoredSecrets(store: StateStore, config: z.infer<typeof OutboundConfig>): Promise<void> {
  for (const [i, d] of config.datastores.entries()) {
    const previous = await store.getDatastore(d.id);
    refuseUnsetSecrets(keepSetSecrets(datastoreSecretFields(d), previous ? datastoreSecretFields(previous) : undefined), `/body/datastores/${i}`);
  }
  for (const [i, c] of config.connections.entries()) {
    const previous = await store.getConnection(c.id);
    refuseUnsetSecrets(keepSetSecrets(connectionSecretFields(c), previous ? connectionSecretFields(previous) : undefined), `/body/connections/${i}`);
  }
}

/** `datastores[0].bindPassword` as the JSON pointer `/body/datastores/0/bindPassword`. */
function configPointer(issue: ConfigIssue): string {
  return `/body/${issue.path.replace(/\[(\d+)\]/g, '.$1').replace(/\./g, '/')}`;
}

/** Auth on the store's database when the caller gives none (the store is a KnexStateStore). */
function authOnStore(store: StateStore): ApiAuthOptions {
  const db = (store as { db?: Knex }).db;
  if (!db) throw new Error('buildApi needs `auth` when the state store is not knex-backed');
  return apiAuthOnDatabase(db);
}

async function sameSecretsAsStored(store: StateStore, current: z.infer<typeof OutboundConfig>, desired: z.infer<typeof OutboundConfig>): Promise<void> {
  const reader = store as StateStore & { readSecret?: (id: string) => Promise<string> };
  if (!reader.readSecret) return;
  const { connectionSecretFields, datastoreSecretFields } = await import('../store/config-secret-fields');
  const pairs = [
    ...desired.datastores.map((d) => [datastoreSecretFields(d), current.datastores.find((c) => c.id === d.id)] as const).map(([f, prev]) => [f, prev ? datastoreSecretFields(prev) : []] as const),
    ...desired.connections.map((d) => [connectionSecretFields(d), current.connections.find((c) => c.id === d.id)] as const).map(([f, prev]) => [f, prev ? connectionSecretFields(prev) : []] as const),
  ];
  for (const [next, prev] of pairs) {
    for (const f of next) {
      const stored = prev.find((p) => p.name === f.name)?.get();
      const value = f.get();
      if (!stored?.startsWith('vault:') || value === undefined || /^(env|file|vault):/.test(value)) continue;
      const plain = await reader.readSecret(stored.slice('vault:'.length)).catch(() => undefined);
      if (plain === value) f.set(stored);
    }
  }
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
