/**
 * SCIM PatchOp bodies for Identity v4.1 from the desired state: an update replaces every managed
 * field (except create-only ones) and removes the `clear` fields; disable/reactivate follow SAP's
 * own request collection (active plus terminationDate). Pure: no I/O.
 */
import { CONCUR_FIELDS, type ConcurFieldDef } from '../../domain/concur-fields';
import { SCHEMA_ENTERPRISE, SCHEMA_PATCH_OP, type DesiredConcurUser } from '../../domain/concur-user';
import { getFieldValue } from '../../domain/mapping/field-access';
import { concurFieldRemovalPath, concurFieldScimPath } from './scim-paths';

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path?: string;
  value?: unknown;
}

export interface PatchBody {
  schemas: [typeof SCHEMA_PATCH_OP];
  Operations: PatchOperation[];
}

export type TypedList = 'emails' | 'phoneNumbers' | 'addresses';

/**
 * Which typed entries the user has in Concur. Without it, typed entries are replaced through value
 * filters; with it (after Concur answered `noTarget`), missing entries are added instead and
 * removals of absent entries are dropped, as RFC 7644 §3.5.2 requires.
 */
export type ExistingEntries = Record<TypedList, ReadonlySet<string>>;

export interface UpdatePatchOptions {
  managerId?: string;
  existing?: ExistingEntries;
}

const TERMINATION_DATE = `${SCHEMA_ENTERPRISE}:terminationDate`;

export function patchBody(operations: PatchOperation[]): PatchBody {
  return { schemas: [SCHEMA_PATCH_OP], Operations: operations };
}

/** Concur's date-time form: `YYYY-MM-DDThh:mm:ssZ`, no fraction, as Identity v4.1 documents it. */
export function concurDateTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function typedEntry(def: ConcurFieldDef): { list: TypedList; type: string } | undefined {
  switch (def.target.kind) {
    case 'email':
      return { list: 'emails', type: def.target.type };
    case 'phone':
      return { list: 'phoneNumbers', type: def.target.type };
    case 'address':
      return { list: 'addresses', type: def.target.type };
    default:
      return undefined;
  }
}

/** Identity fields an update writes: everything mapped except create-only ones and companyId. */
function updatableIdentityFields(desired: DesiredConcurUser): ConcurFieldDef[] {
  const createOnly = new Set(desired.createOnly);
  return CONCUR_FIELDS.filter((def) => def.api === 'identity' && !def.setOnCreateOnly && !createOnly.has(def.name));
}

/** The PATCH operations that bring an existing Concur user's identity to `desired`. */
export function buildUpdateOperations(desired: DesiredConcurUser, options: UpdatePatchOptions = {}): PatchOperation[] {
  const ops: PatchOperation[] = [];
  const clear = new Set(desired.clear);
  // Entries to add whole (typed entry absent in Concur), keyed by list and type.
  const additions = new Map<string, { list: TypedList; entry: Record<string, unknown> }>();
  for (const def of updatableIdentityFields(desired)) {
    const value = getFieldValue(desired, def.target);
    const typed = typedEntry(def);
    const absent = typed !== undefined && options.existing !== undefined && !options.existing[typed.list].has(typed.type);
    if (isEmpty(value)) {
      if (clear.has(def.name) && !absent) ops.push({ op: 'remove', path: concurFieldRemovalPath(def.name) });
      continue;
    }
    if (def.target.kind === 'manager') {
      if (options.managerId) ops.push({ op: 'replace', path: concurFieldScimPath(def.name), value: { value: options.managerId } });
      continue;
    }
    if (typed && absent) {
      const key = `${typed.list}:${typed.type}`;
      const addition = additions.get(key) ?? { list: typed.list, entry: { type: typed.type } };
      addition.entry[def.target.kind === 'address' ? def.target.part : 'value'] = value;
      additions.set(key, addition);
      continue;
    }
    ops.push({ op: 'replace', path: concurFieldScimPath(def.name), value: Array.isArray(value) ? [...value] : value });
  }
  for (const { list, entry } of additions.values()) ops.push({ op: 'add', path: list, value: [entry] });
  return ops;
}

/** Update body; see buildUpdateOperations. */
export function buildUpdatePatch(desired: DesiredConcurUser, options: UpdatePatchOptions = {}): PatchBody {
  return patchBody(buildUpdateOperations(desired, options));
}

/** Soft deprovision: `active=false` with the termination date, as SAP's own collection does. */
export function buildDisablePatch(at: Date): PatchBody {
  return patchBody([
    { op: 'replace', path: 'active', value: false },
    { op: 'replace', path: TERMINATION_DATE, value: concurDateTime(at) },
  ]);
}

/**
 * Reactivation: `active=true` and the termination date cleared, unless the desired state sets one
 * (a future leaving date); with `desired`, the user's fields are brought up to date in the same call.
 */
export function buildReactivatePatch(desired?: DesiredConcurUser, options: UpdatePatchOptions = {}): PatchBody {
  if (!desired) {
    return patchBody([
      { op: 'replace', path: 'active', value: true },
      { op: 'remove', path: TERMINATION_DATE },
    ]);
  }
  const active: DesiredConcurUser = {
    ...desired,
    identity: { ...desired.identity, active: true },
    clear: desired.clear.filter((name) => name !== 'terminationDate'),
  };
  const ops = buildUpdateOperations(active, options);
  if (!ops.some((op) => op.path === TERMINATION_DATE)) ops.push({ op: 'remove', path: TERMINATION_DATE });
  return patchBody(ops);
}

/** Which typed entries a Concur user resource has (input for ExistingEntries). */
export function existingEntries(user: Record<string, unknown>): ExistingEntries {
  const types = (list: unknown): Set<string> =>
    new Set(Array.isArray(list) ? list.map((e) => (e as { type?: unknown }).type).filter((t): t is string => typeof t === 'string') : []);
  return { emails: types(user.emails), phoneNumbers: types(user.phoneNumbers), addresses: types(user.addresses) };
}
