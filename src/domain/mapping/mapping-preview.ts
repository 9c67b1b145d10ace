import type { FieldIssue } from '../concur-validation';
import type { ValueOrigin } from './field-plan';

/** What previews show instead of a masked value. */
export const MASK = '********';

/** One field of a preview: where its value came from and what it became. */
export interface FieldPreview {
  /** Concur field name (canonical). */
  field: string;
  /** The mapping key as configured (a PingFederate alias, possibly). */
  configuredAs: string;
  from: ValueOrigin;
  /** The source attributes read, with the values the entry has (masked when the field is). */
  sources: Array<{ attribute: string; values: string[] }>;
  /** The value that would be sent; null when none. Masked when the field is. */
  value: string | boolean | string[] | null;
  masked: boolean;
  usedDefault: boolean;
  /** Clear-when-empty applies: the connector removes the value in Concur. */
  cleared: boolean;
  createOnly: boolean;
  issues: FieldIssue[];
}

/** A dry run of the mapping over one entry, for administrators. Never logged unmasked. */
export interface MappingPreview {
  /** True when map() would succeed for this entry. */
  ok: boolean;
  fields: FieldPreview[];
  /** Every problem, including those of fields that are not mapped (e.g. a required one). */
  issues: FieldIssue[];
  /** The hash map() would return, when ok. */
  hash?: string;
}
