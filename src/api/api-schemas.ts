import { z } from 'zod';
import { OutboundConfig } from '../domain/config/outbound-config';

/** Request bodies, validated at the edge; the same schemas generate the OpenAPI description. */
export const SyncBody = z
  .object({
    /** `target`: a full cycle that also reconciles with what Concur holds (re-creates, repairs, lists orphans). */
    mode: z.enum(['full', 'incremental', 'target']).optional(),
    dryRun: z.boolean().optional(),
    /** Wait for the cycle to finish and return its summary. */
    wait: z.boolean().optional(),
  })
  .strict();

export const ProvisionBody = z.object({ dryRun: z.boolean().optional() }).strict();
export const ChannelIdParam = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/) });
export const CycleParam = ChannelIdParam.extend({ cycleNo: z.coerce.number().int().positive() });
export const UserParam = ChannelIdParam.extend({ guid: z.string().min(1).max(200) });
export const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) });

function schema(s: z.ZodType) {
  return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
}

/** OpenAPI 3.1 description of the admin API. */
export function openApiDocument(): Record<string, unknown> {
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const cycleNo = { name: 'cycleNo', in: 'path', required: true, schema: { type: 'integer' } };
  const guid = { name: 'guid', in: 'path', required: true, schema: { type: 'string' } };
  const ok = { '200': { description: 'OK' }, '404': { description: 'Unknown channel' } };
  const accepted = { '202': { description: 'Accepted' }, '409': { description: 'Channel not running' }, '404': { description: 'Unknown channel' } };
  const body = (s: z.ZodType) => ({ required: false, content: { 'application/json': { schema: schema(s) } } });
  return {
    openapi: '3.1.0',
    info: { title: 'Outbound admin API', version: '0.1.0', description: 'Provision SAP Concur users from LDAP and SQL sources.' },
    paths: {
      '/healthz': { get: { summary: 'Liveness and dependencies', responses: { '200': { description: 'healthy' }, '503': { description: 'a dependency is down' } } } },
      '/readyz': { get: { summary: 'Readiness: Temporal and the state store answer', responses: { '200': { description: 'ready' }, '503': { description: 'a dependency is down' } } } },
      '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OK' } } } },
      '/config': {
        get: { summary: 'Current configuration (secrets shown as vault/env references only)', responses: { '200': { description: 'OK' } } },
        put: { summary: 'Apply a configuration (configuration as code)', requestBody: { required: true, content: { 'application/json': { schema: schema(OutboundConfig) } } }, responses: { '200': { description: 'Applied' }, '400': { description: 'Invalid configuration: every issue with its path' } } },
      },
      '/channels': { get: { summary: 'Channels with their state', responses: { '200': { description: 'OK' } } } },
      '/channels/{id}': { get: { summary: 'One channel: config version, workflow status, user counts', parameters: [id], responses: ok } },
      '/channels/{id}/activate': { post: { summary: 'Verify credentials, datastore, filter, exclusion and mapping; start cycling', parameters: [id], responses: { '200': { description: 'Activated' }, '422': { description: 'A check failed (named)' }, '404': { description: 'Unknown channel' } } } },
      '/channels/{id}/deactivate': { post: { summary: 'Stop cycling after the current cycle (state kept)', parameters: [id], responses: accepted } },
      '/channels/{id}/pause': { post: { summary: 'Pause (takes effect between batches)', parameters: [id], responses: accepted } },
      '/channels/{id}/resume': { post: { summary: 'Resume', parameters: [id], responses: accepted } },
      '/channels/{id}/sync': { post: { summary: 'Start a cycle now (full, incremental or dry run)', parameters: [id], requestBody: body(SyncBody), responses: accepted } },
      '/channels/{id}/reset': { post: { summary: "Forget the channel's provisioning state and re-provision everything", parameters: [id], responses: accepted } },
      '/channels/{id}/status': { get: { summary: 'Workflow status and current cycle progress', parameters: [id], responses: ok } },
      '/channels/{id}/cycles': { get: { summary: 'Recent cycles with counts', parameters: [id], responses: ok } },
      '/channels/{id}/cycles/{cycleNo}': { get: { summary: 'One cycle and its plan (the diff of a dry run): GUID, action, reason, outcome', parameters: [id, cycleNo], responses: ok } },
      '/channels/{id}/cycles/{cycleNo}/approve': { post: { summary: 'Approve a cycle held by the mass-change guard', parameters: [id, cycleNo], responses: accepted } },
      '/channels/{id}/cycles/{cycleNo}/reject': { post: { summary: 'Reject a cycle held by the mass-change guard', parameters: [id, cycleNo], responses: accepted } },
      '/channels/{id}/users': { get: { summary: 'Provisioned users (ids, status, last error); ?status=failed', parameters: [id], responses: ok } },
      '/channels/{id}/users/{guid}': { get: { summary: "One user's provisioning record and audit trail", parameters: [id, guid], responses: ok } },
      '/channels/{id}/users/{guid}/provision': { post: { summary: 'Provision one user now, with the explanation', parameters: [id, guid], requestBody: body(ProvisionBody), responses: ok } },
    },
  };
}
