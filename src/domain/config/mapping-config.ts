import { z } from 'zod';

/**
 * One Concur field's mapping (PingFederate's attribute mapping row). Exactly one of source,
 * literal or expression gives the value. The schema stays lenient so drafts can be saved
 * incomplete; `compileMapping` (src/domain/mapping) checks everything, with paths, at activation.
 */
export const FieldMapping = z
  .object({
    /** Source attribute (LDAP attribute or SQL column), looked up case-insensitively. */
    source: z.string().optional(),
    /** A fixed value for every user. */
    literal: z.string().optional(),
    /**
     * JSONata over the entry: `$` maps each attribute to its first value; `$all`, `$enabled`,
     * `$guid` and `$dn` are bound. Attributes must be named literally so they can be requested.
     */
    expression: z.string().optional(),
    /** Send all values of a multi-valued source attribute (multi-valued Concur fields only). */
    allValues: z.boolean().default(false),
    /** Used when the source gives no value (after trimming). */
    default: z.string().optional(),
    /** Sent when the user is created, never on update (Concur-side edits survive). */
    createOnly: z.boolean().default(false),
    trim: z.boolean().default(true),
    case: z.enum(['none', 'lower', 'upper']).default('none'),
    /** Values are shown masked in previews and never logged. */
    masked: z.boolean().default(false),
    /** When the source value disappears, remove the value in Concur instead of leaving it. */
    clearWhenEmpty: z.boolean().default(false),
  })
  .strict();
export type FieldMapping = z.infer<typeof FieldMapping>;
/** A field mapping as written in configuration, before defaults are applied. */
export type FieldMappingInput = z.input<typeof FieldMapping>;

/** Concur field name (current name or PingFederate alias) -> mapping. */
export const AttributeMapping = z.record(z.string(), FieldMapping);
export type AttributeMapping = z.infer<typeof AttributeMapping>;
