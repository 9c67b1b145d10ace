/**
 * Target reconciliation's comparison: which fields of a Concur user differ from the desired
 * state, for the fields the mapping owns and an update would write (not create-only, not
 * request-only like entitlements, not the manager, whose UUID the connector resolves). Returns
 * field names only, never values. Pure.
 */
import { CONCUR_FIELDS, type ConcurFieldDef } from '../../domain/concur-fields';
import { SCHEMA_ENTERPRISE, type DesiredConcurUser } from '../../domain/concur-user';
import { getFieldValue } from '../../domain/mapping/field-access';

type Bag = Record<string, unknown>;
const isBag = (v: unknown): v is Bag => typeof v === 'object' && v !== null && !Array.isArray(v);
const typed = (list: unknown, type: string): Bag | undefined => (Array.isArray(list) ? list.find((e): e is Bag => isBag(e) && e.type === type) : undefined);

/** The value Concur holds for a field, read from an Identity v4.1 user resource. */
function actualValue(resource: Bag, def: ConcurFieldDef): unknown {
  const t = def.target;
  switch (t.kind) {
    case 'core':
      return resource[t.key];
    case 'name':
      return isBag(resource.name) ? resource.name[t.key] : undefined;
    case 'email':
      return typed(resource.emails, t.type)?.value;
    case 'phone':
      return typed(resource.phoneNumbers, t.type)?.value;
    case 'address':
      return typed(resource.addresses, t.type)?.[t.part];
    case 'enterprise': {
      const e = resource[SCHEMA_ENTERPRISE];
      return isBag(e) ? e[t.key] : undefined;
    }
    default:
      return undefined;
  }
}

const norm = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

export function identityDrift(desired: DesiredConcurUser, resource: Bag): string[] {
  const createOnly = new Set(desired.createOnly);
  const clear = new Set(desired.clear);
  const drifted: string[] = [];
  for (const def of CONCUR_FIELDS) {
    if (def.api !== 'identity' || def.setOnCreateOnly || createOnly.has(def.name)) continue;
    if (def.target.kind === 'manager' || (def.target.kind === 'core' && def.target.key === 'entitlements')) continue;
    const want = norm(getFieldValue(desired, def.target));
    const have = norm(actualValue(resource, def));
    // An unmapped field (empty, not clear-when-empty) is not Outbound's to repair.
    if (want === undefined && !clear.has(def.name)) continue;
    if (want !== have) drifted.push(def.name);
  }
  return drifted;
}
