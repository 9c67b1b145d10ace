import type { FastifyInstance } from 'fastify';
import type { StateStore } from '../store/state-store';
import { ApiNotFoundError } from './api-errors';
import { ProblemResponse } from './api-schemas';
import type { ChannelControl } from './channel-control';
import { channelWorkflowId } from '../workflows/workflow-ids';

/** What the route modules under /api/v1 share: the store, Temporal's control and link settings. */
export interface RouteContext {
  store: StateStore;
  control: ChannelControl;
  /** Temporal Web UI base URL, for links to runs. */
  temporalUiUrl?: string;
  namespace?: string;
}

export type ApiScope = FastifyInstance;

/** Error responses every operation may give (401/403 are added per route by the auth hook). */
export const ops = { 400: ProblemResponse, 404: ProblemResponse, 409: ProblemResponse, 413: ProblemResponse, 415: ProblemResponse };

export async function channelOr404(store: StateStore, id: string) {
  const found = await store.getChannel(id);
  if (!found) throw new ApiNotFoundError(`no channel with id "${id}"`);
  return found;
}

/** The Web UI's page of a workflow id (it opens the latest run: each cycle is its own workflow id). */
export function runLinks(deps: Pick<RouteContext, 'temporalUiUrl' | 'namespace'>, workflowId: string | undefined): { temporalUi?: string } {
  if (!deps.temporalUiUrl || !workflowId) return {};
  return { temporalUi: `${deps.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(deps.namespace ?? 'default')}/workflows/${encodeURIComponent(workflowId)}` };
}

/** The channel workflow's page (its signals, queries and continue-as-new chain). */
export function channelLink(deps: Pick<RouteContext, 'temporalUiUrl' | 'namespace'>, channelId: string): { channelTemporalUi?: string } {
  const link = runLinks(deps, channelWorkflowId(channelId)).temporalUi;
  return link ? { channelTemporalUi: link } : {};
}
