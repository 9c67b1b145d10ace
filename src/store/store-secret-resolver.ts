import { readFile } from 'node:fs/promises';
import type { SecretRef } from '../domain/config/secret-ref';
import type { SecretResolver } from '../domain/secrets';
import { SecretResolutionError } from './secret-errors';
import { parseSecretRef } from './secret-reference';

/** What the resolver needs from the store: reading a vault secret by id. */
export interface SecretVaultReader {
  readSecret(id: string): Promise<string>;
}

/**
 * Resolves `env:NAME`, `file:/path` (content trimmed of surrounding whitespace and the final
 * newline editors add) and `vault:<id>`. A literal is returned as is: the domain allows literals
 * in a config that has not been through the store. Errors name the variable, path or id only.
 */
export function createSecretResolver(store: SecretVaultReader, env: NodeJS.ProcessEnv = process.env): SecretResolver {
  return {
    async resolve(ref: SecretRef): Promise<string> {
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
