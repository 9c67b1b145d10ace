import { realpathSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import type { ConfigIssue, OutboundConfig } from '../domain/config/outbound-config';
import type { ConnectionConfig } from '../domain/config/connection-config';
import type { DatastoreConfig } from '../domain/config/datastore-config';
import { connectionSecretFields, datastoreSecretFields, type SecretField } from '../store/config-secret-fields';
import { parseSecretRef } from '../store/secret-reference';

/**
 * Where secret references may point. Without it, whoever may write the configuration could
 * point a connection at any environment variable or file of the worker and have Concur's
 * baseUrl receive it as a Bearer token.
 */
export interface SecretPolicy {
  /** `env:NAME` only when NAME starts with one of these... */
  envPrefixes: string[];
  /** ...or is one of these (the demo's own variables). */
  envNames: string[];
  /** `file:PATH` only for an absolute path inside this directory (symbolic links resolved). */
  secretsDir: string;
}

export const DEFAULT_ENV_PREFIX = 'OUTBOUND_SECRET_';
/** Variables config/demo.json references, which `npm run up` sets. */
export const DEMO_ENV_NAMES = ['OUTBOUND_LDAP_BIND_PASSWORD', 'CONCUR_ACCESS_TOKEN'];

const list = (value: string | undefined, fallback: string[]) => {
  const items = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return value === undefined ? fallback : items;
};

/** OUTBOUND_SECRET_ENV_PREFIXES, OUTBOUND_SECRET_ENV_NAMES (comma-separated), OUTBOUND_SECRETS_DIR. */
export function secretPolicyFromEnv(env: NodeJS.ProcessEnv, dataDir: string): SecretPolicy {
  return {
    envPrefixes: list(env.OUTBOUND_SECRET_ENV_PREFIXES, [DEFAULT_ENV_PREFIX]),
    envNames: list(env.OUTBOUND_SECRET_ENV_NAMES, DEMO_ENV_NAMES),
    secretsDir: resolve(env.OUTBOUND_SECRETS_DIR ?? join(dataDir, 'secrets')),
  };
}

/** What the vault rule needs: the stored version of each object. */
export interface StoredConfigReader {
  getDatastore(id: string): Promise<DatastoreConfig | undefined>;
  getConnection(id: string): Promise<ConnectionConfig | undefined>;
}

function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // A file that does not exist yet is judged by its path; resolving it fails later, plainly.
    return path;
  }
}

/** Inside `dir` both as written (after `..` is resolved) and once symbolic links are followed. */
function inside(dir: string, path: string): boolean {
  return path.startsWith(dir + sep) && realOr(path).startsWith(realOr(dir) + sep);
}

/**
 * Why an env: or file: reference breaks the policy, or undefined (vault: and literals are judged
 * by their owner, see `problem`). The message names the reference, never a value.
 */
export function pathReferenceProblem(value: string, policy: SecretPolicy): string | undefined {
  const ref = parseSecretRef(value);
  return ref.kind === 'env' || ref.kind === 'file' ? problem(value, policy, undefined) : undefined;
}

/** Why one reference breaks the policy (the message names the reference, never a value), or undefined. */
function problem(value: string, policy: SecretPolicy, stored: string | undefined): string | undefined {
  const ref = parseSecretRef(value);
  switch (ref.kind) {
    case 'env':
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(ref.name)) return 'env: must name an environment variable';
      if (policy.envNames.includes(ref.name) || policy.envPrefixes.some((p) => ref.name.startsWith(p))) return undefined;
      return `env:${ref.name} is not allowed: secret variables must start with ${policy.envPrefixes.join(' or ') || '(no prefix configured)'}`;
    case 'file': {
      if (!isAbsolute(ref.path)) return 'file: must be an absolute path';
      const path = resolve(ref.path);
      if (!inside(policy.secretsDir, path)) return `file: references must be inside the secrets directory ${policy.secretsDir}`;
      return undefined;
    }
    case 'vault':
      // A vault id is a stored object's own secret: only that object's same field may name it.
      return stored === value ? undefined : 'vault: references may only keep the secret this field already has; give the value or an env:/file: reference';
    case 'literal':
      return undefined;
  }
}

function check(fields: SecretField[], before: SecretField[], at: string, policy: SecretPolicy, issues: ConfigIssue[]) {
  for (const field of fields) {
    const value = field.get();
    if (value === undefined) continue;
    const message = problem(value, policy, before.find((b) => b.name === field.name)?.get());
    if (message) issues.push({ path: `${at}.${field.name}`, message });
  }
}

/** Every secret reference of a configuration that breaks the policy, each with where it is. */
export async function secretReferenceIssues(config: Pick<OutboundConfig, 'datastores' | 'connections'>, policy: SecretPolicy, stored: StoredConfigReader): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  for (const [i, d] of config.datastores.entries()) {
    const previous = await stored.getDatastore(d.id);
    check(datastoreSecretFields(structuredClone(d)), previous ? datastoreSecretFields(previous) : [], `datastores[${i}]`, policy, issues);
  }
  for (const [i, c] of config.connections.entries()) {
    const previous = await stored.getConnection(c.id);
    check(connectionSecretFields(structuredClone(c)), previous ? connectionSecretFields(previous) : [], `connections[${i}]`, policy, issues);
  }
  return issues;
}
