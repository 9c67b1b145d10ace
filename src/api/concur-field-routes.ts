/** What the console asks before drawing a page: the Concur fields a mapping can name (`GET /concur/fields`) and who the key is (`GET /session`). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONCUR_FIELDS, SPEND_REQUIRED_FIELDS } from '../domain/concur-fields';

/** What compileMapping requires of every channel (its CONCUR_MINIMUM), besides the tenant's requiredFields. */
const ALWAYS_REQUIRED = new Set(['userName', 'name.givenName', 'name.familyName']);

export const ConcurFieldView = z.object({
  name: z.string(),
  type: z.enum(['string', 'boolean', 'date', 'datetime', 'string-list']),
  api: z.enum(['identity', 'ups']),
  required: z.boolean().describe('every channel must map it'),
  requiredWithSpend: z.boolean().describe('needed once any spend field is mapped'),
  createOnly: z.boolean(),
  maxLength: z.number().optional(),
  enum: z.array(z.string()).optional(),
});

export function registerConcurFieldRoutes(app: FastifyInstance): void {
  const fields = CONCUR_FIELDS.map((f) => ({
    name: f.name,
    type: f.type,
    api: f.api,
    // `active` is required by Concur too, but the engine sets it from the account status: never mapped.
    required: ALWAYS_REQUIRED.has(f.name),
    requiredWithSpend: SPEND_REQUIRED_FIELDS.includes(f.name),
    createOnly: Boolean(f.setOnCreateOnly),
    ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
    ...(f.enum ? { enum: [...f.enum] } : {}),
  }));
  app.withTypeProvider<ZodTypeProvider>().get(
    '/concur/fields',
    { config: { role: 'read' }, schema: { summary: 'The Concur fields a mapping can name, with the required ones marked', tags: ['connections'], response: { 200: z.array(ConcurFieldView) } } },
    async () => fields,
  );
  // The console hides edit controls from keys that could not use them (the API refuses anyway).
  app.withTypeProvider<ZodTypeProvider>().get(
    '/session',
    { config: { role: 'read' }, schema: { summary: "The calling key's id and role", tags: ['keys'], response: { 200: z.object({ keyId: z.string(), role: z.enum(['read', 'operator', 'admin']) }) } } },
    async (req) => ({ keyId: req.caller!.keyId, role: req.caller!.role }),
  );
}
