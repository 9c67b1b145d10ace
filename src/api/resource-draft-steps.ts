/**
 * Drafts of datastores and connections: what each still lacks per wizard step (mirroring the
 * channel drafts of draft-steps.ts), and the rule that a draft never holds a literal secret.
 */
import { ConnectionConfig } from '../domain/config/connection-config';
import { DatastoreConfig } from '../domain/config/datastore-config';
import { fromConcurTemplate } from '../domain/config/concur-template';
import { jsonPointer, type RequestIssue } from './api-errors';
import { WIZARD_STEPS, type WizardStep } from './draft-steps';

export type ResourceKind = 'datastores' | 'connections';

/** PingFederate picks (or creates) the datastore in the channel's Source step. */
const datastoreStep = (): WizardStep => 'source';

/** Connection: General Info and Connection Type are `info`; where and how to call Concur is `target`. */
const CONNECTION_TARGET_FIELDS = new Set(['baseUrl', 'allowInsecureHttp', 'companyId', 'auth', 'requiredFields', 'timeoutMs', 'maxConnections', 'maxRequestsPerSecond']);
const connectionStep = (path: ReadonlyArray<PropertyKey>): WizardStep => (CONNECTION_TARGET_FIELDS.has(String(path[0] ?? '')) ? 'target' : 'info');

/** The secret fields a draft may carry only as a reference (`env:`/`file:`), by JSON pointer path. */
const SECRET_PATHS: Record<ResourceKind, string[][]> = {
  datastores: [['bindPassword'], ['password']],
  connections: [['auth', 'accessToken'], ['auth', 'clientSecret'], ['auth', 'refreshToken'], ['auth', 'companyRequestToken']],
};

/**
 * The draft as it may be stored: literal secrets (and "set", which points at nothing yet) are
 * dropped and named, so the console asks for them again when the object is saved whole.
 */
export function draftWithoutSecrets(kind: ResourceKind, draft: unknown): { draft: Record<string, unknown>; dropped: string[] } {
  const copy = structuredClone((typeof draft === 'object' && draft !== null && !Array.isArray(draft) ? draft : {}) as Record<string, unknown>);
  const dropped: string[] = [];
  for (const path of SECRET_PATHS[kind]) {
    let holder: Record<string, unknown> | undefined = copy;
    for (const key of path.slice(0, -1)) {
      const next: unknown = holder?.[key];
      holder = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : undefined;
    }
    const last = path[path.length - 1];
    if (!holder || !(last in holder)) continue;
    const value = holder[last];
    if (typeof value === 'string' && /^(env|file):/.test(value)) continue;
    delete holder[last];
    dropped.push(jsonPointer('', path));
  }
  return { draft: copy, dropped };
}

/** What a datastore or connection draft still lacks, per wizard step; `review` lists everything. */
export function resourceMissingByStep(kind: ResourceKind, draft: unknown): Record<WizardStep, RequestIssue[]> {
  const result = Object.fromEntries(WIZARD_STEPS.map((s) => [s, [] as RequestIssue[]])) as Record<WizardStep, RequestIssue[]>;
  const body = (typeof draft === 'object' && draft !== null ? draft : {}) as Record<string, unknown>;
  const parsed = kind === 'datastores' ? DatastoreConfig.safeParse(body) : ConnectionConfig.safeParse(fromConcurTemplate(body));
  if (parsed.success) return result;
  for (const issue of parsed.error.issues) {
    const entry = { pointer: jsonPointer('', issue.path), message: issue.message };
    result[kind === 'datastores' ? datastoreStep() : connectionStep(issue.path)].push(entry);
    result.review.push(entry);
  }
  return result;
}
