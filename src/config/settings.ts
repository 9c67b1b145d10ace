/**
 * Process settings: every OUTBOUND_* variable the worker, the API and the CLI's local commands
 * read, read here once and validated with zod. A bad value fails the start with a message naming
 * the variable (never its value: some hold credentials).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS } from '../domain/config/duration-limits';
import { secretPolicyFromEnv, type SecretPolicy } from './secret-policy';

export interface Settings {
  temporalAddress: string;
  namespace: string;
  /** Task queue of the worker and of the workflows the processes start; the default when unset. */
  taskQueue?: string;
  dataDir: string;
  store: { client: 'better-sqlite3'; filename: string } | { client: 'pg'; connection: string };
  secretKeyFile: string;
  apiHost: string;
  apiPort: number;
  /** OUTBOUND_API_ALLOWED_HOSTS as given (comma-separated); the API applies its defaults. */
  apiAllowedHosts?: string;
  temporalUiUrl?: string;
  logLevel: string;
  /** A deployment's first admin key, adopted once by the API. */
  bootstrapAdminKey?: string;
  retentionDays: number;
  secretPolicy: SecretPolicy;
}

/** A setting from the environment is malformed; the message names the variable. */
export class SettingsError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable} ${message}`);
    this.name = 'SettingsError';
  }
}

const optional = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));
const port = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) ctx.addIssue({ code: 'custom', message: `${name} must be a port number from 1 to 65535` });
      return n;
    });

const Env = z.object({
  OUTBOUND_TEMPORAL_ADDRESS: optional,
  OUTBOUND_TEMPORAL_PORT: port('OUTBOUND_TEMPORAL_PORT'),
  OUTBOUND_NAMESPACE: optional,
  OUTBOUND_TASK_QUEUE: optional,
  OUTBOUND_DATA_DIR: optional,
  OUTBOUND_STATE_PG_URL: optional,
  OUTBOUND_STATE_DB: optional,
  OUTBOUND_SECRET_KEY_FILE: optional,
  OUTBOUND_API_HOST: optional,
  OUTBOUND_API_PORT: port('OUTBOUND_API_PORT'),
  OUTBOUND_API_ALLOWED_HOSTS: optional,
  OUTBOUND_TEMPORAL_UI_URL: optional.refine((v) => v === undefined || URL.canParse(v), 'OUTBOUND_TEMPORAL_UI_URL must be an absolute URL'),
  OUTBOUND_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  OUTBOUND_BOOTSTRAP_ADMIN_KEY: optional,
});

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0] ?? 'environment');
    throw new SettingsError(variable, issue.message.startsWith(variable) ? issue.message.slice(variable.length + 1) : `is invalid: ${issue.message}`);
  }
  const e = parsed.data;
  const dataDir = e.OUTBOUND_DATA_DIR ?? join(__dirname, '..', '..', '.data');
  return {
    temporalAddress: e.OUTBOUND_TEMPORAL_ADDRESS ?? `127.0.0.1:${e.OUTBOUND_TEMPORAL_PORT ?? 7233}`,
    namespace: e.OUTBOUND_NAMESPACE ?? 'default',
    taskQueue: e.OUTBOUND_TASK_QUEUE,
    dataDir,
    store: e.OUTBOUND_STATE_PG_URL ? { client: 'pg', connection: e.OUTBOUND_STATE_PG_URL } : { client: 'better-sqlite3', filename: e.OUTBOUND_STATE_DB ?? join(dataDir, 'outbound.db') },
    secretKeyFile: e.OUTBOUND_SECRET_KEY_FILE ?? join(dataDir, 'secret.key'),
    apiHost: e.OUTBOUND_API_HOST ?? '127.0.0.1',
    apiPort: e.OUTBOUND_API_PORT ?? 8080,
    apiAllowedHosts: e.OUTBOUND_API_ALLOWED_HOSTS,
    temporalUiUrl: e.OUTBOUND_TEMPORAL_UI_URL,
    logLevel: e.OUTBOUND_LOG_LEVEL ?? 'info',
    bootstrapAdminKey: e.OUTBOUND_BOOTSTRAP_ADMIN_KEY,
    retentionDays: retentionDaysFrom(env),
    secretPolicy: secretPolicyFromEnv(env, dataDir),
  };
}

/** OUTBOUND_RETENTION_DAYS: whole days, 1..3650 (default 90); anything else is refused, naming it. */
export function retentionDaysFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.OUTBOUND_RETENTION_DAYS;
  if (raw === undefined || raw === '') return DEFAULT_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new SettingsError('OUTBOUND_RETENTION_DAYS', `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}`);
  }
  return days;
}
