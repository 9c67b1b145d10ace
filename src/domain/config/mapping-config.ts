import { z } from 'zod';

/**
 * One Concur field's mapping (PingFederate's attribute mapping row). Exactly one of source,
 * literal or expression gives the value. (Owned by the mapping engine; see src/domain/mapping.)
 */
export const FieldMapping = z
  .object({
    source: z.string().optional(),
    literal: z.string().optional(),
    expression: z.string().optional(),
    /** Send all values of a multi-valued source attribute (multi-valued Concur fields only). */
    allValues: z.boolean().default(false),
    default: z.string().optional(),
    createOnly: z.boolean().default(false),
    trim: z.boolean().default(true),
    case: z.enum(['none', 'lower', 'upper']).default('none'),
    masked: z.boolean().default(false),
    clearWhenEmpty: z.boolean().default(false),
  })
  .strict();
export type FieldMapping = z.infer<typeof FieldMapping>;

/** Concur field name (current name or PingFederate alias) -> mapping. */
export const AttributeMapping = z.record(z.string(), FieldMapping);
export type AttributeMapping = z.infer<typeof AttributeMapping>;
