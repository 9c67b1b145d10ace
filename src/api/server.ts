import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { StateStore } from '../store/state-store';
import type { ActivityDeps } from '../activities/activity-deps';
import { ApiConflictError, ApiNotFoundError, ApiRequestError } from './api-errors';
import { configSchemaComponents, AnyObject, IdParam, ProblemResponse, StepQuery } from './api-schemas';
import { ChannelControl, ChannelNotRunningError } from './channel-control';
import { registerCodecRoutes } from './codec-routes';
import { registerConfigRoutes } from './config-routes';
import { registerObservationRoutes } from './observation-routes';
import { registerOperationRoutes } from './operation-routes';
import { ops } from './route-context';
import { registerConsoleRoutes } from './console-routes';
import { registerConcurFieldRoutes } from './concur-field-routes';
import { registerDatastoreTestRoutes } from './datastore-test-routes';
import { registerDraftRoutes } from './draft-routes';
import { missingByStep } from './draft-steps';
import { registerHealthRoutes } from './health-routes';
import { installProblemHandling, sendProblem } from './problem-handling';
import { registerResourceRoutes } from './resource-routes';
import { apiAuthOnDatabase, registerApiAuth, type ApiAuthOptions } from './auth/api-auth';
import type { RouteRole } from './auth/api-role';
import { loadSettings } from '../config/settings';
import { secretPolicyFromEnv, secretReferenceIssues, type SecretPolicy } from '../config/secret-policy';
import type { ConfigIssue } from '../domain/config/outbound-config';
import type { Knex } from 'knex';


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

      const ctx = { store, control, temporalUiUrl: deps.temporalUiUrl, namespace: deps.namespace };
      registerConfigRoutes(scope, ctx, checkSecrets);
      registerOperationRoutes(scope, ctx);
      registerObservationRoutes(scope, ctx);

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

    },
    { prefix: API_PREFIX },
  );
  return app;
}

/** Auth on the store's database when the caller gives none (the store is a KnexStateStore). */
function authOnStore(store: StateStore): ApiAuthOptions {
  const db = (store as { db?: Knex }).db;
  if (!db) throw new Error('buildApi needs `auth` when the state store is not knex-backed');
  return apiAuthOnDatabase(db);
}
