import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { applyConfig } from '../config/apply-config';
import { loadSettings } from '../config/settings';
import { secretPolicyFromEnv, secretReferenceIssues, type SecretPolicy } from '../config/secret-policy';
import { ConfigError, describeIssues, parseOutboundConfig } from '../domain/config/outbound-config';
import type { StateStore } from '../store/state-store';
import { ChannelIdParam, CycleParam, ListQuery, openApiDocument, ProvisionBody, SyncBody, UserParam } from './api-schemas';
import { ChannelControl, ChannelNotRunningError } from './channel-control';
import { registerCodecRoutes } from './codec-routes';
import { apiAuthOnDatabase, registerApiAuth, type ApiAuthOptions } from './auth/api-auth';
import type { Knex } from 'knex';

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
  /** Task queue of the workers (default: Outbound's). */
  taskQueue?: string;
  /** Pino logger options; request bodies are never logged. */
  logger?: boolean | Record<string, unknown>;
}

class NotFound extends Error {}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new ConfigError('request', describeIssues(result.error));
  return result.data;
}

/** The admin HTTP API: thin over the state store (reads) and Temporal (actions). */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    // Fastify logs method, url and status only: bodies (config with secrets, user data) never.
    logger: deps.logger ?? false,
  });
  const control = new ChannelControl(deps.client, deps.taskQueue);
  const { store } = deps;
  registerApiAuth(app, deps.auth ?? authOnStore(store));
  const secretPolicy = deps.secretPolicy ?? secretPolicyFromEnv(process.env, loadSettings().dataDir);

  app.setErrorHandler((err: Error, _req, reply: FastifyReply) => {
    if (err instanceof ConfigError) return reply.code(400).send({ error: 'invalid-request', issues: err.issues });
    if (err instanceof NotFound) return reply.code(404).send({ error: 'not-found', message: err.message });
    if (err instanceof ChannelNotRunningError) return reply.code(409).send({ error: 'channel-not-running', message: err.message });
    if ((err as { statusCode?: number }).statusCode === 400) return reply.code(400).send({ error: 'invalid-request', message: err.message });
    app.log.error({ err: { name: err.name, message: err.message } }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error; see the API log' });
  });

  const channelOr404 = async (id: string) => {
    const found = await store.getChannel(id);
    if (!found) throw new NotFound(`no channel with id "${id}"`);
    return found;
  };

  // /readyz (Kubernetes readiness) answers like /healthz: ready when Temporal and the store answer.
  const dependencyHealth = async (_req: unknown, reply: { code(n: number): { send(b: unknown): unknown } }) => {
    const checks: Record<string, string> = {};
    try {
      await deps.client.workflowService.getSystemInfo({});
      checks.temporal = 'ok';
    } catch (err) {
      checks.temporal = `down: ${(err as Error).message}`;
    }
    try {
      await store.listChannels();
      checks.store = 'ok';
    } catch (err) {
      checks.store = `down: ${(err as Error).message}`;
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks });
  };
  app.get('/healthz', { config: { role: 'public' } }, dependencyHealth);
  app.get('/readyz', { config: { role: 'public' } }, dependencyHealth);
  app.get('/openapi.json', { config: { role: 'read' } }, async () => openApiDocument());
  if (deps.codec) registerCodecRoutes(app, deps.codec, { uiOrigin: deps.uiOrigin, prefix: '/api/v1/codec' });

  app.get('/config', { config: { role: 'read' } }, async () => ({
    datastores: await store.listDatastores(),
    connections: await store.listConnections(),
    channels: (await store.listChannels()).map((c) => c.config),
  }));
  app.put('/config', { config: { role: 'admin' } }, async (req) => {
    const config = parseOutboundConfig(req.body, 'request body');
    const secretIssues = await secretReferenceIssues(config, secretPolicy, store);
    if (secretIssues.length) throw new ConfigError('request body', secretIssues);
    return applyConfig(store, config);
  });

  app.get('/channels', { config: { role: 'read' } }, async () => {
    const channels = await store.listChannels();
    return Promise.all(
      channels.map(async ({ config, version }) => ({ id: config.id, name: config.name, active: config.active, version, users: await store.countUsers(config.id) })),
    );
  });
  app.get('/channels/:id', { config: { role: 'read' } }, async (req) => {
    const { id } = parse(ChannelIdParam, req.params);
    const { config, version } = await channelOr404(id);
    let workflow: unknown;
    try {
      workflow = await control.status(id);
    } catch (err) {
      if (!(err instanceof ChannelNotRunningError)) throw err;
      workflow = { phase: 'not-running' };
    }
    return { id, version, active: config.active, config, workflow, users: await store.countUsers(id), state: await store.getChannelState(id) };
  });

  app.post('/channels/:id/activate', { config: { role: 'operator' } }, async (req, reply) => {
    const { id } = parse(ChannelIdParam, req.params);
    await channelOr404(id);
    const result = await control.activate(id);
    return reply.code(result.ok ? 200 : 422).send(result);
  });
  for (const action of ['deactivate', 'pause', 'resume'] as const) {
    app.post(`/channels/:id/${action}`, { config: { role: 'operator' } }, async (req, reply) => {
      const { id } = parse(ChannelIdParam, req.params);
      await channelOr404(id);
      await control[action](id);
      if (action === 'deactivate') {
        const { config } = await channelOr404(id);
        await store.putChannel({ ...config, active: false });
      }
      return reply.code(202).send({ channelId: id, requested: action });
    });
  }
  app.post('/channels/:id/sync', { config: { role: 'operator' } }, async (req, reply) => {
    const { id } = parse(ChannelIdParam, req.params);
    const body = parse(SyncBody, req.body);
    await channelOr404(id);
    const started = await control.syncNow(id, { mode: body.mode, dryRun: body.dryRun });
    if (!body.wait) return reply.code(202).send(started);
    const summary = await control.waitForCycle(started.workflowId);
    return reply.code(200).send({ ...started, summary });
  });
  app.post('/channels/:id/reset', { config: { role: 'operator' } }, async (req, reply) => {
    const { id } = parse(ChannelIdParam, req.params);
    await channelOr404(id);
    return reply.code(202).send(await control.reset(id));
  });
  app.get('/channels/:id/status', { config: { role: 'read' } }, async (req) => {
    const { id } = parse(ChannelIdParam, req.params);
    await channelOr404(id);
    return control.status(id);
  });
  app.get('/channels/:id/cycles', { config: { role: 'read' } }, async (req) => {
    const { id } = parse(ChannelIdParam, req.params);
    const { limit } = parse(ListQuery, req.query);
    await channelOr404(id);
    return store.listCycles(id, limit);
  });
  app.get('/channels/:id/cycles/:cycleNo', { config: { role: 'read' } }, async (req) => {
    const { id, cycleNo } = parse(CycleParam, req.params);
    const { limit, offset } = parse(ListQuery, req.query);
    await channelOr404(id);
    const cycle = (await store.listCycles(id, 100_000)).find((c) => c.cycleNo === cycleNo);
    if (!cycle) throw new NotFound(`channel ${id} has no cycle ${cycleNo}`);
    const items = await store.listPlanItems(cycle.id, { offset, limit });
    // The diff names users by GUID and says what and why; attribute values stay in the store.
    return {
      ...cycle,
      plan: items.map((i) => ({ seq: i.seq, guid: i.guid, action: i.action, reason: i.reason, outcome: i.outcome ?? null, message: i.message ?? null, concurId: i.concurId ?? null })),
    };
  });
  for (const decision of ['approve', 'reject'] as const) {
    app.post(`/channels/:id/cycles/:cycleNo/${decision}`, { config: { role: 'operator' } }, async (req, reply) => {
      const { id, cycleNo } = parse(CycleParam, req.params);
      await channelOr404(id);
      await control.approve(id, cycleNo, decision === 'approve');
      return reply.code(202).send({ channelId: id, cycleNo, requested: decision });
    });
  }
  app.get('/channels/:id/users', { config: { role: 'read' } }, async (req) => {
    const { id } = parse(ChannelIdParam, req.params);
    const { limit } = parse(ListQuery, req.query);
    await channelOr404(id);
    const failed = await store.listFailed(id, limit);
    return { counts: await store.countUsers(id), failed: failed.map(publicUser) };
  });
  app.get('/channels/:id/users/:guid', { config: { role: 'read' } }, async (req) => {
    const { id, guid } = parse(UserParam, req.params);
    await channelOr404(id);
    const user = await store.getUser(id, guid);
    if (!user) throw new NotFound(`channel ${id} does not manage user ${guid}`);
    return { ...publicUser(user), audit: await store.listAudit(id, { guid, limit: 50 }) };
  });
  app.post('/channels/:id/users/:guid/provision', { config: { role: 'operator' } }, async (req) => {
    const { id, guid } = parse(UserParam, req.params);
    const body = parse(ProvisionBody, req.body);
    await channelOr404(id);
    return control.provisionNow(id, guid, body.dryRun ?? false);
  });
  return app;
}

/** Auth on the store's database when the caller gives none (the store is a KnexStateStore). */
function authOnStore(store: StateStore): ApiAuthOptions {
  const db = (store as { db?: Knex }).db;
  if (!db) throw new Error('buildApi needs `auth` when the state store is not knex-backed');
  return apiAuthOnDatabase(db);
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
