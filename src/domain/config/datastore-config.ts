import { z } from 'zod';
import { MAX_CONNECT_TIMEOUT_MS, MAX_LDAP_OPERATION_TIMEOUT_MS, durationMs } from './duration-limits';
import { SecretRef } from './secret-ref';

export const LdapDatastoreConfig = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    type: z.literal('ldap'),
    name: z.string().optional(),
    /** Several URLs give failover, tried in order. ldap:// or ldaps://. */
    urls: z.array(z.string().regex(/^ldaps?:\/\/.+/, 'must be an ldap:// or ldaps:// URL')).min(1),
    bindDn: z.string().min(1),
    bindPassword: SecretRef,
    startTls: z.boolean().default(false),
    /** PEM CA bundle path for ldaps/StartTLS. */
    caFile: z.string().optional(),
    rejectUnauthorized: z.boolean().default(true),
    connectTimeoutMs: durationMs(MAX_CONNECT_TIMEOUT_MS).default(5000),
    timeoutMs: durationMs(MAX_LDAP_OPERATION_TIMEOUT_MS).default(30000),
    pageSize: z.number().int().min(1).max(5000).default(500),
  })
  .strict();
export type LdapDatastoreConfig = z.infer<typeof LdapDatastoreConfig>;

export const SqlDatastoreConfig = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
    type: z.literal('sql'),
    name: z.string().optional(),
    client: z.enum(['pg', 'mysql2', 'better-sqlite3', 'mssql']),
    /** For pg/mysql2/mssql. */
    host: z.string().optional(),
    port: z.number().int().positive().optional(),
    user: z.string().optional(),
    password: SecretRef.optional(),
    database: z.string().optional(),
    /** For better-sqlite3. */
    filename: z.string().optional(),
    ssl: z.boolean().default(false),
    pageSize: z.number().int().min(1).max(10000).default(1000),
  })
  .strict();
export type SqlDatastoreConfig = z.infer<typeof SqlDatastoreConfig>;

export const DatastoreConfig = z.discriminatedUnion('type', [LdapDatastoreConfig, SqlDatastoreConfig]);
export type DatastoreConfig = z.infer<typeof DatastoreConfig>;
