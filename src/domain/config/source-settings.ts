import { z } from 'zod';

/** PingFederate's "Source settings" for an LDAP channel. */
export const LdapSourceSettings = z
  .object({
    kind: z.literal('ldap'),
    guidAttribute: z.string().default('entryUUID'),
    /** `binary` for AD's objectGUID (rendered as canonical GUID text). */
    guidType: z.enum(['text', 'binary']).default('text'),
    userObjectClass: z.string().default('inetOrgPerson'),
    groupObjectClass: z.string().default('groupOfNames'),
    memberOfAttribute: z.string().default('memberOf'),
    groupMemberAttribute: z.string().default('member'),
    accountStatus: z
      .discriminatedUnion('algorithm', [
        z.object({ algorithm: z.literal('none') }).strict(),
        /** Disabled when `attribute` equals `disabledValue` (case-insensitive). */
        z.object({ algorithm: z.literal('flag'), attribute: z.string(), disabledValue: z.string() }).strict(),
        /** AD userAccountControl bitmap: bit 0x2 (ACCOUNTDISABLE). */
        z.object({ algorithm: z.literal('active-directory'), attribute: z.string().default('userAccountControl') }).strict(),
      ])
      .default({ algorithm: 'none' }),
    /** Status used when the status attribute is absent. */
    defaultStatus: z.enum(['enabled', 'disabled']).default('enabled'),
    changeDetection: z.enum(['timestamp', 'active-directory-usn', 'full']).default('timestamp'),
  })
  .strict();
export type LdapSourceSettings = z.infer<typeof LdapSourceSettings>;

/** Source settings for a SQL channel: a table/view with column roles, or a SELECT. */
export const SqlSourceSettings = z
  .object({
    kind: z.literal('sql'),
    table: z.string().optional(),
    /** A SELECT returning one row per user; used instead of `table`. */
    query: z.string().optional(),
    guidColumn: z.string(),
    /** Column that decides enabled/disabled; absent means `defaultStatus`. */
    statusColumn: z.string().optional(),
    /** Values of statusColumn that mean disabled (compared as text, case-insensitive). */
    disabledValues: z.array(z.string()).default(['0', 'false', 'disabled', 'inactive']),
    defaultStatus: z.enum(['enabled', 'disabled']).default('enabled'),
    /** Timestamp column for incremental reads. */
    updatedAtColumn: z.string().optional(),
    /** Columns holding delimited lists, split into several values: column -> delimiter (e.g. `{ "groups": ";" }`). */
    multiValueDelimiters: z.record(z.string(), z.string().min(1)).optional(),
  })
  .strict()
  .refine((s) => Boolean(s.table) !== Boolean(s.query), { message: 'set exactly one of table or query', path: ['table'] });
export type SqlSourceSettings = z.infer<typeof SqlSourceSettings>;

export const SourceSettings = z.union([LdapSourceSettings, SqlSourceSettings]);
export type SourceSettings = z.infer<typeof SourceSettings>;

/** PingFederate's "Source location". For SQL only `filter` (a WHERE clause fragment) applies. */
export const SourceLocation = z
  .object({
    baseDn: z.string().optional(),
    filter: z.string().default('(objectClass=inetOrgPerson)'),
    /** Group DN scope: users who are members (directly, or through nested groups when nestedSearch). */
    groupDn: z.string().optional(),
    nestedSearch: z.boolean().default(false),
    groupFilter: z.string().optional(),
  })
  .strict();
export type SourceLocation = z.infer<typeof SourceLocation>;

/** Accounts that must never be touched (e.g. the Concur administrator used for provisioning). */
export const Exclusion = z
  .object({
    dns: z.array(z.string()).default([]),
    attribute: z.object({ name: z.string(), values: z.array(z.string()).min(1) }).strict().optional(),
    /** LDAP filter (LDAP channels) matched against entries to exclude. */
    filter: z.string().optional(),
  })
  .strict();
export type Exclusion = z.infer<typeof Exclusion>;
