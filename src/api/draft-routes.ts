/**
 * Drafts of datastores and connections (`?draft=true` on their POST/PUT, saved through
 * saveResourceDraft), their per-step validation and reads, and the list of every draft with what
 * each still lacks (the console's lists show them).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { StateStore } from '../store/state-store';
import { ResourceDraftsStore } from '../store/resource-drafts-store';
import { ApiNotFoundError } from './api-errors';
import { AnyObject, IdParam, ProblemResponse, StepQuery } from './api-schemas';
import { missingByStep } from './draft-steps';
import { draftWithoutSecrets, resourceMissingByStep, type ResourceKind } from './resource-draft-steps';

const errors = { 400: ProblemResponse, 404: ProblemResponse, 409: ProblemResponse, 413: ProblemResponse, 415: ProblemResponse };
const DraftsQuery = z.object({ kind: z.enum(['datastores', 'connections', 'channels']).optional() }).strict();

/** The drafts of the store's own database. */
export function draftsOf(store: StateStore): ResourceDraftsStore {
  const db = (store as { db?: Knex }).db;
  if (!db) throw new Error('drafts need a knex-backed state store');
  return new ResourceDraftsStore(db);
}

/** Saves a datastore or connection draft without literal secrets; answers what it still lacks. */
export async function saveResourceDraft(store: StateStore, kind: ResourceKind, id: string, body: unknown, reply: FastifyReply): Promise<FastifyReply> {
  const { draft, dropped } = draftWithoutSecrets(kind, body);
  draft.id = id;
  await draftsOf(store).put(kind, id, draft);
  return reply.code(200).send({ id, draft: true, droppedSecrets: dropped, missing: resourceMissingByStep(kind, draft) });
}

export function registerDraftRoutes(app: FastifyInstance, store: StateStore): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const drafts = () => draftsOf(store);

  for (const kind of ['datastores', 'connections'] as const) {
    const one = kind.slice(0, -1);
    api.post(
      `/${kind}/validate`,
      { config: { role: 'read' }, schema: { summary: `Check a (partial) ${one} without saving: what is missing, per wizard step or for one ?step=`, tags: [kind], querystring: StepQuery, body: AnyObject, response: { 200: AnyObject, ...errors } } },
      async (req) => {
        const missing = resourceMissingByStep(kind, req.body);
        if (req.query.step) return { step: req.query.step, ok: missing[req.query.step].length === 0, missing: missing[req.query.step] };
        return { ok: missing.review.length === 0, missing };
      },
    );
    api.get(
      `/${kind}/:id/draft`,
      { config: { role: 'read' }, schema: { summary: `A ${one}'s saved draft (never with literal secrets) and what is missing, per wizard step`, tags: [kind], params: IdParam, response: { 200: AnyObject, ...errors } } },
      async (req) => {
        const draft = await drafts().get(kind, req.params.id);
        if (draft === undefined) throw new ApiNotFoundError(`${one} ${req.params.id} has no draft`);
        return { id: req.params.id, draft, missing: resourceMissingByStep(kind, draft) };
      },
    );
    api.delete(
      `/${kind}/:id/draft`,
      { config: { role: 'admin' }, schema: { summary: `Discard a ${one}'s draft`, tags: [kind], params: IdParam, response: { 204: z.null().describe('Discarded'), ...errors } } },
      async (req, reply) => {
        await drafts().delete(kind, req.params.id);
        return reply.code(204).send(null);
      },
    );
  }

  api.get(
    '/drafts',
    { config: { role: 'read' }, schema: { summary: 'Every saved draft (datastores, connections, channels), each with what it still lacks per wizard step', tags: ['channels'], querystring: DraftsQuery, response: { 200: AnyArray(), 400: ProblemResponse } } },
    async (req) => {
      const kinds = req.query.kind ? [req.query.kind] : (['datastores', 'connections', 'channels'] as const);
      const out = [];
      for (const kind of kinds) {
        for (const d of await drafts().list(kind)) {
          const missing = kind === 'channels' ? missingByStep(d.draft) : resourceMissingByStep(kind, d.draft);
          out.push({ kind, id: d.id, updatedAt: d.updatedAt.toISOString(), missing });
        }
      }
      return out;
    },
  );
}

function AnyArray() {
  return z.array(z.object({ kind: z.string(), id: z.string(), updatedAt: z.string(), missing: z.record(z.string(), z.array(z.object({ pointer: z.string(), message: z.string() }))) }));
}
