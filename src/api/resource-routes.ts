/** datastores, connections and channels: list, get, create, replace, delete, with ETag/If-Match. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChannelConfig } from '../domain/config/channel-config';
import { ConnectionConfig, connectionUrlProblem } from '../domain/config/connection-config';
import { DatastoreConfig } from '../domain/config/datastore-config';
import { connectionSecretFields, datastoreSecretFields } from '../store/config-secret-fields';
import type { StateStore, WriteCondition } from '../store/state-store';
import { StorePreconditionError } from '../store/store-errors';
import { ApiConflictError, ApiNotFoundError, ApiPreconditionError, ApiRequestError, zodIssues } from './api-errors';
import { AnyArray, AnyObject, DraftQuery, IdParam, ProblemResponse } from './api-schemas';
import { etagOf, keepSetSecrets, publicConnection, publicDatastore } from './resource-views';
import { missingByStep } from './draft-steps';
import { fromConcurTemplate } from '../domain/config/concur-template';
import { parseSamlMetadata } from './saml-metadata';
import { draftsOf, saveResourceDraft } from './draft-routes';

type Kind = 'datastores' | 'connections' | 'channels';

interface ResourceOps<T extends { id: string }> {
  kind: Kind;
  schema: z.ZodType<T>;
  list(): Promise<T[]>;
  get(id: string): Promise<T | undefined>;
  /**
   * Stores a validated object; `previous` is the stored one being replaced, if any. `condition`
   * (If-Match) is checked again by the store inside the write's transaction: another API process
   * may have written since `previous` was read.
   */
  put(value: T, previous: T | undefined, condition?: WriteCondition<T>): Promise<void>;
  remove(id: string, condition?: WriteCondition<T>): Promise<void>;
  view(value: T): unknown;
  /** Why the object may not be deleted now (referenced, active), or undefined. */
  deleteBlocker(id: string, value: T): Promise<string | undefined>;
  /** Fills a create request's defaults (the Concur template). */
  prepare?(body: Record<string, unknown>): Record<string, unknown>;
}

/** Serialises config writes in this process (the store's compare-and-set covers other processes). */
class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

const errors = { 400: ProblemResponse, 404: ProblemResponse, 409: ProblemResponse, 412: ProblemResponse, 413: ProblemResponse, 415: ProblemResponse };

function validate<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiRequestError(zodIssues('/body', parsed.error.issues as never));
  return parsed.data;
}

const PRECONDITION_FAILED = 'the object changed since you read it (If-Match does not match its ETag); read it again';

/** The request's If-Match as a condition on the stored object (none without the header). */
function ifMatchCondition<T>(req: FastifyRequest): WriteCondition<T> {
  const header = req.headers['if-match'];
  if (header === undefined) return {};
  const tags = String(header).split(',').map((t) => t.trim().replace(/^W\//, ''));
  return { expect: (current) => (tags.includes('*') ? current !== undefined : current !== undefined && tags.includes(etagOf(current))) };
}

/** Answers 412 early when the object read already fails If-Match. */
function checkIfMatch<T>(req: FastifyRequest, current: T | undefined): WriteCondition<T> {
  const condition = ifMatchCondition<T>(req);
  if (condition.expect && !condition.expect(current)) throw new ApiPreconditionError(PRECONDITION_FAILED);
  return condition;
}

/** The store's compare-and-set lost to another writer: 412 like the early check. */
async function asPrecondition<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (err instanceof StorePreconditionError) throw new ApiPreconditionError(PRECONDITION_FAILED);
    throw err;
  }
}

/** Why a datastore or connection cannot be deleted: the channels that still use it. */
async function usedByChannels(store: StateStore, kind: string, field: 'datastoreId' | 'connectionId', id: string): Promise<string | undefined> {
  const users = (await store.listChannels()).filter((c) => c.config[field] === id).map((c) => c.config.id);
  return users.length ? `${kind} ${id} is used by channel(s) ${users.join(', ')}` : undefined;
}

/** Fields sent as "set" although no secret is stored for them. */
export function refuseUnsetSecrets(fields: string[], pointerBase = '/body'): void {
  if (fields.length) throw new ApiRequestError(fields.map((f) => ({ pointer: `${pointerBase}/${f.replace(/\./g, '/')}`, message: '"set" keeps a stored secret, but none is stored here: give the secret or a reference' })));
}

export function registerResourceRoutes(app: FastifyInstance, store: StateStore, hooks: { onConnectionInactive(id: string): Promise<void>; checkSecrets(config: { datastores: DatastoreConfig[]; connections: ConnectionConfig[] }): Promise<void> }): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const lock = new WriteLock();

  const datastores: ResourceOps<DatastoreConfig> = {
    kind: 'datastores',
    schema: DatastoreConfig,
    list: () => store.listDatastores(),
    get: (id) => store.getDatastore(id),
    put: async (value, previous, condition) => {
      await hooks.checkSecrets({ datastores: [value], connections: [] });
      refuseUnsetSecrets(keepSetSecrets(datastoreSecretFields(value), previous ? datastoreSecretFields(previous) : undefined));
      await store.putDatastore(value, condition);
      await draftsOf(store).delete('datastores', value.id);
    },
    remove: (id, condition) => store.deleteDatastore(id, condition),
    view: publicDatastore,
    deleteBlocker: (id) => usedByChannels(store, 'datastore', 'datastoreId', id),
  };
  const connections: ResourceOps<ConnectionConfig> = {
    kind: 'connections',
    schema: ConnectionConfig,
    list: () => store.listConnections(),
    get: (id) => store.getConnection(id),
    put: async (value, previous, condition) => {
      const urlProblem = connectionUrlProblem(value);
      if (urlProblem) throw new ApiRequestError([{ pointer: '/body/baseUrl', message: urlProblem }]);
      await hooks.checkSecrets({ datastores: [], connections: [value] });
      refuseUnsetSecrets(keepSetSecrets(connectionSecretFields(value), previous ? connectionSecretFields(previous) : undefined));
      await store.putConnection(value, condition);
      await draftsOf(store).delete('connections', value.id);
      if (previous && previous.active !== false && value.active === false) await hooks.onConnectionInactive(value.id);
    },
    remove: (id, condition) => store.deleteConnection(id, condition),
    view: publicConnection,
    prepare: fromConcurTemplate,
    deleteBlocker: (id) => usedByChannels(store, 'connection', 'connectionId', id),
  };
  const channels: ResourceOps<ChannelConfig> = {
    kind: 'channels',
    schema: ChannelConfig,
    list: async () => (await store.listChannels()).map((c) => c.config),
    get: async (id) => (await store.getChannel(id))?.config,
    put: async (value, previous, condition) => {
      const issues: Array<{ pointer: string; message: string }> = [];
      if (!(await store.getDatastore(value.datastoreId))) issues.push({ pointer: '/body/datastoreId', message: `no datastore with id "${value.datastoreId}"` });
      if (!(await store.getConnection(value.connectionId))) issues.push({ pointer: '/body/connectionId', message: `no connection with id "${value.connectionId}"` });
      if (issues.length) throw new ApiRequestError(issues);
      // `active` changes only through activate/deactivate, which run the checks.
      await store.putChannel({ ...value, active: previous?.active ?? false }, condition);
      await store.deleteChannelDraft(value.id);
    },
    remove: async (id, condition) => {
      await store.deleteChannel(id, condition);
    },
    view: (c) => c,
    deleteBlocker: async (id, value) => (value.active ? `channel ${id} is active; deactivate it first` : undefined),
  };

  for (const ops of [datastores, connections, channels] as Array<ResourceOps<{ id: string }>>) {
    const base = `/${ops.kind}`;
    const one = async (id: string) => {
      const found = await ops.get(id);
      if (!found) throw new ApiNotFoundError(`no ${ops.kind.slice(0, -1)} with id "${id}"`);
      return found;
    };
    const answer = (reply: FastifyReply, value: { id: string }, code = 200) => reply.code(code).header('etag', etagOf(value)).send(ops.view(value));
    const saveDraft = async (id: string, body: unknown, reply: FastifyReply) => {
      if (ops.kind !== 'channels') return saveResourceDraft(store, ops.kind, id, body, reply);
      await store.putChannelDraft(id, body);
      return reply.code(200).send({ id, draft: true, missing: missingByStep(body) });
    };
    const bodyId = (body: unknown) => (typeof body === 'object' && body && typeof (body as { id?: unknown }).id === 'string' ? (body as { id: string }).id : undefined);

    api.get(base, { config: { role: 'read' }, schema: { summary: `List ${ops.kind}`, tags: [ops.kind], response: { 200: AnyArray } } }, async () => (await ops.list()).map((v) => ops.view(v)));
    api.get(`${base}/:id`, { config: { role: 'read' }, schema: { summary: `One ${ops.kind.slice(0, -1)} (secrets shown as "set" or a reference)`, tags: [ops.kind], params: IdParam, response: { 200: AnyObject, ...errors } } }, async (req, reply) =>
      answer(reply, await one(req.params.id)),
    );
    api.post(
      base,
      { config: { role: 'admin' }, schema: { summary: `Create a ${ops.kind.slice(0, -1)}${ops.kind === 'channels' ? ' (or save a draft with ?draft=true)' : ''}`, tags: [ops.kind], querystring: DraftQuery, body: AnyObject, response: { 200: AnyObject, 201: AnyObject, ...errors } } },
      async (req, reply) =>
        lock.run(async () => {
          if (req.query.draft === 'true') {
            const id = bodyId(req.body);
            if (!id || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) throw new ApiRequestError([{ pointer: '/body/id', message: 'a draft needs a valid id' }]);
            if (await ops.get(id)) throw new ApiConflictError(`${ops.kind.slice(0, -1)} ${id} exists; save the draft with PUT ${base}/${id}?draft=true`);
            return saveDraft(id, req.body, reply);
          }
          const value = validate(ops.schema, ops.prepare ? ops.prepare(req.body as Record<string, unknown>) : req.body);
          const exists = () => new ApiConflictError(`a ${ops.kind.slice(0, -1)} with id "${value.id}" exists; replace it with PUT`, [{ pointer: '/body/id', message: 'already exists' }]);
          if (await ops.get(value.id)) throw exists();
          // Another API process may create the same id meanwhile: the store's insert decides.
          await ops.put(value, undefined, { create: true }).catch((err: unknown) => {
            throw err instanceof StorePreconditionError ? exists() : err;
          });
          reply.header('location', `/api/v1${base}/${value.id}`);
          return answer(reply, (await ops.get(value.id))!, 201);
        }),
    );
    api.put(
      `${base}/:id`,
      { config: { role: 'admin' }, schema: { summary: `Replace a ${ops.kind.slice(0, -1)} (If-Match: its ETag)`, tags: [ops.kind], params: IdParam, querystring: DraftQuery, body: AnyObject, response: { 200: AnyObject, 201: AnyObject, ...errors } } },
      async (req, reply) =>
        lock.run(async () => {
          const { id } = req.params;
          if (bodyId(req.body) !== undefined && bodyId(req.body) !== id) throw new ApiRequestError([{ pointer: '/body/id', message: `must be "${id}" (the id in the URL)` }]);
          const body = { ...(req.body as object), id };
          if (req.query.draft === 'true') return saveDraft(id, body, reply);
          const previous = await ops.get(id);
          const condition = checkIfMatch(req, previous);
          const value = validate(ops.schema, body);
          await asPrecondition(ops.put(value, previous, condition));
          return answer(reply, (await ops.get(id))!, previous ? 200 : 201);
        }),
    );
    api.delete(
      `${base}/:id`,
      { config: { role: 'admin' }, schema: { summary: `Delete a ${ops.kind.slice(0, -1)} (refused while referenced or active)`, tags: [ops.kind], params: IdParam, response: { 204: z.null().describe('Deleted'), ...errors } } },
      async (req, reply) =>
        lock.run(async () => {
          const current = await one(req.params.id);
          const condition = checkIfMatch(req, current);
          const blocker = await ops.deleteBlocker(req.params.id, current);
          if (blocker) throw new ApiConflictError(blocker);
          await asPrecondition(ops.remove(req.params.id, condition));
          return reply.code(204).send(null);
        }),
    );
  }

  // SAML metadata arrives as XML; only this route parses it (at most 256 KiB).
  app.addContentTypeParser(['application/xml', 'text/xml', 'application/samlmetadata+xml'], { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));
  api.post(
    '/connections/:id/metadata',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Import SAML metadata (e.g. the Concur template\'s saml-metadata.xml): fills General Info and the connection type; DTDs refused',
        tags: ['connections'],
        params: IdParam,
        body: z.string().max(256 * 1024),
        response: { 200: AnyObject, ...errors },
      },
    },
    async (req, reply) =>
      lock.run(async () => {
        const current = await store.getConnection(req.params.id);
        if (!current) throw new ApiNotFoundError(`no connection with id "${req.params.id}"`);
        const condition = checkIfMatch(req, current);
        const meta = parseSamlMetadata(req.body);
        const next = ConnectionConfig.parse({
          ...current,
          entityId: meta.entityId,
          name: meta.name ?? current.name,
          partnerBaseUrl: meta.partnerBaseUrl ?? current.partnerBaseUrl,
          connectionType: { outboundProvisioning: true, browserSso: false },
        });
        await asPrecondition(store.putConnection(next, condition));
        const stored = (await store.getConnection(next.id))!;
        return reply.header('etag', etagOf(stored)).send(publicConnection(stored));
      }),
  );

  api.get(
    '/channels/:id/draft',
    { config: { role: 'read' }, schema: { summary: "A channel's saved draft and what is missing, per wizard step", tags: ['channels'], params: IdParam, response: { 200: AnyObject, ...errors } } },
    async (req) => {
      const draft = await store.getChannelDraft(req.params.id);
      if (draft === undefined) throw new ApiNotFoundError(`channel ${req.params.id} has no draft`);
      return { id: req.params.id, draft, missing: missingByStep(draft) };
    },
  );
}
