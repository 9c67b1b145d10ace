/**
 * The diff between the stored configuration and a file (configuration as code): which objects are
 * created, updated or deleted, and which fields change. Pure: secrets are compared by the caller
 * beforehand (a stored secret is a vault reference) and only ever reported as "changed".
 */

export type ObjectKind = 'datastore' | 'connection' | 'channel';

export interface FieldChange {
  /** JSON pointer into the object, e.g. `/mapping/userName/source`. */
  field: string;
  /** Present for non-secret fields; secrets never show a value. */
  from?: unknown;
  to?: unknown;
  secret?: true;
}

export interface PlannedChange {
  kind: ObjectKind;
  id: string;
  action: 'create' | 'update' | 'delete';
  fields: FieldChange[];
}

export interface ConfigObjects {
  datastores: Array<{ id: string }>;
  connections: Array<{ id: string }>;
  channels: Array<{ id: string }>;
}

export interface PlanOptions {
  prune: boolean;
  /** Pointers of secret fields for an object (values there are never shown). */
  secretFields(kind: ObjectKind, object: unknown): string[];
}

const KINDS: Array<[ObjectKind, keyof ConfigObjects]> = [
  ['datastore', 'datastores'],
  ['connection', 'connections'],
  ['channel', 'channels'],
];

export function planConfig(current: ConfigObjects, desired: ConfigObjects, options: PlanOptions): PlannedChange[] {
  const changes: PlannedChange[] = [];
  for (const [kind, key] of KINDS) {
    const before = new Map(current[key].map((o) => [o.id, o]));
    const after = new Map(desired[key].map((o) => [o.id, o]));
    for (const [id, next] of after) {
      const prev = before.get(id);
      const secrets = new Set([...options.secretFields(kind, next), ...(prev ? options.secretFields(kind, prev) : [])]);
      const fields = diffFields(prev ?? {}, next, secrets);
      if (!prev) changes.push({ kind, id, action: 'create', fields });
      else if (fields.length) changes.push({ kind, id, action: 'update', fields });
    }
    if (options.prune) {
      for (const id of before.keys()) if (!after.has(id)) changes.push({ kind, id, action: 'delete', fields: [] });
    }
  }
  return changes;
}

/** Leaf-level differences as JSON pointers; arrays compare whole (a reordered list is one change). */
export function diffFields(before: unknown, after: unknown, secrets: Set<string>, at = ''): FieldChange[] {
  if (secrets.has(at)) return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ field: at, secret: true }];
  // An object appearing or vanishing is diffed leaf by leaf, so a secret inside it stays hidden.
  if (before === undefined && isPlainObject(after)) before = {};
  if (after === undefined && isPlainObject(before)) after = {};
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffFields(before[k], after[k], secrets, `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ field: at || '/', from: before, to: after }];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
