import { z } from 'zod';

/** An LDAP attribute description (name or OID), as it may appear in a filter. */
const ATTRIBUTE_NAME = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/;

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
    /**
     * How group-DN scope learns who is a member: `memberOf` on the users (AD, OpenLDAP with the
     * memberof overlay), the groups' `member` lists (directories without it), or `auto`: memberOf
     * when the group's members carry it, else member lists.
     */
    membership: z.enum(['auto', 'memberOf', 'memberList']).default('auto'),
    accountStatus: z
      .discriminatedUnion('algorithm', [
        z.object({ algorithm: z.literal('none') }).strict(),
        /**
         * PingFederate's flag algorithm: `attribute` compared (case-insensitively) with the Flag
         * Comparison Value; Flag Comparison Status says whether a match means enabled or disabled.
         * `disabledValue` is the older form of `comparisonValue` with `comparisonStatus: disabled`.
         */
        z
          .object({
            algorithm: z.literal('flag'),
            attribute: z.string(),
            comparisonValue: z.string().optional(),
            comparisonStatus: z.enum(['enabled', 'disabled']).default('disabled'),
            disabledValue: z.string().optional(),
          })
          .strict()
          .superRefine((f, ctx) => {
            if ((f.comparisonValue === undefined) === (f.disabledValue === undefined)) {
              ctx.addIssue({ code: 'custom', path: ['comparisonValue'], message: 'set exactly one of comparisonValue or disabledValue' });
            } else if (f.disabledValue !== undefined && f.comparisonStatus === 'enabled') {
              ctx.addIssue({ code: 'custom', path: ['comparisonStatus'], message: "disabledValue means disabled: use comparisonValue with comparisonStatus 'enabled'" });
            }
          }),
        /** AD userAccountControl bitmap: bit 0x2 (ACCOUNTDISABLE). */
        z.object({ algorithm: z.literal('active-directory'), attribute: z.string().default('userAccountControl') }).strict(),
      ])
      .default({ algorithm: 'none' }),
    /** Status used when the status attribute is absent. */
    defaultStatus: z.enum(['enabled', 'disabled']).default('enabled'),
    /**
     * PingFederate's Changed Users Algorithm: `timestamp` (TIMESTAMP), `timestamp-no-negation`
     * (TIMESTAMP_NO_NEGATION: no `!` in filters, for directories such as Oracle DSEE that reject
     * it), `active-directory-usn` (USN) or `full` (every cycle reads the whole scope).
     */
    changeDetection: z.enum(['timestamp', 'timestamp-no-negation', 'active-directory-usn', 'full']).default('timestamp'),
    /** Timestamp attribute for the timestamp algorithms; default modifyTimestamp (whenChanged on Active Directory). */
    timestampAttribute: z.string().regex(ATTRIBUTE_NAME, 'an LDAP attribute name').optional(),
    /** Update-sequence attribute for active-directory-usn (an integer with an ordering rule). */
    usnAttribute: z.string().regex(ATTRIBUTE_NAME, 'an LDAP attribute name').default('uSNChanged'),
  })
  .strict()
  .superRefine((s, ctx) => {
    // A timestamp attribute the algorithm would never read is a configuration mistake, not a no-op.
    if (s.timestampAttribute !== undefined && s.changeDetection !== 'timestamp' && s.changeDetection !== 'timestamp-no-negation') {
      ctx.addIssue({ code: 'custom', path: ['timestampAttribute'], message: `timestampAttribute applies to changeDetection timestamp or timestamp-no-negation, not ${s.changeDetection}` });
    }
  });
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
