import { z } from 'zod';
import { ChannelConfig } from '../domain/config/channel-config';
import { ConnectionConfig } from '../domain/config/connection-config';
import { DatastoreConfig } from '../domain/config/datastore-config';
import { OutboundConfig } from '../domain/config/outbound-config';

/** Request and response schemas, validated at the edge; the same schemas generate the OpenAPI description. */
const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes (at most 63)');

export const SyncBody = z
  .object({
    /** `target`: a full cycle that also reconciles with what Concur holds (re-creates, repairs, lists orphans). */
    mode: z.enum(['full', 'incremental', 'target']).optional(),
    dryRun: z.boolean().optional(),
    /** Wait for the cycle to finish and return its summary. */
    wait: z.boolean().optional(),
    /** How long `wait` waits at most (then 202 with the cycle to poll). */
    timeoutSeconds: z.number().int().min(1).max(600).optional(),
  })
  .strict();

export const ProvisionBody = z.object({ dryRun: z.boolean().optional() }).strict();
export const IdParam = z.object({ id: Id }).strict();
export const ChannelIdParam = IdParam;
// Digits only: `1e3`, `0x10` or `1.0` are not cycle numbers.
export const CycleParam = z.object({ id: Id, cycleNo: z.string().regex(/^[1-9][0-9]{0,9}$/, 'a positive integer').transform(Number) }).strict();
export const UserParam = z.object({ id: Id, guid: z.string().min(1).max(200).refine((g) => !/[\p{Cc}]/u.test(g), 'no control characters') }).strict();
const Limit = z.string().regex(/^[0-9]{1,4}$/, 'an integer 1..1000').transform(Number).pipe(z.number().int().min(1).max(1000));
export const ListQuery = z.object({ limit: Limit.default(100), offset: z.string().regex(/^[0-9]{1,9}$/, 'a non-negative integer').transform(Number).default(0) }).strict();
export const DraftQuery = z.object({ draft: z.enum(['true', 'false']).optional() }).strict();
export const PruneQuery = z.object({ prune: z.enum(['true', 'false']).optional() }).strict();
export const StepQuery = z.object({ step: z.enum(['info', 'source', 'source-settings', 'source-location', 'mapping', 'target', 'review']).optional() }).strict();
export const UsersQuery = ListQuery.extend({ status: z.enum(['active', 'disabled', 'deleted', 'failed']).optional() }).strict();
export const AuditQuery = z
  .object({
    action: z.string().max(40).optional(),
    outcome: z.enum(['succeeded', 'failed', 'retrying', 'planned', 'skipped']).optional(),
    guid: z.string().max(200).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    cursor: z.string().regex(/^[0-9]{1,15}$/, 'a cursor from a previous page').optional(),
    limit: Limit.default(100),
    format: z.enum(['json', 'csv', 'ndjson']).optional(),
  })
  .strict();

/** RFC 9457 problem details, with the request fields at fault as JSON pointers. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    issues: z.array(z.object({ pointer: z.string(), message: z.string() })).optional(),
  });

/** An error response as the description shows it: problem+json. */
export const ProblemResponse = { description: 'A problem (RFC 9457)', content: { 'application/problem+json': { schema: Problem } } } as unknown as typeof Problem;

/** Any JSON object (responses whose shape is the stored configuration or a workflow status). */
export const AnyObject = z.looseObject({});
export const AnyArray = z.array(z.unknown());

/**
 * The configuration's own schemas as OpenAPI components: request bodies are validated by the
 * handlers (to name fields as JSON pointers), so the description carries the schemas here.
 */
export function configSchemaComponents(): Record<string, unknown> {
  const json = (s: z.ZodType) => {
    const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  };
  return { OutboundConfig: json(OutboundConfig), DatastoreConfig: json(DatastoreConfig), ConnectionConfig: json(ConnectionConfig), ChannelConfig: json(ChannelConfig) };
}
