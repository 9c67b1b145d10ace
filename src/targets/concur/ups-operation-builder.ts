/**
 * UPS v4 bulk operations for the Spend and Travel extensions of a user that Identity v4.1 already
 * holds: one PATCH per user, with one `replace` per managed attribute at its own
 * extension path (`urn:…:spend:2.0:User:ledgerCode`) so attributes Outbound does not map are left
 * alone, and a `remove` per cleared attribute. Pure.
 */
import { CONCUR_FIELDS } from '../../domain/concur-fields';
import { SCHEMA_SPEND, SCHEMA_TRAVEL, type DesiredConcurUser } from '../../domain/concur-user';
import { getFieldValue } from '../../domain/mapping/field-access';
import { patchBody, type PatchBody, type PatchOperation } from './scim-patch-builder';
import { concurFieldRemovalPath, concurFieldScimPath } from './scim-paths';

export interface BulkOperation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  bulkId?: string;
  data?: PatchBody | Record<string, unknown>;
}

export type ExtensionMode = 'create' | 'update';

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * The extension operations. `create` (the user was just created) includes set-on-create-only
 * fields (spend testEmployee) and create-only mappings, and writes customData as one list (there
 * is nothing to keep); `update` leaves create-only fields out and replaces each custom field
 * through its `customData[id eq "customN"].value` filter, so unmapped custom fields survive.
 */
export function buildExtensionOperations(desired: DesiredConcurUser, mode: ExtensionMode): PatchOperation[] {
  const createOnly = new Set(desired.createOnly);
  const clear = new Set(desired.clear);
  const ops: PatchOperation[] = [];
  const removals: PatchOperation[] = [];
  const customData: Array<{ id: string; value: string }> = [];
  let ruleClass: Record<string, unknown> | undefined;
  for (const def of CONCUR_FIELDS) {
    if (def.api !== 'ups') continue;
    if (mode === 'update' && (def.setOnCreateOnly || createOnly.has(def.name))) continue;
    const value = getFieldValue(desired, def.target);
    if (isEmpty(value)) {
      if (mode === 'update' && clear.has(def.name)) removals.push({ op: 'remove', path: concurFieldRemovalPath(def.name) });
      continue;
    }
    switch (def.target.kind) {
      case 'spendCustom':
        if (mode === 'create') customData.push({ id: def.target.id, value: value as string });
        else ops.push({ op: 'replace', path: concurFieldScimPath(def.name), value });
        break;
      case 'ruleClass':
        // id or name identify the rule class together: one object. UPS types the id as an integer.
        (ruleClass ??= {})[def.target.key] = def.target.key === 'id' ? Number(value) : value;
        break;
      default:
        ops.push({ op: 'replace', path: concurFieldScimPath(def.name), value });
    }
  }
  if (customData.length > 0) ops.push({ op: 'replace', path: `${SCHEMA_SPEND}:customData`, value: customData });
  if (ruleClass) ops.push({ op: 'replace', path: `${SCHEMA_TRAVEL}:ruleClass`, value: ruleClass });
  return [...ops, ...removals];
}

/** Whether the desired state touches Spend or Travel at all (else UPS is not called). */
export function hasExtensionWork(desired: DesiredConcurUser, mode: ExtensionMode): boolean {
  return buildExtensionOperations(desired, mode).length > 0;
}

/** The bulk operation for one user; `bulkId` correlates its status (default: the Concur id). */
export function extensionBulkOperation(concurId: string, desired: DesiredConcurUser, mode: ExtensionMode, bulkId: string = concurId): BulkOperation | undefined {
  const ops = buildExtensionOperations(desired, mode);
  if (ops.length === 0) return undefined;
  return { method: 'PATCH', path: `/Users/${concurId}`, bulkId, data: patchBody(ops) };
}
