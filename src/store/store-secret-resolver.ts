import { readFile } from 'node:fs/promises';
import type { SecretRef } from '../domain/config/secret-ref';
import type { SecretResolver, SecretUse } from '../domain/secrets';
import { pathReferenceProblem, type SecretPolicy } from '../config/secret-policy';
import { SecretRefusedError, SecretResolutionError } from './secret-errors';
import { parseSecretRef } from './secret-reference';

/** What the resolver needs from the store: reading a vault secret by id (and whose it is). */
export interface SecretVaultReader {
  readSecret(id: string): Promise<string>;
  /** The owner recorded for a vault id (e.g. `connection:demo`), for the confinement check. */
  secretOwner?(id: string): Promise<string | undefined>;
}

/**
 * Runtime confinement, the same rules validation applies: a config stored before the policy
 * (or written around the API) still cannot make the worker read any variable or file, or
 * another object's vault entry.
 */
async function refusal(ref: string, use: SecretUse | undefined, policy: SecretPolicy, store: SecretVaultReader): Promise<SecretRefusedError | undefined> {
  const where = use ? `${use.owner} ${use.field}` : 'a secret reference';
  const parsed = parseSecretRef(ref);
  if (parsed.kind === 'vault') {
    if (!use || !store.secretOwner) return undefined;
    const owner = await store.secretOwner(parsed.id);
    return owner === undefined || owner === use.owner ? undefined : new SecretRefusedError(where, `vault:${parsed.id} belongs to another object`);
  }
  const problem = pathReferenceProblem(ref, policy);
  return problem ? new SecretRefusedError(where, problem) : undefined;
}

/**
 * Resolves `env:NAME`, `file:/path` (content trimmed of surrounding whitespace and the final
 * newline editors add) and `vault:<id>`. A literal is returned as is: the domain allows literals
 * in a config that has not been through the store. Errors name the variable, path or id only.
 * With a policy, references it does not allow are refused (SecretRefusedError) before any read.
 */
export function createSecretResolver(store: SecretVaultReader, env: NodeJS.ProcessEnv = process.env, policy?: SecretPolicy): SecretResolver {
  return {
    async resolve(ref: SecretRef, use?: SecretUse): Promise<string> {
      if (policy) {
        const refused = await refusal(ref, use, policy, store);
        if (refused) throw refused;
      }
      const parsed = parseSecretRef(ref);
      switch (parsed.kind) {
        case 'env': {
          const value = env[parsed.name];
          if (value === undefined || value === '') {
            throw new SecretResolutionError(`environment variable ${parsed.name} is not set (referenced as env:${parsed.name})`);
          }
          return value;
        }
        case 'file': {
          let content: string;
          try {
            content = await readFile(parsed.path, 'utf8');
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code ?? 'error';
            throw new SecretResolutionError(`cannot read secret file ${parsed.path} (${code})`, { cause: err });
          }
          const value = content.trim();
          if (value === '') throw new SecretResolutionError(`secret file ${parsed.path} is empty`);
          return value;
        }
        case 'vault':
          return store.readSecret(parsed.id);
        case 'literal':
          return ref;
      }
    },
  };
}
