import { readFileSync } from 'node:fs';

/** A `NAME_FILE` variable names a file that cannot be read. */
export class EnvFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EnvFileError';
  }
}

/**
 * Secrets that may be given as `NAME_FILE=/path` (compose `secrets:`, Kubernetes Secret volumes)
 * instead of `NAME=value`. OUTBOUND_SECRET_KEY is absent on purpose: OUTBOUND_SECRET_KEY_FILE is
 * already its key file, read with a permission check by the state store.
 */
export const FILE_ENV_NAMES = [
  'OUTBOUND_STATE_PG_URL',
  'OUTBOUND_PAYLOAD_KEY',
  'OUTBOUND_CODEC_TOKEN',
  'OUTBOUND_BOOTSTRAP_ADMIN_KEY',
  'OUTBOUND_LDAP_BIND_PASSWORD',
  'CONCUR_ACCESS_TOKEN',
] as const;

/**
 * Returns the variables read from `NAME_FILE` files (content trimmed) for each name not already
 * set. Errors name the variable and path, never the content.
 */
export function readEnvFiles(env: NodeJS.ProcessEnv, names: readonly string[] = FILE_ENV_NAMES): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const path = env[`${name}_FILE`];
    if (!path || (env[name] !== undefined && env[name] !== '')) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new EnvFileError(`${name}_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
    }
    const value = text.trim();
    if (value === '') throw new EnvFileError(`${name}_FILE: ${path} is empty`);
    out[name] = value;
  }
  return out;
}

/** Applies readEnvFiles to process.env at a process's start (worker, API). */
export function loadEnvFiles(env: NodeJS.ProcessEnv = process.env): void {
  Object.assign(env, readEnvFiles(env));
}
